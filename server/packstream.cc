#include "server/packstream.h"

#include <cstdlib>
#include <cstring>

#include "kg/element.h"
#include "kg/utf8.h"

namespace kg::server {
namespace {

constexpr int kMaxDepth = 64;

class Unpacker {
 public:
  explicit Unpacker(std::string_view in) : in_(in) {}

  Status Fail(const std::string& what) const {
    return Status::InvalidArgument("malformed message at byte " + std::to_string(at_) + ": " + what);
  }
  bool Need(size_t n) const { return in_.size() - at_ >= n; }
  uint64_t Read(size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(in_[at_ + i]);
    at_ += n;
    return v;
  }
  size_t at() const { return at_; }
  bool done() const { return at_ == in_.size(); }

  // The size that follows a marker of `width` bytes (0: in the marker).
  Status Size(size_t width, uint8_t marker_low, size_t* n) {
    if (width == 0) {
      *n = marker_low;
      return Status::OK();
    }
    if (!Need(width)) return Fail("a size past the end");
    *n = static_cast<size_t>(Read(width));
    return Status::OK();
  }

  Status Value(kg::Value* out, int depth) {
    if (depth > kMaxDepth) return Fail("nested deeper than " + std::to_string(kMaxDepth));
    if (!Need(1)) return Fail("a value past the end");
    uint8_t m = static_cast<uint8_t>(in_[at_++]);
    if (m < 0x80) {
      *out = kg::Value(static_cast<int64_t>(m));
      return Status::OK();
    }
    if (m >= 0xF0) {
      *out = kg::Value(static_cast<int64_t>(static_cast<int8_t>(m)));
      return Status::OK();
    }
    size_t n = 0;
    switch (m) {
      case 0xC0: *out = kg::Value(); return Status::OK();
      case 0xC2: *out = kg::Value(false); return Status::OK();
      case 0xC3: *out = kg::Value(true); return Status::OK();
      case 0xC1: {
        if (!Need(8)) return Fail("a float past the end");
        uint64_t bits = Read(8);
        double d;
        std::memcpy(&d, &bits, 8);
        *out = kg::Value(d);
        return Status::OK();
      }
      case 0xC8: case 0xC9: case 0xCA: case 0xCB: {
        size_t width = size_t{1} << (m - 0xC8);
        if (!Need(width)) return Fail("an integer past the end");
        uint64_t raw = Read(width);
        int shift = static_cast<int>(64 - 8 * width);
        *out = kg::Value(static_cast<int64_t>(raw << shift) >> shift);
        return Status::OK();
      }
      case 0xCC: case 0xCD: case 0xCE: return Fail("byte arrays are not supported");
      default: break;
    }
    uint8_t high = m & 0xF0;
    if (high == 0x80 || (m >= 0xD0 && m <= 0xD2)) {
      if (Status s = high == 0x80 ? Size(0, m & 0x0F, &n) : Size(size_t{1} << (m - 0xD0), 0, &n); !s.ok()) return s;
      if (!Need(n)) return Fail("a string of " + std::to_string(n) + " bytes past the end");
      std::string_view text = in_.substr(at_, n);
      if (size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos) {
        at_ += bad;
        return Fail("a string that is not valid UTF-8: " + InvalidUtf8Message(text, bad));
      }
      *out = kg::Value(std::string(text));
      at_ += n;
      return Status::OK();
    }
    if (high == 0x90 || (m >= 0xD4 && m <= 0xD6)) {
      if (Status s = high == 0x90 ? Size(0, m & 0x0F, &n) : Size(size_t{1} << (m - 0xD4), 0, &n); !s.ok()) return s;
      if (n > in_.size() - at_) return Fail("a list of " + std::to_string(n) + " items past the end");
      ValueList list(n);
      for (auto& item : list)
        if (Status s = Value(&item, depth + 1); !s.ok()) return s;
      *out = kg::Value(std::move(list));
      return Status::OK();
    }
    if (high == 0xA0 || (m >= 0xD8 && m <= 0xDA)) {
      if (Status s = high == 0xA0 ? Size(0, m & 0x0F, &n) : Size(size_t{1} << (m - 0xD8), 0, &n); !s.ok()) return s;
      if (n > (in_.size() - at_) / 2) return Fail("a map of " + std::to_string(n) + " entries past the end");
      ValueMap map;
      for (size_t i = 0; i < n; ++i) {
        kg::Value key;
        if (Status s = Value(&key, depth + 1); !s.ok()) return s;
        if (!key.is_string()) return Fail("a map key that is not a string");
        kg::Value v;
        if (Status s = Value(&v, depth + 1); !s.ok()) return s;
        map[key.as_string()] = std::move(v);
      }
      *out = kg::Value(std::move(map));
      return Status::OK();
    }
    if (high == 0xB0) return Structure(out, m & 0x0F, depth);
    return Fail("unknown marker 0x" + Hex(m));
  }

  // A structure as a value: the temporal ones (Bolt 5's, with UTC date
  // times); others (a point, a node sent back) are NotSupported.
  Status Structure(kg::Value* out, size_t fields, int depth) {
    size_t start = at_ - 1;
    if (!Need(1)) return Fail("a structure tag past the end");
    uint8_t tag = static_cast<uint8_t>(Read(1));
    std::vector<kg::Value> f(fields);
    for (auto& x : f)
      if (Status s = Value(&x, depth + 1); !s.ok()) return s;
    auto ints = [&](size_t n) {
      if (f.size() != n) return false;
      for (size_t i = 0; i < n; ++i)
        if (!f[i].is_int() && !(tag == 'i' && i == 2 && f[i].is_string())) return false;
      return true;
    };
    auto bad = [&](const char* what) {
      return Fail(std::string("a malformed ") + what + " structure at byte " + std::to_string(start));
    };
    auto nanos_ok = [&](int64_t n) { return n >= 0 && n < temporal::kNanosPerSecond; };
    // Dates and instants within years -999,999,999 to +999,999,999.
    static const int64_t kMinDay = temporal::FromCivil(temporal::kMinYear, 1, 1).days;
    static const int64_t kMaxDay = temporal::FromCivil(temporal::kMaxYear, 12, 31).days;
    auto day_ok = [&](int64_t d) { return d >= kMinDay && d <= kMaxDay; };
    auto seconds_ok = [&](int64_t s) {
      return s >= (kMinDay + 1) * temporal::kSecondsPerDay && s < kMaxDay * temporal::kSecondsPerDay;
    };
    switch (tag) {
      case 'D':
        if (!ints(1) || !day_ok(f[0].as_int())) return bad("Date");
        *out = kg::Value(Date{f[0].as_int()});
        return Status::OK();
      case 't':
        if (!ints(1) || f[0].as_int() < 0 || f[0].as_int() >= temporal::kNanosPerDay) return bad("LocalTime");
        *out = kg::Value(LocalTime{f[0].as_int()});
        return Status::OK();
      case 'T':
        if (!ints(2) || f[0].as_int() < 0 || f[0].as_int() >= temporal::kNanosPerDay ||
            std::abs(f[1].as_int()) > temporal::kMaxOffset)
          return bad("Time");
        *out = kg::Value(Time{f[0].as_int(), static_cast<int32_t>(f[1].as_int())});
        return Status::OK();
      case 'd':
        if (!ints(2) || !seconds_ok(f[0].as_int()) || !nanos_ok(f[1].as_int())) return bad("LocalDateTime");
        *out = kg::Value(LocalDateTime{f[0].as_int(), static_cast<int32_t>(f[1].as_int())});
        return Status::OK();
      case 'I':
        if (!ints(3) || !seconds_ok(f[0].as_int()) || !nanos_ok(f[1].as_int()) ||
            std::abs(f[2].as_int()) > temporal::kMaxOffset)
          return bad("DateTime");
        *out = kg::Value(DateTime{f[0].as_int(), static_cast<int32_t>(f[1].as_int()), static_cast<int32_t>(f[2].as_int())});
        return Status::OK();
      case 'i': {
        if (!ints(3) || !f[2].is_string() || !seconds_ok(f[0].as_int()) || !nanos_ok(f[1].as_int()))
          return bad("DateTimeZoneId");
        auto zone = temporal::FindZone(f[2].as_string());
        if (!zone.ok())
          return Status::InvalidArgument(zone.status().message() + " in the structure at byte " + std::to_string(start));
        int64_t secs = f[0].as_int();
        *out = kg::Value(DateTime{secs, static_cast<int32_t>(f[1].as_int()), temporal::ZoneOffsetAt(*zone, secs), *zone});
        return Status::OK();
      }
      case 'E':
        if (!ints(4)) return bad("Duration");
        {
          temporal::DurationBuilder b;
          b.Add("months", f[0].as_int());
          b.Add("days", f[1].as_int());
          b.Add("seconds", f[2].as_int());
          b.Add("nanoseconds", f[3].as_int());
          auto d = b.Build();
          if (!d.ok()) return bad("Duration");
          *out = kg::Value(*d);
        }
        return Status::OK();
      default:
        return Status::NotSupported("a structure (tag 0x" + Hex(tag) + ") as a value at byte " + std::to_string(start) +
                                    "; kg takes temporal structures but no spatial or graph ones");
    }
  }

  static std::string Hex(uint8_t b) {
    const char* digits = "0123456789ABCDEF";
    return {digits[b >> 4], digits[b & 15]};
  }

 private:
  std::string_view in_;
  size_t at_ = 0;
};

}  // namespace

Result<Message> DecodeMessage(std::string_view bytes) {
  Unpacker u(bytes);
  if (bytes.size() < 2) return u.Fail("shorter than a structure header");
  uint8_t m = static_cast<uint8_t>(bytes[0]);
  if ((m & 0xF0) != 0xB0) return u.Fail("not a structure");
  Message msg;
  size_t n = m & 0x0F;
  u.Read(1);
  msg.tag = static_cast<uint8_t>(u.Read(1));
  msg.fields.resize(n);
  for (auto& f : msg.fields)
    if (Status s = u.Value(&f, 1); !s.ok()) return s;
  if (!u.done()) return u.Fail("bytes after the message's last field");
  return msg;
}

void Packer::Size(size_t n, uint8_t tiny, uint8_t b8, uint8_t b16, uint8_t b32) {
  auto put = [&](uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  if (n < 16) {
    out_.push_back(static_cast<char>(tiny | n));
  } else if (n <= 0xFF) {
    out_.push_back(static_cast<char>(b8));
    put(n, 1);
  } else if (n <= 0xFFFF) {
    out_.push_back(static_cast<char>(b16));
    put(n, 2);
  } else {
    out_.push_back(static_cast<char>(b32));
    put(n, 4);
  }
}

void Packer::Null() { out_.push_back(static_cast<char>(0xC0)); }
void Packer::Bool(bool b) { out_.push_back(static_cast<char>(b ? 0xC3 : 0xC2)); }

void Packer::Int(int64_t v) {
  auto put = [&](uint8_t marker, int bytes) {
    out_.push_back(static_cast<char>(marker));
    for (int i = bytes - 1; i >= 0; --i) out_.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF));
  };
  if (v >= -16 && v <= 127) out_.push_back(static_cast<char>(static_cast<int8_t>(v)));
  else if (v >= INT8_MIN && v <= INT8_MAX) put(0xC8, 1);
  else if (v >= INT16_MIN && v <= INT16_MAX) put(0xC9, 2);
  else if (v >= INT32_MIN && v <= INT32_MAX) put(0xCA, 4);
  else put(0xCB, 8);
}

void Packer::Float(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  out_.push_back(static_cast<char>(0xC1));
  for (int i = 7; i >= 0; --i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

void Packer::String(std::string_view s) {
  Size(s.size(), 0x80, 0xD0, 0xD1, 0xD2);
  out_.append(s);
}
void Packer::ListHeader(size_t n) { Size(n, 0x90, 0xD4, 0xD5, 0xD6); }
void Packer::MapHeader(size_t n) { Size(n, 0xA0, 0xD8, 0xD9, 0xDA); }
void Packer::StructHeader(size_t fields, uint8_t tag) {
  out_.push_back(static_cast<char>(0xB0 | fields));
  out_.push_back(static_cast<char>(tag));
}

void Packer::Node(const Value& v) {
  const auto& ref = v.as_node_ref();
  StructHeader(4, 0x4E);
  Int(static_cast<int64_t>(ref.id));
  if (ref.data) {
    ListHeader(ref.data->labels.size());
    for (const std::string& l : ref.data->labels) String(l);
    Pack(Value(ref.data->properties));
  } else {
    ListHeader(0);
    MapHeader(0);
  }
  String("n" + std::to_string(ref.id));
}

void Packer::Relationship(const Value& v, bool bound) {
  const auto& ref = v.as_edge_ref();
  StructHeader(bound ? 8 : 4, bound ? 0x52 : 0x72);
  Int(static_cast<int64_t>(ref.id));
  if (bound) {
    Int(static_cast<int64_t>(ref.source));
    Int(static_cast<int64_t>(ref.target));
  }
  String(ref.data ? ref.data->type : "");
  if (ref.data) Pack(Value(ref.data->properties));
  else MapHeader(0);
  String("r" + std::to_string(ref.id));
  if (bound) {
    String("n" + std::to_string(ref.source));
    String("n" + std::to_string(ref.target));
  }
}

void Packer::Pack(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: Null(); return;
    case Value::Type::kBool: Bool(v.as_bool()); return;
    case Value::Type::kInt: Int(v.as_int()); return;
    case Value::Type::kFloat: Float(v.as_float()); return;
    case Value::Type::kString: String(v.as_string()); return;
    case Value::Type::kList:
      ListHeader(v.as_list().size());
      for (const Value& x : v.as_list()) Pack(x);
      return;
    case Value::Type::kMap:
      MapHeader(v.as_map().size());
      for (const auto& [k, x] : v.as_map()) {
        String(k);
        Pack(x);
      }
      return;
    case Value::Type::kNode: Node(v); return;
    case Value::Type::kEdge: Relationship(v, true); return;
    case Value::Type::kPath: {
      // The nodes and relationships in path order; the indices walk them:
      // a relationship's 1-based position, negative when the path goes
      // against its direction, then the next node's position.
      const Path& p = v.as_path();
      StructHeader(3, 0x50);
      ListHeader(p.nodes.size());
      for (const Value& n : p.nodes) Node(n);
      ListHeader(p.edges.size());
      for (const Value& e : p.edges) Relationship(e, false);
      ListHeader(2 * p.edges.size());
      for (size_t i = 0; i < p.edges.size(); ++i) {
        bool forward = p.edges[i].as_edge_ref().source == p.nodes[i].as_node_ref().id;
        Int(forward ? static_cast<int64_t>(i + 1) : -static_cast<int64_t>(i + 1));
        Int(static_cast<int64_t>(i + 1));
      }
      return;
    }
    case Value::Type::kDate:
      StructHeader(1, 'D');
      Int(v.as_date().days);
      return;
    case Value::Type::kLocalTime:
      StructHeader(1, 't');
      Int(v.as_local_time().nanos);
      return;
    case Value::Type::kTime:
      StructHeader(2, 'T');
      Int(v.as_time().nanos);
      Int(v.as_time().offset);
      return;
    case Value::Type::kLocalDateTime:
      StructHeader(2, 'd');
      Int(v.as_local_date_time().seconds);
      Int(v.as_local_date_time().nanos);
      return;
    case Value::Type::kDateTime: {
      const DateTime& t = v.as_date_time();
      StructHeader(3, t.zone == DateTime::kNoZone ? 'I' : 'i');
      Int(t.seconds);
      Int(t.nanos);
      if (t.zone == DateTime::kNoZone) Int(t.offset);
      else String(temporal::ZoneName(t.zone));
      return;
    }
    case Value::Type::kDuration: {
      const Duration& d = v.as_duration();
      StructHeader(4, 'E');
      Int(d.months);
      Int(d.days);
      Int(d.seconds);
      Int(d.nanos);
      return;
    }
  }
}

std::string PackMessage(uint8_t tag, const std::vector<Value>& fields) {
  Packer p;
  p.StructHeader(fields.size(), tag);
  for (const Value& f : fields) p.Pack(f);
  return std::move(p.bytes());
}

}  // namespace kg::server
