#include "storage/records.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <istream>
#include <limits>
#include <stdexcept>
#include <streambuf>
#include <type_traits>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include "storage/compact_archive.h"

namespace kg::storage {
// The bytes left of the record a portable-format decode reads (null when
// none is read): a size read from the record is refused when it is more
// than that, before anything is allocated for it, as the compact archive
// does (every element takes at least a byte).
thread_local std::streambuf* portable_source = nullptr;
inline void CheckPortableCount(uint64_t n) {
  if (portable_source && n > static_cast<uint64_t>(std::max<std::streamsize>(0, portable_source->in_avail())))
    throw cereal::Exception("a size of " + std::to_string(n) + " is more than the record holds");
}
template <class T>
void LoadPortableVector(cereal::PortableBinaryInputArchive& ar, std::vector<T>& v) {
  cereal::size_type n = 0;
  ar(cereal::make_size_tag(n));
  CheckPortableCount(n);
  v.resize(static_cast<size_t>(n));
  for (T& x : v) ar(x);
}
}  // namespace kg::storage

// The containers of records, read from the portable format with their
// sizes checked (preferred over cereal's templates, which trust them).
namespace cereal {
inline void load(PortableBinaryInputArchive& ar, std::string& s) {
  size_type n = 0;
  ar(make_size_tag(n));
  kg::storage::CheckPortableCount(n);
  s.resize(static_cast<size_t>(n));
  ar(binary_data(s.data(), static_cast<std::size_t>(n)));
}
inline void load(PortableBinaryInputArchive& ar, bool& b) {
  uint8_t byte = 0;
  ar(byte);
  if (byte > 1) throw Exception("a bool that is neither 0 nor 1");
  b = byte != 0;
}
inline void load(PortableBinaryInputArchive& ar, std::vector<uint32_t>& v) { kg::storage::LoadPortableVector(ar, v); }
inline void load(PortableBinaryInputArchive& ar, std::vector<kg::Value>& v) { kg::storage::LoadPortableVector(ar, v); }
inline void load(PortableBinaryInputArchive& ar, std::vector<std::pair<uint32_t, kg::Value>>& v) {
  kg::storage::LoadPortableVector(ar, v);
}
}  // namespace cereal

namespace kg {

// cereal finds these through ADL on kg::Value. Layout: a type byte (the
// never-renumbered Value::Type) followed by the payload.
template <class Archive>
void save(Archive& ar, const Value& v) {
  ar(static_cast<uint8_t>(v.type()));
  switch (v.type()) {
    case Value::Type::kNull: break;
    case Value::Type::kBool: ar(v.as_bool()); break;
    case Value::Type::kInt: ar(v.as_int()); break;
    case Value::Type::kFloat: ar(v.as_float()); break;
    case Value::Type::kString: ar(v.as_string()); break;
    case Value::Type::kList: ar(v.as_list()); break;
    case Value::Type::kMap: {
      const ValueMap& m = v.as_map();
      ar(cereal::make_size_tag(static_cast<cereal::size_type>(m.size())));
      for (const auto& [k, e] : m) ar(k, e);
      break;
    }
    case Value::Type::kDate: ar(v.as_date().days); break;
    case Value::Type::kLocalTime: ar(v.as_local_time().nanos); break;
    case Value::Type::kTime: ar(v.as_time().nanos, v.as_time().offset); break;
    case Value::Type::kLocalDateTime: ar(v.as_local_date_time().seconds, v.as_local_date_time().nanos); break;
    case Value::Type::kDateTime: {
      const DateTime& t = v.as_date_time();
      ar(t.seconds, t.nanos, t.offset, t.zone == DateTime::kNoZone ? std::string() : temporal::ZoneName(t.zone));
      break;
    }
    case Value::Type::kDuration: {
      const Duration& d = v.as_duration();
      ar(d.months, d.days, d.seconds, d.nanos);
      break;
    }
    case Value::Type::kNode:
    case Value::Type::kEdge:
    case Value::Type::kPath:
      // Callers check IsStorable() first; reaching here is a bug.
      throw std::logic_error("a node, relationship or path cannot be stored");
  }
}

// A stored date time's zone by name: ids are per process.
inline int32_t StoredZone(const std::string& name) {
  if (name.empty()) return DateTime::kNoZone;
  auto zone = temporal::FindZone(name);
  if (!zone.ok()) throw std::runtime_error("stored date time names time zone '" + name + "', unknown here");
  return *zone;
}

template <class Archive>
void load(Archive& ar, Value& v) {
  uint8_t type = 0;
  ar(type);
  switch (static_cast<Value::Type>(type)) {
    case Value::Type::kNull: v = Value(); break;
    case Value::Type::kBool: { bool b; ar(b); v = Value(b); break; }
    case Value::Type::kInt: { int64_t i; ar(i); v = Value(i); break; }
    case Value::Type::kFloat: { double d; ar(d); v = Value(d); break; }
    case Value::Type::kString: { std::string s; ar(s); v = Value(std::move(s)); break; }
    case Value::Type::kList: { ValueList l; ar(l); v = Value(std::move(l)); break; }
    case Value::Type::kMap: {
      cereal::size_type n = 0;
      ar(cereal::make_size_tag(n));
      storage::CheckPortableCount(n);
      ValueMap m;
      for (cereal::size_type i = 0; i < n; ++i) {
        std::string k;
        Value e;
        ar(k, e);
        m.emplace(std::move(k), std::move(e));
      }
      v = Value(std::move(m));
      break;
    }
    case Value::Type::kDate: { Date d; ar(d.days); v = Value(d); break; }
    case Value::Type::kLocalTime: { LocalTime t; ar(t.nanos); v = Value(t); break; }
    case Value::Type::kTime: { Time t; ar(t.nanos, t.offset); v = Value(t); break; }
    case Value::Type::kLocalDateTime: { LocalDateTime t; ar(t.seconds, t.nanos); v = Value(t); break; }
    case Value::Type::kDateTime: {
      DateTime t;
      std::string zone;
      ar(t.seconds, t.nanos, t.offset, zone);
      t.zone = StoredZone(zone);
      v = Value(t);
      break;
    }
    case Value::Type::kDuration: { Duration d; ar(d.months, d.days, d.seconds, d.nanos); v = Value(d); break; }
    default:
      throw std::runtime_error("unknown value type " + std::to_string(type));
  }
}

namespace storage {

// Current class versions. A record with a higher version was written by a
// newer kg and is refused.
constexpr uint32_t kNodeRecordVersion = 1;
constexpr uint32_t kEdgeRecordVersion = 1;
constexpr uint32_t kIndexRecordVersion = 2;

struct NewerRecord : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void CheckVersion(uint32_t version, uint32_t supported, const char* record) {
  if (version > supported)
    throw NewerRecord(std::string(record) + " record version " + std::to_string(version) +
                      " is newer than this kg supports (" + std::to_string(supported) + ")");
}

// Labels go one by one rather than as cereal's block of binary data, so
// that the compact archive writes each as a varint; cereal's portable
// archive writes the same bytes either way.
template <class Archive>
void save(Archive& ar, const NodeRecord& r, const uint32_t) {
  ar(cereal::make_size_tag(static_cast<cereal::size_type>(r.labels.size())));
  for (uint32_t l : r.labels) ar(l);
  ar(r.properties);
}

template <class Archive>
void load(Archive& ar, NodeRecord& r, const uint32_t version) {
  CheckVersion(version, kNodeRecordVersion, "node");
  cereal::size_type n = 0;
  ar(cereal::make_size_tag(n));
  CheckPortableCount(n);
  r.labels.resize(static_cast<size_t>(n));
  for (uint32_t& l : r.labels) ar(l);
  ar(r.properties);
}

template <class Archive>
void serialize(Archive& ar, EdgeRecord& r, const uint32_t version) {
  CheckVersion(version, kEdgeRecordVersion, "edge");
  ar(r.type, r.source, r.target, r.properties);
}

template <class Archive>
void serialize(Archive& ar, IndexRecord& r, const uint32_t version) {
  CheckVersion(version, kIndexRecordVersion, "index");
  ar(r.id, r.name, r.label, r.property_key, r.unique);
  if (version >= 2) ar(r.fulltext, r.relationships, r.labels, r.properties, r.analyzer);
}

}  // namespace storage
}  // namespace kg

CEREAL_CLASS_VERSION(kg::storage::NodeRecord, kg::storage::kNodeRecordVersion)
CEREAL_CLASS_VERSION(kg::storage::EdgeRecord, kg::storage::kEdgeRecordVersion)
CEREAL_CLASS_VERSION(kg::storage::IndexRecord, kg::storage::kIndexRecordVersion)

namespace kg::storage {
namespace {

// A stream buffer over a byte range, for cereal's portable archive.
class ByteSource : public std::streambuf {
 public:
  explicit ByteSource(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());
    setg(p, p, p + bytes.size());
  }
};

template <class Record>
std::string Encode(const Record& r) {
  std::string out;
  out.reserve(64);
  CompactOutputArchive ar(&out);
  ar(r);
  return out;
}

// The bytes the compact archive writes, for AppendNodeRecord and
// AppendEdgeRecord: the archive's mark, the class version, then the fields;
// a Value as its type byte and payload. The size is worked out first and
// the bytes are written in place.
class RecordBytes {
 public:
  static size_t SizeOf(const Value& v) {
    switch (v.type()) {
      case Value::Type::kBool: return 2;
      case Value::Type::kInt: return 1 + VarintSize(ZigZag(v.as_int()));
      case Value::Type::kFloat: return 9;
      case Value::Type::kString: return 1 + StringSize(v.as_string());
      case Value::Type::kList: {
        size_t n = 1 + VarintSize(v.as_list().size());
        for (const Value& e : v.as_list()) n += SizeOf(e);
        return n;
      }
      case Value::Type::kMap: {
        size_t n = 1 + VarintSize(v.as_map().size());
        for (const auto& [k, e] : v.as_map()) n += StringSize(k) + SizeOf(e);
        return n;
      }
      case Value::Type::kDate: return 1 + IntSize(v.as_date().days);
      case Value::Type::kLocalTime: return 1 + IntSize(v.as_local_time().nanos);
      case Value::Type::kTime: return 1 + IntSize(v.as_time().nanos) + IntSize(v.as_time().offset);
      case Value::Type::kLocalDateTime:
        return 1 + IntSize(v.as_local_date_time().seconds) + IntSize(v.as_local_date_time().nanos);
      case Value::Type::kDateTime: {
        const DateTime& t = v.as_date_time();
        return 1 + IntSize(t.seconds) + IntSize(t.nanos) + IntSize(t.offset) +
               StringSize(t.zone == DateTime::kNoZone ? std::string_view() : temporal::ZoneName(t.zone));
      }
      case Value::Type::kDuration: {
        const Duration& d = v.as_duration();
        return 1 + IntSize(d.months) + IntSize(d.days) + IntSize(d.seconds) + IntSize(d.nanos);
      }
      default: return 1;
    }
  }
  static size_t StringSize(std::string_view s) { return VarintSize(s.size()) + s.size(); }
  static size_t IntSize(int64_t v) { return VarintSize(ZigZag(v)); }
  static size_t SizeOf(PropertySpan props) {
    size_t n = VarintSize(props.size());
    for (const auto& [k, v] : props) n += VarintSize(k) + SizeOf(v);
    return n;
  }
  static size_t HeaderSize(uint32_t version) { return 1 + VarintSize(version); }

  // Makes room for size more bytes at the end of *out.
  RecordBytes(std::string* out, size_t size) {
    size_t at = out->size();
    out->resize(at + size);
    p_ = out->data() + at;
  }
  void Varint(uint64_t v) { p_ = PutVarint(p_, v); }
  void String(std::string_view s) {
    Varint(s.size());
    if (s.empty()) return;  // an empty view may have no data pointer at all
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void Header(uint32_t version) {
    *p_++ = kCompactArchiveMark;
    Varint(version);
  }
  void Props(PropertySpan props) {
    Varint(props.size());
    for (const auto& [k, v] : props) {
      Varint(k);
      Val(v);
    }
  }
  void Val(const Value& v) {
    *p_++ = static_cast<char>(v.type());
    switch (v.type()) {
      case Value::Type::kNull: break;
      case Value::Type::kBool: *p_++ = v.as_bool() ? 1 : 0; break;
      case Value::Type::kInt: Varint(ZigZag(v.as_int())); break;
      case Value::Type::kFloat: {
        auto u = std::bit_cast<uint64_t>(v.as_float());
        for (int i = 0; i < 8; ++i) *p_++ = static_cast<char>(u >> (8 * i));
        break;
      }
      case Value::Type::kString: String(v.as_string()); break;
      case Value::Type::kList:
        Varint(v.as_list().size());
        for (const Value& e : v.as_list()) Val(e);
        break;
      case Value::Type::kMap:
        Varint(v.as_map().size());
        for (const auto& [k, e] : v.as_map()) {
          String(k);
          Val(e);
        }
        break;
      case Value::Type::kDate: Int(v.as_date().days); break;
      case Value::Type::kLocalTime: Int(v.as_local_time().nanos); break;
      case Value::Type::kTime:
        Int(v.as_time().nanos);
        Int(v.as_time().offset);
        break;
      case Value::Type::kLocalDateTime:
        Int(v.as_local_date_time().seconds);
        Int(v.as_local_date_time().nanos);
        break;
      case Value::Type::kDateTime: {
        const DateTime& t = v.as_date_time();
        Int(t.seconds);
        Int(t.nanos);
        Int(t.offset);
        String(t.zone == DateTime::kNoZone ? std::string_view() : temporal::ZoneName(t.zone));
        break;
      }
      case Value::Type::kDuration: {
        const Duration& d = v.as_duration();
        Int(d.months);
        Int(d.days);
        Int(d.seconds);
        Int(d.nanos);
        break;
      }
      case Value::Type::kNode:
      case Value::Type::kEdge:
      case Value::Type::kPath: throw std::logic_error("a node, relationship or path cannot be stored");
    }
  }
  void Int(int64_t v) { Varint(ZigZag(v)); }

 private:
  char* p_;
};

// Reads records of either encoding: kCompact the compact archive's, else
// cereal's portable binary one (fixed-width little-endian integers, sizes
// as u64). Every read checks the bounds; past the end, or on a type it does
// not know, ok() turns false.
template <bool kCompact>
class RecordReader {
 public:
  explicit RecordReader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool ok() const { return ok_; }
  size_t left() const { return static_cast<size_t>(end_ - p_); }

  uint8_t Byte() {
    if (left() < 1) return Fail<uint8_t>();
    return static_cast<uint8_t>(*p_++);
  }
  // An integer field of type T.
  template <class T>
  T Int() {
    if constexpr (kCompact) {
      uint64_t u;
      if (!GetVarint(&p_, end_, &u)) return Fail<T>();
      if constexpr (std::is_signed_v<T>) {
        int64_t v = UnZigZag(u);
        if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) return Fail<T>();
        return static_cast<T>(v);
      } else {
        if (u > std::numeric_limits<T>::max()) return Fail<T>();
        return static_cast<T>(u);
      }
    } else {
      return Fixed<T>();
    }
  }
  template <class T>
  T Fixed() {
    using U = std::make_unsigned_t<T>;
    if (left() < sizeof(T)) return Fail<T>();
    U u = 0;
    for (size_t i = 0; i < sizeof(T); ++i) u |= static_cast<U>(static_cast<unsigned char>(p_[i])) << (8 * i);
    p_ += sizeof(T);
    return static_cast<T>(u);
  }
  // A count of things of at least min_bytes each (as the portable encoding
  // writes them; the compact one, at least one byte each).
  uint64_t Count(size_t min_bytes) {
    uint64_t n = Int<uint64_t>();
    if constexpr (kCompact) min_bytes = 1;
    return n <= left() / min_bytes ? n : Fail<uint64_t>();
  }
  std::string_view String() {
    uint64_t n = Count(1);
    if (!ok_) return {};
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  // Reads one value into *out, or skips it when out is null.
  void Val(Value* out, int depth = 0) {
    if (depth > 256) return Fail<void>();
    auto type = static_cast<Value::Type>(Byte());
    if (!ok_) return;
    switch (type) {
      case Value::Type::kNull:
        if (out) *out = Value();
        return;
      case Value::Type::kBool: {
        auto b = Byte();
        if (out) *out = Value(b != 0);
        return;
      }
      case Value::Type::kInt: {
        auto i = Int<int64_t>();
        if (out) *out = Value(i);
        return;
      }
      case Value::Type::kFloat: {
        auto d = std::bit_cast<double>(Fixed<uint64_t>());
        if (out) *out = Value(d);
        return;
      }
      case Value::Type::kString: {
        std::string_view s = String();
        if (out) *out = Value(std::string(s));
        return;
      }
      case Value::Type::kList: {
        uint64_t n = Count(1);
        ValueList list;
        for (uint64_t i = 0; i < n && ok_; ++i) {
          Value e;
          Val(out ? &e : nullptr, depth + 1);
          if (out) list.push_back(std::move(e));
        }
        if (out) *out = Value(std::move(list));
        return;
      }
      case Value::Type::kMap: {
        uint64_t n = Count(9);
        ValueMap map;
        for (uint64_t i = 0; i < n && ok_; ++i) {
          std::string_view k = String();
          Value e;
          Val(out ? &e : nullptr, depth + 1);
          if (out) map.emplace(std::string(k), std::move(e));
        }
        if (out) *out = Value(std::move(map));
        return;
      }
      case Value::Type::kDate: {
        Date d{Int<int64_t>()};
        if (out) *out = Value(d);
        return;
      }
      case Value::Type::kLocalTime: {
        LocalTime t{Int<int64_t>()};
        if (out) *out = Value(t);
        return;
      }
      case Value::Type::kTime: {
        Time t;
        t.nanos = Int<int64_t>();
        t.offset = Int<int32_t>();
        if (out) *out = Value(t);
        return;
      }
      case Value::Type::kLocalDateTime: {
        LocalDateTime t;
        t.seconds = Int<int64_t>();
        t.nanos = Int<int32_t>();
        if (out) *out = Value(t);
        return;
      }
      case Value::Type::kDateTime: {
        DateTime t;
        t.seconds = Int<int64_t>();
        t.nanos = Int<int32_t>();
        t.offset = Int<int32_t>();
        std::string_view zone = String();
        if (!ok_) return;
        if (!zone.empty()) {
          auto id = temporal::FindZone(zone);
          if (!id.ok()) return Fail<void>();
          t.zone = *id;
        }
        if (out) *out = Value(t);
        return;
      }
      case Value::Type::kDuration: {
        Duration d;
        d.months = Int<int64_t>();
        d.days = Int<int64_t>();
        d.seconds = Int<int64_t>();
        d.nanos = Int<int32_t>();
        if (out) *out = Value(d);
        return;
      }
      default: return Fail<void>();
    }
  }

 private:
  template <class T>
  T Fail() {
    ok_ = false;
    p_ = end_;
    if constexpr (!std::is_void_v<T>) return T{};
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

template <bool kCompact>
bool PeekNode(std::string_view bytes, uint32_t label, uint32_t key_id, bool* has_label, std::optional<Value>* value) {
  RecordReader<kCompact> r(bytes);
  // The encoding's first byte (the compact mark, or the portable
  // endianness flag), then the class version.
  r.Byte();
  if (r.template Int<uint32_t>() != kNodeRecordVersion) return false;
  uint64_t labels = r.Count(4);
  for (uint64_t i = 0; i < labels; ++i)
    if (r.template Int<uint32_t>() == label) *has_label = true;
  if (label == kAnyLabel) *has_label = true;
  if (!*has_label) return r.ok();
  uint64_t props = r.Count(5);
  for (uint64_t i = 0; i < props && r.ok(); ++i) {
    if (r.template Int<uint32_t>() != key_id) {
      r.Val(nullptr);
      continue;
    }
    Value v;
    r.Val(&v);
    *value = std::move(v);
  }
  return r.ok() && r.left() == 0;
}

template <bool kCompact>
bool PeekEdge(std::string_view bytes, uint32_t* type, uint64_t* source, uint64_t* target) {
  RecordReader<kCompact> r(bytes);
  r.Byte();
  if (r.template Int<uint32_t>() != kEdgeRecordVersion) return false;
  *type = r.template Int<uint32_t>();
  *source = r.template Int<uint64_t>();
  *target = r.template Int<uint64_t>();
  return r.ok();
}

// Node and edge records in the compact encoding, read straight into the
// record: the same fields the archive reads, without setting one up for
// each record (most of the time a small record's decode takes). False for
// anything else (damage, another class version): the archive then decodes
// the bytes and says what is wrong with them.
bool ReadProperties(RecordReader<true>& r, PropertyList* props) {
  uint64_t n = r.Count(1);
  props->clear();
  props->reserve(static_cast<size_t>(n));
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    auto key = r.Int<uint32_t>();
    Value v;
    r.Val(&v);
    props->emplace_back(key, std::move(v));
  }
  return r.ok() && r.left() == 0;
}

bool ReadCompact(std::string_view bytes, NodeRecord* record) {
  RecordReader<true> r(bytes);
  r.Byte();
  if (r.Int<uint32_t>() != kNodeRecordVersion) return false;
  uint64_t n = r.Count(1);
  record->labels.resize(static_cast<size_t>(n));
  for (uint32_t& l : record->labels) l = r.Int<uint32_t>();
  return ReadProperties(r, &record->properties);
}

bool ReadCompact(std::string_view bytes, EdgeRecord* record) {
  RecordReader<true> r(bytes);
  r.Byte();
  if (r.Int<uint32_t>() != kEdgeRecordVersion) return false;
  record->type = r.Int<uint32_t>();
  record->source = r.Int<uint64_t>();
  record->target = r.Int<uint64_t>();
  return ReadProperties(r, &record->properties);
}

// Records are written by the compact archive; databases of kg format 2 and
// older hold records of cereal's portable binary archive, told apart by
// their first byte.
template <class Record>
Status Decode(std::string_view bytes, Record* r, std::string_view what) {
  if constexpr (!std::is_same_v<Record, IndexRecord>)
    if (!bytes.empty() && bytes[0] == kCompactArchiveMark && ReadCompact(bytes, r)) return Status::OK();
  try {
    if (!bytes.empty() && bytes[0] == kCompactArchiveMark) {
      CompactInputArchive ar(bytes);
      ar(*r);
      if (ar.left() != 0) return Status::Corruption(std::string(what) + " is damaged: bytes after its end");
    } else {
      ByteSource source(bytes);
      std::istream is(&source);
      cereal::PortableBinaryInputArchive ar(is);
      portable_source = &source;
      struct Done {
        ~Done() { portable_source = nullptr; }
      } done;
      ar(*r);
    }
  } catch (const NewerRecord& e) {
    return Status::NotSupported(std::string(what) + ": " + e.what());
  } catch (const std::exception& e) {
    return Status::Corruption(std::string(what) + " is damaged: " + e.what());
  }
  return Status::OK();
}

}  // namespace

bool PeekEdgeRecord(std::string_view bytes, uint32_t* type, uint64_t* source, uint64_t* target) {
  if (bytes.empty()) return false;
  if (bytes[0] == kCompactArchiveMark) return PeekEdge<true>(bytes, type, source, target);
  if (bytes[0] == 1) return PeekEdge<false>(bytes, type, source, target);
  return false;
}

bool PeekNodeRecord(std::string_view bytes, uint32_t label, uint32_t key_id, bool* has_label,
                    std::optional<Value>* value) {
  *has_label = false;
  value->reset();
  if (bytes.empty()) return false;
  if (bytes[0] == kCompactArchiveMark) return PeekNode<true>(bytes, label, key_id, has_label, value);
  if (bytes[0] == 1) return PeekNode<false>(bytes, label, key_id, has_label, value);
  return false;
}

void AppendNodeRecord(std::string* out, std::span<const uint32_t> labels, PropertySpan props) {
  size_t size = RecordBytes::HeaderSize(kNodeRecordVersion) + VarintSize(labels.size()) + RecordBytes::SizeOf(props);
  for (uint32_t l : labels) size += VarintSize(l);
  RecordBytes b(out, size);
  b.Header(kNodeRecordVersion);
  b.Varint(labels.size());
  for (uint32_t l : labels) b.Varint(l);
  b.Props(props);
}

void AppendEdgeRecord(std::string* out, uint32_t type, uint64_t source, uint64_t target, PropertySpan props) {
  RecordBytes b(out, RecordBytes::HeaderSize(kEdgeRecordVersion) + VarintSize(type) + VarintSize(source) +
                         VarintSize(target) + RecordBytes::SizeOf(props));
  b.Header(kEdgeRecordVersion);
  b.Varint(type);
  b.Varint(source);
  b.Varint(target);
  b.Props(props);
}

const Value* FindProperty(PropertySpan props, uint32_t key_id) {
  auto it = std::lower_bound(props.begin(), props.end(), key_id,
                             [](const auto& p, uint32_t k) { return p.first < k; });
  return it != props.end() && it->first == key_id ? &it->second : nullptr;
}

bool SetProperty(PropertyList* props, uint32_t key_id, const Value& value) {
  auto it = std::lower_bound(props->begin(), props->end(), key_id,
                             [](const auto& p, uint32_t k) { return p.first < k; });
  bool present = it != props->end() && it->first == key_id;
  if (value.is_null()) {
    if (!present) return false;
    props->erase(it);
    return true;
  }
  if (present) {
    if (it->second == value) return false;
    it->second = value;
    return true;
  }
  props->insert(it, {key_id, value});
  return true;
}

bool NodeRecord::HasLabel(uint32_t label) const {
  return std::binary_search(labels.begin(), labels.end(), label);
}

std::string EncodeRecord(const NodeRecord& r) { return Encode(r); }
std::string EncodeRecord(const EdgeRecord& r) { return Encode(r); }
std::string EncodeRecord(const IndexRecord& r) { return Encode(r); }
Status DecodeRecord(std::string_view b, NodeRecord* r, std::string_view what) { return Decode(b, r, what); }
Status DecodeRecord(std::string_view b, EdgeRecord* r, std::string_view what) { return Decode(b, r, what); }
Status DecodeRecord(std::string_view b, NodeRecord* r, const char* kind, uint64_t id) {
  if (!b.empty() && b[0] == kCompactArchiveMark && ReadCompact(b, r)) return Status::OK();
  return Decode(b, r, std::string(kind) + " " + std::to_string(id));
}
Status DecodeRecord(std::string_view b, EdgeRecord* r, const char* kind, uint64_t id) {
  if (!b.empty() && b[0] == kCompactArchiveMark && ReadCompact(b, r)) return Status::OK();
  return Decode(b, r, std::string(kind) + " " + std::to_string(id));
}
Status DecodeRecord(std::string_view b, IndexRecord* r, std::string_view what) { return Decode(b, r, what); }

}  // namespace kg::storage
