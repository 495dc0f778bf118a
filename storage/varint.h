// LEB128 varints and zigzag encoding: the variable-length integers of the
// compact record archive and of adjacency block values.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kg::storage {

// The number of bytes of v as a varint.
inline size_t VarintSize(uint64_t v) { return (static_cast<size_t>(std::bit_width(v | 1)) + 6) / 7; }
inline uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t UnZigZag(uint64_t u) { return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1); }

// Writes v as a varint at p; returns the end.
inline char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// Reads a varint from [*p, end) into *v. False, and *p unchanged, when the
// bytes end first or the varint is longer than a uint64_t.
inline bool GetVarint(const char** p, const char* end, uint64_t* v) {
  uint64_t result = 0;
  const char* q = *p;
  for (int shift = 0; shift < 64 && q < end; shift += 7) {
    auto byte = static_cast<uint8_t>(*q++);
    if (shift == 63 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      *p = q;
      *v = result;
      return true;
    }
  }
  return false;
}

inline void PutVarint(std::string* out, uint64_t v) {
  char buf[10];
  out->append(buf, static_cast<size_t>(PutVarint(buf, v) - buf));
}

// Reads a varint off the front of *in.
inline bool GetVarint(std::string_view* in, uint64_t* v) {
  const char* p = in->data();
  if (!GetVarint(&p, in->data() + in->size(), v)) return false;
  in->remove_prefix(static_cast<size_t>(p - in->data()));
  return true;
}

}  // namespace kg::storage
