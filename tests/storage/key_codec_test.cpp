#include "storage/key_codec.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include <catch2/catch.hpp>

using kg::Value;
using kg::ValueList;
namespace st = kg::storage;

namespace {

std::string Enc(const Value& v) {
  std::string s;
  st::EncodeValue(&s, v);
  return s;
}

// The logical order the encoding must reproduce, for values of one kind
// (numbers are one kind). Returns <0, 0, >0.
int Rank(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: return 0;
    case Value::Type::kBool: return 1;
    case Value::Type::kInt:
    case Value::Type::kFloat: return 2;
    case Value::Type::kString: return 3;
    case Value::Type::kList: return 4;
    case Value::Type::kMap: return 5;
    default: return 6;
  }
}

int Compare(const Value& a, const Value& b) {
  if (Rank(a) != Rank(b)) return Rank(a) - Rank(b);  // kinds apart, in tag order
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
    double x = a.as_number(), y = b.as_number();
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) - std::isnan(y);
    if (x != y) return x < y ? -1 : 1;
    return a.is_float() - b.is_float();  // equal numbers: integer first
  }
  if (a.is_string()) return a.as_string().compare(b.as_string()) < 0 ? -1 : a.as_string() != b.as_string();
  if (a.is_bool()) return int(a.as_bool()) - int(b.as_bool());
  if (a.is_list()) {
    const auto &x = a.as_list(), &y = b.as_list();
    for (size_t i = 0; i < std::min(x.size(), y.size()); ++i)
      if (int c = Compare(x[i], y[i])) return c;
    return (x.size() > y.size()) - (x.size() < y.size());
  }
  return 0;
}

int Sign(int c) { return (c > 0) - (c < 0); }

void CheckOrder(const std::vector<Value>& values) {
  for (const Value& a : values)
    for (const Value& b : values) {
      int bytes = Sign(Enc(a).compare(Enc(b)));
      INFO(a.ToString() << " vs " << b.ToString());
      REQUIRE(bytes == Sign(Compare(a, b)));
    }
}

std::string RandomString(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> len(0, 6), byte(0, 3);
  const char alphabet[] = {'\0', 'a', '\xFF', '\x01'};
  std::string s;
  for (int i = len(rng); i > 0; --i) s.push_back(alphabet[byte(rng)]);
  return s;
}

}  // namespace

TEST_CASE("fixed-width integers sort as numbers", "[storage][codec]") {
  std::mt19937_64 rng(7);
  std::vector<int64_t> values = {std::numeric_limits<int64_t>::min(), -1, 0, 1, std::numeric_limits<int64_t>::max()};
  for (int i = 0; i < 200; ++i) values.push_back(static_cast<int64_t>(rng()));
  for (int64_t a : values)
    for (int64_t b : values) {
      std::string ka, kb;
      st::key::PutI64(&ka, a);
      st::key::PutI64(&kb, b);
      REQUIRE(Sign(ka.compare(kb)) == Sign((a > b) - (a < b)));
      REQUIRE(st::key::GetI64(ka.data()) == a);
    }
  std::string u;
  st::key::PutU64(&u, 0x0102030405060708ULL);
  REQUIRE(u == std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
}

TEST_CASE("encoded numbers keep numeric order across integers and floats", "[storage][codec]") {
  std::mt19937_64 rng(42);
  std::vector<Value> values = {Value(0), Value(0.0), Value(-0.0), Value(1), Value(1.0), Value(-1), Value(1.5),
                               Value(std::numeric_limits<int64_t>::min()), Value(std::numeric_limits<int64_t>::max()),
                               Value(-std::numeric_limits<double>::infinity()),
                               Value(std::numeric_limits<double>::infinity()), Value(std::nan("")),
                               Value(1e-300), Value(-1e-300), Value(int64_t{1} << 53)};
  std::uniform_int_distribution<int64_t> small(-1000, 1000);
  std::normal_distribution<double> normal(0, 1e6);
  for (int i = 0; i < 150; ++i) {
    values.push_back(Value(small(rng)));
    values.push_back(Value(normal(rng)));
    values.push_back(Value(static_cast<int64_t>(rng() >> 12)));  // exactly representable as double
  }
  // Large integers that round to the same double are still told apart.
  values.push_back(Value((int64_t{1} << 60) + 1));
  values.push_back(Value((int64_t{1} << 60) + 2));
  CheckOrder(values);
}

TEST_CASE("encoded strings keep byte order, embedded NULs included", "[storage][codec]") {
  std::mt19937_64 rng(3);
  std::vector<Value> values = {Value(""), Value("a"), Value("ab"), Value(std::string("a\0", 2)),
                               Value(std::string("a\0b", 3)), Value("b"), Value("\xE4\xB8\xAD")};
  for (int i = 0; i < 200; ++i) values.push_back(Value(RandomString(rng)));
  CheckOrder(values);
}

TEST_CASE("encoded lists and booleans keep their order", "[storage][codec]") {
  CheckOrder({Value(false), Value(true)});
  CheckOrder({Value(ValueList{}), Value(ValueList{1}), Value(ValueList{1, 2}), Value(ValueList{2}),
              Value(ValueList{1, -3}), Value(ValueList{Value(ValueList{})})});
}

TEST_CASE("encoded values decode to themselves", "[storage][codec]") {
  kg::ValueMap m{{"k", Value(1)}, {"z", Value(ValueList{Value("x"), Value()})}};
  for (const Value& v : {Value(), Value(true), Value(-5), Value(2.5), Value(std::string("a\0b", 3)),
                         Value(ValueList{1, Value("s"), Value(1.0)}), Value(m), Value(std::nan(""))}) {
    std::string bytes = Enc(v);
    std::string_view in = bytes;
    Value out;
    REQUIRE(st::DecodeValue(&in, &out));
    REQUIRE(in.empty());
    REQUIRE(out == v);
  }
  std::string_view bad("\x30" "abc", 4);  // unterminated string
  Value out;
  REQUIRE_FALSE(st::DecodeValue(&bad, &out));
}

TEST_CASE("adjacency keys group by anchor, then type", "[storage][codec]") {
  using namespace st::key;
  std::vector<std::string> keys = {Adjacency(2, 1, 9, 1), Adjacency(1, 5, 1, 2), Adjacency(1, 2, 7, 3),
                                   Adjacency(1, 2, 3, 4), Adjacency(256, 0, 0, 5)};
  std::sort(keys.begin(), keys.end());
  REQUIRE(ParseAdjacency(keys[0])->neighbor == 3);
  REQUIRE(ParseAdjacency(keys[1])->neighbor == 7);
  REQUIRE(ParseAdjacency(keys[2])->type == 5);
  REQUIRE(ParseAdjacency(keys[3])->anchor == 2);
  REQUIRE(ParseAdjacency(keys[4])->anchor == 256);
  auto e = ParseAdjacency(Adjacency(11, 22, 33, 44));
  REQUIRE((e->anchor == 11 && e->type == 22 && e->neighbor == 33 && e->edge == 44));
  REQUIRE(Adjacency(1, 2, 3, 4).starts_with(AdjacencyPrefix(1, 2)));
  REQUIRE_FALSE(ParseAdjacency("short"));
  REQUIRE(PrefixSuccessor(std::string("a\xFF", 2)) == "b");
  REQUIRE(PrefixSuccessor(std::string("\xFF\xFF", 2)).empty());
}

TEST_CASE("adjacency blocks give back their entries, and refuse damage", "[storage][codec]") {
  using namespace st::key;
  std::mt19937_64 rng(7);
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  for (int round = 0; round < 200; ++round) {
    // Entries of one anchor and type in key order, with wide jumps and edges
    // that go down as well as up between neighbors.
    std::vector<AdjacencyEntry> in;
    uint64_t neighbor = round % 3 == 0 ? 0 : rng() >> (rng() % 64);
    size_t n = 1 + rng() % kAdjacencyBlockEntries;
    for (size_t i = 0; i < n; ++i) {
      uint64_t edge = round % 5 == 0 ? max - i : rng() >> (rng() % 64);
      if (i > 0 && rng() % 3 == 0 && in.back().edge < max) {
        edge = in.back().edge + 1 + rng() % 1000 % (max - in.back().edge);
      } else if (i > 0) {
        if (neighbor == max) break;
        neighbor += 1 + (rng() >> (rng() % 64)) % (max - neighbor);
      }
      in.push_back({42, 3, neighbor, edge});
    }
    std::string key = AdjacencyBlock(in.front()), value;
    for (size_t i = 1; i < in.size(); ++i) AppendAdjacencyBlockEntry(&value, in[i - 1], in[i]);
    REQUIRE(key.starts_with(Adjacency(42, 3, in.front().neighbor, in.front().edge)));
    AdjacencyEntries entries(key, value);
    REQUIRE(entries.is_block());
    std::vector<AdjacencyEntry> out;
    for (AdjacencyEntry e; entries.Next(&e);) out.push_back(e);
    REQUIRE(entries.ok());
    REQUIRE(out.size() == in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      CHECK(out[i].anchor == 42);
      CHECK(out[i].type == 3);
      CHECK(out[i].neighbor == in[i].neighbor);
      CHECK(out[i].edge == in[i].edge);
    }
  }
  // A block sorts after its first entry's own key and before the next one's.
  CHECK(AdjacencyBlock({1, 2, 3, 4}) > Adjacency(1, 2, 3, 4));
  CHECK(AdjacencyBlock({1, 2, 3, 4}) < Adjacency(1, 2, 3, 5));
  // A single key holds one entry.
  AdjacencyEntries single(Adjacency(5, 6, 7, 8), "");
  AdjacencyEntry e;
  REQUIRE(single.Next(&e));
  CHECK((e.anchor == 5 && e.type == 6 && e.neighbor == 7 && e.edge == 8));
  CHECK_FALSE(single.Next(&e));
  CHECK(single.ok());
  CHECK_FALSE(single.is_block());
  // Damage: a cut varint, an entry that does not ascend, a key of the wrong size.
  auto damaged = [](const std::string& key, const std::string& value) {
    AdjacencyEntries entries(key, value);
    AdjacencyEntry x;
    while (entries.Next(&x)) {
    }
    return !entries.ok();
  };
  std::string value;
  AppendAdjacencyBlockEntry(&value, {1, 2, 3, 4}, {1, 2, 300, 4000});
  CHECK_FALSE(damaged(AdjacencyBlock({1, 2, 3, 4}), value));
  CHECK(damaged(AdjacencyBlock({1, 2, 3, 4}), value.substr(0, value.size() - 1)));
  CHECK(damaged(AdjacencyBlock({1, 2, 3, 4}), value + std::string("\x00\x00", 2)));  // the same entry again
  CHECK(damaged(AdjacencyBlock({1, 2, 3, 4}), value + std::string("\x00\x01", 2)));  // same neighbor, lower edge
  CHECK(damaged(AdjacencyBlock({1, 2, 3, 4}), std::string(11, '\xFF')));  // a varint past 64 bits
  CHECK(damaged("short", ""));
  CHECK(damaged(Adjacency(1, 2, 3, 4) + "x", ""));
}

TEST_CASE("relationship blocks give back their records, and refuse damage", "[storage][codec]") {
  using namespace st::key;
  std::vector<std::string> records = {"first", std::string("\x00\x01", 2), "", std::string(300, 'r'), "last"};
  std::vector<EdgeBlockEntry> in;
  uint64_t ids[] = {1000, 1001, 1003, 1004, 1300};
  for (size_t i = 0; i < records.size(); ++i) in.push_back({ids[i], records[i]});
  std::string value = "kept";
  std::string key = EncodeEdgeBlock(in, &value);
  REQUIRE(value.starts_with("kept"));
  value.erase(0, 4);
  // The key is the last record's own key and a 0x00: it sorts after every
  // id of the block and before the next id.
  CHECK(key == Edge(1300) + std::string(1, '\0'));
  CHECK(key > Edge(1300));
  CHECK(key < Edge(1301));
  EdgeRecords block(key, value);
  REQUIRE(block.is_block());
  CHECK(block.last() == 1300);
  std::vector<EdgeBlockEntry> out;
  for (EdgeBlockEntry e; block.Next(&e);) out.push_back(e);
  REQUIRE(block.ok());
  REQUIRE(out.size() == in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    CHECK(out[i].id == in[i].id);
    CHECK(out[i].record == in[i].record);
  }
  // A single key holds one record, its whole value.
  EdgeRecords single(Edge(7), "bytes");
  EdgeBlockEntry e;
  REQUIRE(single.Next(&e));
  CHECK((e.id == 7 && e.record == "bytes"));
  CHECK_FALSE(single.Next(&e));
  CHECK(single.ok());
  CHECK_FALSE(single.is_block());
  // Damage: cut short, ids out of order, a last record that is not the
  // key's, an empty block, a key of the wrong size.
  auto damaged = [](const std::string& k, const std::string& v) {
    EdgeRecords records(k, v);
    EdgeBlockEntry x;
    while (records.Next(&x)) {
    }
    return !records.ok();
  };
  CHECK_FALSE(damaged(key, value));
  CHECK(damaged(key, value.substr(0, value.size() - 1)));
  CHECK(damaged(key, value.substr(0, value.size() - 6)));
  std::string swapped;
  EdgeBlockEntry two[] = {{5, "b"}, {6, "a"}};
  std::string two_key = EncodeEdgeBlock(two, &swapped);
  CHECK_FALSE(damaged(two_key, swapped));
  CHECK(damaged(two_key, swapped.substr(3) + swapped.substr(0, 3)));  // 6 before 5
  CHECK(damaged(two_key, swapped.substr(0, 3)));  // ends at 5, not at the key's 6
  CHECK(damaged(two_key, ""));
  CHECK(damaged(two_key, std::string(11, '\xFF')));
  CHECK(damaged("short", "x"));
  CHECK(damaged(Edge(1) + "xy", "x"));
}

TEST_CASE("index entry keys are taken apart by the codec", "[storage][key]") {
  using namespace kg::storage::key;
  for (const kg::Value& v : {kg::Value(1), kg::Value(1.0), kg::Value("a\0b"), kg::Value(kg::ValueList{kg::Value(true)})}) {
    std::string entry = IndexEntry(7, v, 42);
    CHECK(IndexEntryWithoutNode(entry) == IndexValuePrefix(7, v));
    std::string_view encoded = IndexEntryValue(entry);
    kg::Value back;
    REQUIRE(kg::storage::DecodeValue(&encoded, &back));
    CHECK(back == v);
    CHECK(encoded.empty());
    CHECK(NodeOfIndexEntry(entry) == 42);
  }
  std::string number = IndexNumberPrefix(7, kg::Value(1));
  CHECK(IndexEntry(7, kg::Value(1), 3).starts_with(number));
  CHECK(IndexEntry(7, kg::Value(1.0), 4).starts_with(number));
  CHECK(!IndexEntry(7, kg::Value(2), 5).starts_with(number));
  CHECK(!IndexEntry(8, kg::Value(1), 5).starts_with(number));
  AdjacencyEntry first{10, 2, 30, 40};
  std::string block = AdjacencyBlock(first);
  CHECK(BlockFirstEntryKey(block) == Adjacency(10, 2, 30, 40));
  CHECK(AnchorOfAdjacencyKey(block) == 10);
  CHECK(AnchorOfAdjacencyKey("abc") == 0);
}
