// UTF-8: every string kg stores or prints is valid UTF-8. Text is checked
// where it enters (a statement, a parameter, a loaded file, a Bolt message, a
// property written through the API); these are the checks.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kg {

// The offset of the first byte that does not start or continue a valid
// UTF-8 sequence (overlong forms, surrogates and code points above
// U+10FFFF are invalid), or std::string_view::npos when all of s is valid.
size_t FindInvalidUtf8(std::string_view s);
inline bool IsValidUtf8(std::string_view s) { return FindInvalidUtf8(s) == std::string_view::npos; }

// The longest prefix of s of at most max_bytes that does not cut a
// character in two.
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes);

// s with every invalid sequence replaced by U+FFFD, for output that must
// stay valid whatever it is handed.
std::string ToValidUtf8(std::string_view s);

// Appends code point cp (REQUIRES: cp <= 0x10FFFF and not a surrogate).
void AppendUtf8(std::string* out, char32_t cp);

// A description of the invalid byte at offset: "invalid UTF-8 (byte 0xC3)".
std::string InvalidUtf8Message(std::string_view s, size_t offset);

}  // namespace kg
