// The JSON reader (parameters, JSON Lines, typed JSON) on arbitrary bytes:
// it accepts a document or says where it is wrong; an accepted one is
// written back as valid UTF-8, and typed JSON reads back as the same value.
#include <cstdint>
#include <string_view>

#include "kg/json.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = kg::ParseJson(text);
  if (!parsed.ok()) {
    kg::fuzz::Require(kg::IsValidUtf8(parsed.status().message()), "an error that is not UTF-8");
    return 0;
  }
  std::string plain, typed;
  kg::AppendJson(&plain, *parsed);
  kg::AppendTypedJson(&typed, *parsed);
  kg::fuzz::Require(kg::IsValidUtf8(plain) && kg::IsValidUtf8(typed), "JSON written that is not UTF-8");
  auto again = kg::ParseJson(typed);
  kg::fuzz::Require(again.ok(), "typed JSON that does not read back: " + typed);
  kg::fuzz::Require(*again == *parsed, "typed JSON that reads back as another value: " + typed);
  return 0;
}
