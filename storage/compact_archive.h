// A pair of cereal archives for records, smaller than cereal's portable
// binary archive: integers wider than a byte are LEB128 varints (signed ones
// zigzag-encoded first), sizes are varints, floating point numbers are their
// IEEE bytes in little-endian order, one-byte integers and bools are one
// byte. A record of small ids and counts takes a byte for each instead of
// four or eight.
//
// The first byte of every archive is kCompactArchiveMark, which cereal's
// portable binary archive never writes there (it writes its endianness flag,
// 0 or 1): a reader tells the two encodings apart by it.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include <cereal/cereal.hpp>

#include "storage/varint.h"

namespace kg::storage {

inline constexpr char kCompactArchiveMark = 2;

class CompactOutputArchive : public cereal::OutputArchive<CompactOutputArchive, cereal::AllowEmptyClassElision> {
 public:
  explicit CompactOutputArchive(std::string* out) : OutputArchive(this), out_(out) { out_->push_back(kCompactArchiveMark); }

  void Varint(uint64_t v) { PutVarint(out_, v); }
  void Bytes(const void* data, size_t size) {
    if (size != 0) out_->append(static_cast<const char*>(data), size);  // an empty vector's data may be null
  }

 private:
  std::string* out_;
};

class CompactInputArchive : public cereal::InputArchive<CompactInputArchive, cereal::AllowEmptyClassElision> {
 public:
  // Throws cereal::Exception unless bytes start with kCompactArchiveMark.
  explicit CompactInputArchive(std::string_view bytes)
      : InputArchive(this), p_(bytes.data()), end_(bytes.data() + bytes.size()) {
    if (p_ == end_ || *p_ != kCompactArchiveMark) throw cereal::Exception("not a compact record");
    ++p_;
  }

  uint64_t Varint() {
    uint64_t v;
    if (!GetVarint(&p_, end_, &v)) throw cereal::Exception("a number runs past the end of the record");
    return v;
  }
  void Bytes(void* data, size_t size) {
    if (size > left()) throw cereal::Exception("the record ends early");
    if (size == 0) return;  // an empty vector's data may be null
    std::memcpy(data, p_, size);
    p_ += size;
  }
  // A count of things, each at least a byte long: more than the bytes left
  // is damage (and would otherwise be allocated for).
  uint64_t Size() {
    uint64_t n = Varint();
    if (n > left()) throw cereal::Exception("a size of " + std::to_string(n) + " is more than the record holds");
    return n;
  }
  size_t left() const { return static_cast<size_t>(end_ - p_); }

 private:
  const char* p_;
  const char* end_;
};

template <class T>
concept CompactOneByte = std::is_same_v<T, bool> || (std::is_integral_v<T> && sizeof(T) == 1);

template <class T>
  requires std::is_arithmetic_v<T>
void CEREAL_SAVE_FUNCTION_NAME(CompactOutputArchive& ar, const T& t) {
  if constexpr (CompactOneByte<T>) {
    char c = static_cast<char>(t);
    ar.Bytes(&c, 1);
  } else if constexpr (std::is_floating_point_v<T>) {
    static_assert(std::endian::native == std::endian::little, "floats are stored little-endian");
    ar.Bytes(&t, sizeof(T));
  } else if constexpr (std::is_signed_v<T>) {
    ar.Varint(ZigZag(t));
  } else {
    ar.Varint(t);
  }
}

template <class T>
  requires std::is_arithmetic_v<T>
void CEREAL_LOAD_FUNCTION_NAME(CompactInputArchive& ar, T& t) {
  if constexpr (std::is_same_v<T, bool>) {
    uint8_t b;
    ar.Bytes(&b, 1);
    if (b > 1) throw cereal::Exception("a bool that is neither 0 nor 1");
    t = b != 0;
  } else if constexpr (CompactOneByte<T>) {
    ar.Bytes(&t, 1);
  } else if constexpr (std::is_floating_point_v<T>) {
    ar.Bytes(&t, sizeof(T));
  } else if constexpr (std::is_signed_v<T>) {
    int64_t v = UnZigZag(ar.Varint());
    if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
      throw cereal::Exception("a number out of range");
    t = static_cast<T>(v);
  } else {
    uint64_t v = ar.Varint();
    if (v > std::numeric_limits<T>::max()) throw cereal::Exception("a number out of range");
    t = static_cast<T>(v);
  }
}

template <class T>
void CEREAL_SERIALIZE_FUNCTION_NAME(CompactOutputArchive& ar, cereal::NameValuePair<T>& t) {
  ar(t.value);
}
template <class T>
void CEREAL_SERIALIZE_FUNCTION_NAME(CompactInputArchive& ar, cereal::NameValuePair<T>& t) {
  ar(t.value);
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(CompactOutputArchive& ar, const cereal::SizeTag<T>& t) {
  ar.Varint(static_cast<uint64_t>(t.size));
}
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(CompactInputArchive& ar, cereal::SizeTag<T>& t) {
  t.size = static_cast<std::remove_reference_t<decltype(t.size)>>(ar.Size());
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(CompactOutputArchive& ar, const cereal::BinaryData<T>& bd) {
  ar.Bytes(bd.data, static_cast<size_t>(bd.size));
}
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(CompactInputArchive& ar, cereal::BinaryData<T>& bd) {
  ar.Bytes(bd.data, static_cast<size_t>(bd.size));
}

}  // namespace kg::storage

CEREAL_REGISTER_ARCHIVE(kg::storage::CompactOutputArchive)
CEREAL_REGISTER_ARCHIVE(kg::storage::CompactInputArchive)
CEREAL_SETUP_ARCHIVE_TRAITS(kg::storage::CompactInputArchive, kg::storage::CompactOutputArchive)
