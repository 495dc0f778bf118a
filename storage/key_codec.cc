#include "storage/key_codec.h"

#include <bit>
#include <cmath>
#include <cstring>

#include "storage/varint.h"

namespace kg::storage {

const char* KeyspaceName(Keyspace ks) {
  switch (ks) {
    case Keyspace::kMeta: return "meta";
    case Keyspace::kNodes: return "nodes";
    case Keyspace::kEdges: return "edges";
    case Keyspace::kOut: return "out";
    case Keyspace::kIn: return "in";
    case Keyspace::kLabels: return "labels";
    case Keyspace::kIndex: return "index";
  }
  return "?";
}

namespace {

constexpr char kMetaFormat = 'F';
constexpr char kMetaNodeMark = 'N';
constexpr char kMetaEdgeMark = 'E';
constexpr char kMetaDictByName = 'D';
constexpr char kMetaDictById = 'I';
constexpr char kMetaCounter = 'C';
constexpr char kMetaIndexDef = 'X';
constexpr char kMetaBlockRange = 'B';
constexpr char kMetaEdgeBlockRange = 'R';

constexpr uint8_t kTagNull = 0x05;
constexpr uint8_t kTagBool = 0x10;
constexpr uint8_t kTagNumber = 0x20;
constexpr uint8_t kTagString = 0x30;
constexpr uint8_t kTagList = 0x40;
constexpr uint8_t kTagMap = 0x50;
constexpr uint8_t kTagDate = 0x60;
constexpr uint8_t kTagLocalTime = 0x61;
constexpr uint8_t kTagTime = 0x62;
constexpr uint8_t kTagLocalDateTime = 0x63;
constexpr uint8_t kTagDateTime = 0x64;
constexpr uint8_t kTagDuration = 0x65;
constexpr uint8_t kEnd = 0x00;

uint64_t OrderedDoubleBits(double d) {
  if (d == 0.0) d = 0.0;  // -0.0 sorts with 0.0
  if (std::isnan(d)) return ~uint64_t{0};
  uint64_t bits = std::bit_cast<uint64_t>(d);
  return (bits & (uint64_t{1} << 63)) ? ~bits : bits | (uint64_t{1} << 63);
}

double DoubleFromOrderedBits(uint64_t bits) {
  if (bits == ~uint64_t{0}) return std::nan("");
  bits = (bits & (uint64_t{1} << 63)) ? bits & ~(uint64_t{1} << 63) : ~bits;
  return std::bit_cast<double>(bits);
}

void EncodeString(std::string* out, std::string_view s) {
  for (char c : s) {
    out->push_back(c);
    if (c == '\0') out->push_back('\xFF');
  }
  out->push_back('\0');
  out->push_back('\x01');
}

bool DecodeString(std::string_view* in, std::string* s) {
  s->clear();
  size_t i = 0;
  while (i < in->size()) {
    char c = (*in)[i];
    if (c != '\0') {
      s->push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= in->size()) return false;
    char next = (*in)[i + 1];
    if (next == '\xFF') {
      s->push_back('\0');
      i += 2;
    } else if (next == '\x01') {
      in->remove_prefix(i + 2);
      return true;
    } else {
      return false;
    }
  }
  return false;
}

}  // namespace

void EncodeValue(std::string* out, const Value& value) {
  switch (value.type()) {
    case Value::Type::kNull:
      out->push_back(static_cast<char>(kTagNull));
      return;
    case Value::Type::kBool:
      out->push_back(static_cast<char>(kTagBool));
      out->push_back(value.as_bool() ? '\x01' : '\x00');
      return;
    case Value::Type::kInt:
      out->push_back(static_cast<char>(kTagNumber));
      key::PutU64(out, OrderedDoubleBits(static_cast<double>(value.as_int())));
      out->push_back('\x00');
      key::PutI64(out, value.as_int());
      return;
    case Value::Type::kFloat:
      out->push_back(static_cast<char>(kTagNumber));
      key::PutU64(out, OrderedDoubleBits(value.as_float()));
      out->push_back('\x01');
      return;
    case Value::Type::kString:
      out->push_back(static_cast<char>(kTagString));
      EncodeString(out, value.as_string());
      return;
    case Value::Type::kList:
      out->push_back(static_cast<char>(kTagList));
      for (const Value& v : value.as_list()) EncodeValue(out, v);
      out->push_back(static_cast<char>(kEnd));
      return;
    case Value::Type::kMap:
      out->push_back(static_cast<char>(kTagMap));
      for (const auto& [k, v] : value.as_map()) {
        EncodeString(out, k);
        EncodeValue(out, v);
      }
      out->push_back(static_cast<char>(kEnd));
      return;
    case Value::Type::kDate:
      out->push_back(static_cast<char>(kTagDate));
      key::PutI64(out, value.as_date().days);
      return;
    case Value::Type::kLocalTime:
      out->push_back(static_cast<char>(kTagLocalTime));
      key::PutI64(out, value.as_local_time().nanos);
      return;
    case Value::Type::kTime: {
      const Time& t = value.as_time();
      out->push_back(static_cast<char>(kTagTime));
      key::PutI64(out, t.nanos - int64_t{t.offset} * temporal::kNanosPerSecond);
      key::PutI64(out, t.offset);
      return;
    }
    case Value::Type::kLocalDateTime:
      out->push_back(static_cast<char>(kTagLocalDateTime));
      key::PutI64(out, value.as_local_date_time().seconds);
      key::PutI64(out, value.as_local_date_time().nanos);
      return;
    case Value::Type::kDateTime: {
      const DateTime& t = value.as_date_time();
      out->push_back(static_cast<char>(kTagDateTime));
      key::PutI64(out, t.seconds);
      key::PutI64(out, t.nanos);
      key::PutI64(out, t.offset);
      EncodeString(out, t.zone == DateTime::kNoZone ? std::string_view() : temporal::ZoneName(t.zone));
      return;
    }
    case Value::Type::kDuration: {
      const Duration& d = value.as_duration();
      out->push_back(static_cast<char>(kTagDuration));
      key::PutI64(out, d.months);
      key::PutI64(out, d.days);
      key::PutI64(out, d.seconds);
      key::PutI64(out, d.nanos);
      return;
    }
    case Value::Type::kNode:
    case Value::Type::kEdge:
    case Value::Type::kPath:
      return;  // never stored, so never indexed
  }
}

bool DecodeValue(std::string_view* in, Value* value) {
  if (in->empty()) return false;
  uint8_t tag = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  switch (tag) {
    case kTagNull:
      *value = Value();
      return true;
    case kTagBool:
      if (in->empty()) return false;
      *value = Value((*in)[0] != 0);
      in->remove_prefix(1);
      return true;
    case kTagNumber: {
      if (in->size() < 9) return false;
      uint64_t bits = key::GetU64(in->data());
      char kind = (*in)[8];
      in->remove_prefix(9);
      if (kind == 1) {
        *value = Value(DoubleFromOrderedBits(bits));
        return true;
      }
      if (kind != 0 || in->size() < 8) return false;
      *value = Value(key::GetI64(in->data()));
      in->remove_prefix(8);
      return true;
    }
    case kTagString: {
      std::string s;
      if (!DecodeString(in, &s)) return false;
      *value = Value(std::move(s));
      return true;
    }
    case kTagList: {
      ValueList list;
      while (true) {
        if (in->empty()) return false;
        if ((*in)[0] == static_cast<char>(kEnd)) {
          in->remove_prefix(1);
          break;
        }
        Value element;
        if (!DecodeValue(in, &element)) return false;
        list.push_back(std::move(element));
      }
      *value = Value(std::move(list));
      return true;
    }
    case kTagMap: {
      ValueMap map;
      while (true) {
        if (in->empty()) return false;
        if ((*in)[0] == static_cast<char>(kEnd)) {
          in->remove_prefix(1);
          break;
        }
        std::string k;
        Value v;
        if (!DecodeString(in, &k) || !DecodeValue(in, &v)) return false;
        map.emplace(std::move(k), std::move(v));
      }
      *value = Value(std::move(map));
      return true;
    }
    case kTagDate:
    case kTagLocalTime:
    case kTagTime:
    case kTagLocalDateTime:
    case kTagDateTime:
    case kTagDuration: {
      size_t words = tag == kTagDate || tag == kTagLocalTime ? 1 : tag == kTagTime || tag == kTagLocalDateTime ? 2
                     : tag == kTagDateTime ? 3 : 4;
      if (in->size() < words * 8) return false;
      int64_t w[4] = {};
      for (size_t i = 0; i < words; ++i) w[i] = key::GetI64(in->data() + 8 * i);
      in->remove_prefix(words * 8);
      // Damaged bytes give values out of range: refused, so that nothing
      // computes with them.
      auto nanos_ok = [](int64_t n) { return n >= 0 && n < temporal::kNanosPerSecond; };
      auto offset_ok = [](int64_t o) { return o >= -temporal::kMaxOffset && o <= temporal::kMaxOffset; };
      switch (tag) {
        case kTagDate: *value = Value(Date{w[0]}); return true;
        case kTagLocalTime:
          if (w[0] < 0 || w[0] >= temporal::kNanosPerDay) return false;
          *value = Value(LocalTime{w[0]});
          return true;
        case kTagTime: {
          if (!offset_ok(w[1]) || w[0] < -temporal::kNanosPerDay || w[0] > 2 * temporal::kNanosPerDay) return false;
          int64_t local = w[0] + w[1] * temporal::kNanosPerSecond;
          if (local < 0 || local >= temporal::kNanosPerDay) return false;
          *value = Value(Time{local, static_cast<int32_t>(w[1])});
          return true;
        }
        case kTagLocalDateTime:
          if (!nanos_ok(w[1])) return false;
          *value = Value(LocalDateTime{w[0], static_cast<int32_t>(w[1])});
          return true;
        case kTagDateTime: {
          if (!nanos_ok(w[1]) || !offset_ok(w[2])) return false;
          std::string zone;
          if (!DecodeString(in, &zone)) return false;
          DateTime t{w[0], static_cast<int32_t>(w[1]), static_cast<int32_t>(w[2]), DateTime::kNoZone};
          if (!zone.empty()) {
            auto id = temporal::FindZone(zone);
            if (!id.ok()) return false;
            t.zone = *id;
          }
          *value = Value(t);
          return true;
        }
        default:
          *value = Value(Duration{w[0], w[1], w[2], static_cast<int32_t>(w[3])});
          return true;
      }
    }
    default:
      return false;
  }
}

namespace key {

void PutI64(std::string* out, int64_t v) { PutU64(out, static_cast<uint64_t>(v) ^ (uint64_t{1} << 63)); }

int64_t GetI64(const char* p) { return static_cast<int64_t>(GetU64(p) ^ (uint64_t{1} << 63)); }

std::string FormatVersion() { return std::string(1, kMetaFormat); }
std::string NodeIdMark() { return std::string(1, kMetaNodeMark); }
std::string EdgeIdMark() { return std::string(1, kMetaEdgeMark); }

std::string DictByNamePrefix(DictKind kind) {
  return {kMetaDictByName, static_cast<char>(kind)};
}

std::string DictByIdPrefix(DictKind kind) { return {kMetaDictById, static_cast<char>(kind)}; }

std::string DictByName(DictKind kind, std::string_view name) {
  std::string k = DictByNamePrefix(kind);
  k.append(name);
  return k;
}

std::string DictById(DictKind kind, uint32_t id) {
  std::string k = DictByIdPrefix(kind);
  PutU32(&k, id);
  return k;
}

uint32_t DictIdOf(std::string_view k) { return GetU32(k.data() + 2); }

std::string Counter(CounterKind kind, uint32_t id) {
  std::string k{kMetaCounter, static_cast<char>(kind)};
  PutU32(&k, id);
  return k;
}

std::string TextTermCounter(uint32_t index_id, uint8_t field, std::string_view term) {
  std::string k = TextTermCounterPrefix(index_id);
  k.append(term);
  k.push_back('\0');
  k.push_back(static_cast<char>(field));
  return k;
}

std::string TextTermCounterPrefix(uint32_t index_id) {
  std::string k{kMetaCounter, static_cast<char>(CounterKind::kTextTerm)};
  PutU32(&k, index_id);
  return k;
}

std::string IndexDefPrefix() { return std::string(1, kMetaIndexDef); }

std::string BlockRangePrefix() { return std::string(1, kMetaBlockRange); }

std::string BlockRange(uint64_t first_node) {
  std::string k = BlockRangePrefix();
  PutU64(&k, first_node);
  return k;
}

std::string EdgeBlockRangePrefix() { return std::string(1, kMetaEdgeBlockRange); }

std::string EdgeBlockRange(uint64_t first_edge) {
  std::string k = EdgeBlockRangePrefix();
  PutU64(&k, first_edge);
  return k;
}

std::string IndexDef(uint32_t index_id) {
  std::string k = IndexDefPrefix();
  PutU32(&k, index_id);
  return k;
}

std::string Node(uint64_t node) {
  char buf[8];
  return std::string(RecordKey(node, buf));
}

std::string Edge(uint64_t edge) { return Node(edge); }
uint64_t NodeOf(std::string_view k) { return GetU64(k.data()); }
uint64_t EdgeOf(std::string_view k) { return GetU64(k.data()); }

std::string EncodeEdgeBlock(std::span<const EdgeBlockEntry> entries, std::string* value) {
  uint64_t last = entries.back().id;
  for (const EdgeBlockEntry& e : entries) {
    PutVarint(value, last - e.id);
    PutVarint(value, e.record.size());
    value->append(e.record);
  }
  std::string k = Edge(last);
  k.push_back('\0');
  return k;
}

void EdgeRecords::Reset(std::string_view key, std::string_view value) {
  ok_ = true;
  started_ = false;
  previous_offset_ = 0;
  single_ = key.size() == kEdgeKeySize;
  block_ = key.size() == kEdgeBlockKeySize && key.back() == '\0';
  if (!single_ && !block_) {
    ok_ = false;
    rest_ = {};
    return;
  }
  last_ = GetU64(key.data());
  rest_ = value;
}

bool EdgeRecords::Next(EdgeBlockEntry* entry) {
  if (!ok_) return false;
  if (single_) {
    if (started_) return false;
    started_ = true;
    *entry = {last_, rest_};
    return true;
  }
  if (rest_.empty()) {
    // A block ends with the record of its key's id, and holds at least one.
    if (!started_ || previous_offset_ != 0) ok_ = false;
    return false;
  }
  uint64_t offset, size;
  // Offsets strictly fall: ids strictly ascend, none above the key's.
  if (!GetVarint(&rest_, &offset) || !GetVarint(&rest_, &size) || size > rest_.size() || offset > last_ ||
      (started_ && offset >= previous_offset_)) {
    ok_ = false;
    rest_ = {};
    return false;
  }
  *entry = {last_ - offset, rest_.substr(0, size)};
  rest_.remove_prefix(size);
  previous_offset_ = offset;
  started_ = true;
  return true;
}

std::string Adjacency(uint64_t anchor, uint32_t type, uint64_t neighbor, uint64_t edge) {
  char buf[kAdjacencyBlockKeySize];
  return std::string(AdjacencyKey({anchor, type, neighbor, edge}, /*block=*/false, buf));
}

std::string AdjacencyPrefix(uint64_t anchor) {
  std::string k;
  PutU64(&k, anchor);
  return k;
}

std::string AdjacencyPrefix(uint64_t anchor, uint32_t type) {
  std::string k = AdjacencyPrefix(anchor);
  PutU32(&k, type);
  return k;
}

std::optional<AdjacencyEntry> ParseAdjacency(std::string_view k) {
  if (k.size() != kAdjacencyKeySize) return std::nullopt;
  const char* p = k.data();
  return AdjacencyEntry{GetU64(p), GetU32(p + 8), GetU64(p + 12), GetU64(p + 20)};
}

std::string AdjacencyBlock(const AdjacencyEntry& first) {
  char buf[kAdjacencyBlockKeySize];
  return std::string(AdjacencyKey(first, /*block=*/true, buf));
}

void AppendAdjacencyBlockEntry(std::string* value, const AdjacencyEntry& previous, const AdjacencyEntry& next) {
  char buf[kMaxAdjacencyBlockEntryBytes];
  value->append(buf, static_cast<size_t>(EncodeAdjacencyBlockEntry(buf, previous, next) - buf));
}

void AdjacencyEntries::Reset(std::string_view key, std::string_view value) {
  ok_ = true;
  first_ = true;
  rest_ = {};
  block_ = key.size() == kAdjacencyBlockKeySize && key.back() == '\0';
  auto e = ParseAdjacency(block_ ? key.substr(0, kAdjacencyKeySize) : key);
  if (!e) {
    ok_ = first_ = false;
    return;
  }
  last_ = *e;
  if (block_) rest_ = value;
}

bool AdjacencyEntries::Next(AdjacencyEntry* entry) {
  if (first_) {
    first_ = false;
    *entry = last_;
    return true;
  }
  if (rest_.empty()) return false;
  uint64_t neighbor_delta, edge_zigzag;
  if (!GetVarint(&rest_, &neighbor_delta) || !GetVarint(&rest_, &edge_zigzag)) {
    ok_ = false;
    rest_ = {};
    return false;
  }
  int64_t edge_delta = UnZigZag(edge_zigzag);
  AdjacencyEntry next = last_;
  next.neighbor += neighbor_delta;
  next.edge += static_cast<uint64_t>(edge_delta);
  // Entries strictly ascend: a neighbor that wraps around or an edge that
  // does not grow under the same neighbor is damage.
  if (next.neighbor < last_.neighbor || (neighbor_delta == 0 && edge_delta <= 0)) {
    ok_ = false;
    rest_ = {};
    return false;
  }
  last_ = next;
  *entry = next;
  return true;
}

std::string LabelPrefix(uint32_t label) {
  std::string k;
  PutU32(&k, label);
  return k;
}

std::string Label(uint32_t label, uint64_t node) {
  std::string k = LabelPrefix(label);
  PutU64(&k, node);
  return k;
}

uint64_t NodeOfLabelKey(std::string_view k) { return GetU64(k.data() + 4); }

std::string IndexPrefix(uint32_t index_id) { return LabelPrefix(index_id); }

std::string IndexValuePrefix(uint32_t index_id, const Value& value) {
  std::string k = IndexPrefix(index_id);
  EncodeValue(&k, value);
  return k;
}

std::string IndexEntry(uint32_t index_id, const Value& value, uint64_t node) {
  std::string k;
  AppendIndexEntry(&k, index_id, value, node);
  return k;
}

void AppendIndexEntry(std::string* out, uint32_t index_id, const Value& value, uint64_t node) {
  out->append(IndexPrefix(index_id));
  EncodeValue(out, value);
  PutU64(out, node);
}

uint64_t NodeOfIndexEntry(std::string_view k) { return GetU64(k.data() + k.size() - 8); }

uint32_t IndexOfIndexEntry(std::string_view k) { return GetU32(k.data()); }

uint32_t LabelOfLabelKey(std::string_view k) { return GetU32(k.data()); }

std::string_view IndexEntryWithoutNode(std::string_view k) { return k.substr(0, k.size() - 8); }

std::string_view IndexEntryValue(std::string_view k) { return k.substr(4, k.size() - 4 - 8); }

std::string IndexNumberPrefix(uint32_t index_id, const Value& number) {
  // The tag and the double: the kind and exact integer that follow are left out.
  std::string k = IndexValuePrefix(index_id, number);
  k.resize(IndexPrefix(index_id).size() + 9);
  return k;
}

std::string_view BlockFirstEntryKey(std::string_view block_key) { return block_key.substr(0, kAdjacencyKeySize); }

uint64_t AnchorOfAdjacencyKey(std::string_view k) { return k.size() >= 8 ? GetU64(k.data()) : 0; }

void AppendTextPosting(std::string* out, uint32_t index_id, std::string_view term, uint8_t field, uint64_t element,
                       uint32_t length, std::span<const uint32_t> positions) {
  PutU32(out, index_id);
  out->append(term);
  out->push_back('\0');
  out->push_back(static_cast<char>(field));
  PutU64(out, element);
  PutVarint(out, length);
  PutVarint(out, positions.size());
  uint32_t previous = 0;
  for (uint32_t p : positions) {
    PutVarint(out, p - previous);
    previous = p;
  }
}

std::string TextTermPrefix(uint32_t index_id, std::string_view term) {
  std::string k = TextStartPrefix(index_id, term);
  k.push_back('\0');
  return k;
}

std::string TextStartPrefix(uint32_t index_id, std::string_view start) {
  std::string k;
  PutU32(&k, index_id);
  k.append(start);
  return k;
}

bool ParseTextPosting(std::string_view k, TextPosting* out) {
  if (k.size() < 4) return false;
  size_t end = k.find('\0', 4);
  if (end == std::string_view::npos || k.size() < end + 1 + 1 + 8) return false;
  out->term = k.substr(4, end - 4);
  out->field = static_cast<uint8_t>(k[end + 1]);
  out->element = GetU64(k.data() + end + 2);
  std::string_view rest = k.substr(end + 10);
  uint64_t length = 0, count = 0;
  if (!GetVarint(&rest, &length) || !GetVarint(&rest, &count) || length > UINT32_MAX || count == 0 ||
      count > length)
    return false;
  out->length = static_cast<uint32_t>(length);
  out->count = static_cast<uint32_t>(count);
  out->positions = rest;
  return true;
}

bool NextTextPosition(std::string_view* in, uint32_t previous, uint32_t* position) {
  uint64_t delta = 0;
  if (!GetVarint(in, &delta) || delta > UINT32_MAX - previous) return false;
  *position = previous + static_cast<uint32_t>(delta);
  return true;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto& c = reinterpret_cast<unsigned char&>(s.back());
    if (c != 0xFF) {
      ++c;
      return s;
    }
    s.pop_back();
  }
  return s;
}

}  // namespace key
}  // namespace kg::storage
