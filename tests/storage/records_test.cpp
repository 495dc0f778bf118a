#include "storage/records.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include <catch2/catch.hpp>

#include "storage/store.h"
#include "tests/test_util.h"

namespace st = kg::storage;
using kg::Value;

TEST_CASE("records round-trip through cereal", "[storage][records]") {
  st::NodeRecord node{{1, 4}, {{2, Value("x")}, {3, Value(kg::ValueList{1, 2.5, Value()})}}};
  st::NodeRecord node_out;
  REQUIRE(st::DecodeRecord(st::EncodeRecord(node), &node_out, "node 1").ok());
  REQUIRE(node_out.labels == node.labels);
  REQUIRE(node_out.properties == node.properties);

  kg::ValueMap m{{"a", Value(true)}};
  st::EdgeRecord edge{7, 10, 11, {{1, Value(m)}, {9, Value(int64_t{-3})}}};
  st::EdgeRecord edge_out;
  REQUIRE(st::DecodeRecord(st::EncodeRecord(edge), &edge_out, "edge 1").ok());
  REQUIRE((edge_out.type == 7 && edge_out.source == 10 && edge_out.target == 11));
  REQUIRE(edge_out.properties == edge.properties);
  REQUIRE(edge_out.properties[0].second.is_map());

  st::IndexRecord index{3, "by_name", 1, 2, true};
  st::IndexRecord index_out;
  REQUIRE(st::DecodeRecord(st::EncodeRecord(index), &index_out, "index").ok());
  REQUIRE((index_out.name == "by_name" && index_out.unique && index_out.property_key == 2));
}

namespace {

// A random storable value: scalars, strings with NULs and non-ASCII bytes,
// nested lists and maps.
Value RandomValue(std::mt19937& rng, int depth = 0) {
  switch (rng() % (depth < 2 ? 8 : 6)) {
    case 0: return Value(rng() % 2 == 0);
    case 1: return Value(static_cast<int64_t>(rng()) * (rng() % 2 ? 1 : -1) << (rng() % 32));
    case 2: return Value(std::ldexp(static_cast<double>(rng()), static_cast<int>(rng() % 200) - 100));
    case 3: return Value(std::string(rng() % 5, 'a'));
    case 4: {
      std::string s;
      for (size_t i = rng() % 40; i > 0; --i) s.push_back(static_cast<char>(rng()));
      return Value(s);
    }
    case 5: return Value(std::numeric_limits<int64_t>::min());
    case 6: {
      kg::ValueList l;
      for (size_t i = rng() % 4; i > 0; --i) l.push_back(RandomValue(rng, depth + 1));
      return Value(std::move(l));
    }
    default: {
      kg::ValueMap m;
      for (size_t i = rng() % 4; i > 0; --i) m["k" + std::to_string(rng() % 10)] = RandomValue(rng, depth + 1);
      return Value(std::move(m));
    }
  }
}

st::PropertyList RandomProperties(std::mt19937& rng) {
  st::PropertyList props;
  uint32_t key = 0;
  for (size_t i = rng() % 5; i > 0; --i) props.emplace_back(key += 1 + rng() % 1000, RandomValue(rng));
  return props;
}

// Up to three sorted labels out of 0..8, and random properties.
st::NodeRecord RandomNode(std::mt19937& rng) {
  st::NodeRecord node;
  for (uint32_t l = 0, n = rng() % 4; l < n; ++l) node.labels.push_back(l * 3 + rng() % 3);
  node.properties = RandomProperties(rng);
  return node;
}

}  // namespace

TEST_CASE("records written without cereal are the bytes cereal writes", "[storage][records]") {
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    st::NodeRecord node = RandomNode(rng);
    std::string direct = "prefix";
    st::AppendNodeRecord(&direct, node.labels, node.properties);
    REQUIRE(direct == "prefix" + st::EncodeRecord(node));

    st::EdgeRecord edge{static_cast<uint32_t>(rng()), rng() * uint64_t{rng()}, rng(), RandomProperties(rng)};
    direct.clear();
    st::AppendEdgeRecord(&direct, edge.type, edge.source, edge.target, edge.properties);
    REQUIRE(direct == st::EncodeRecord(edge));
  }
}

TEST_CASE("random records decode to what was encoded", "[storage][records]") {
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    st::NodeRecord node = RandomNode(rng);
    st::NodeRecord node_out;
    REQUIRE(st::DecodeRecord(st::EncodeRecord(node), &node_out, "node").ok());
    CHECK(node_out.labels == node.labels);
    CHECK(node_out.properties == node.properties);

    st::EdgeRecord edge{static_cast<uint32_t>(rng()), rng() * uint64_t{rng()} * (i % 2 ? 65537 : 1), rng(),
                        RandomProperties(rng)};
    st::EdgeRecord edge_out;
    REQUIRE(st::DecodeRecord(st::EncodeRecord(edge), &edge_out, "edge").ok());
    CHECK((edge_out.type == edge.type && edge_out.source == edge.source && edge_out.target == edge.target));
    CHECK(edge_out.properties == edge.properties);
  }
}

TEST_CASE("records take a byte for each small id and count", "[storage][records]") {
  // Mark, class version, type, source, target, a property count of one,
  // then its key, type byte and a small integer.
  CHECK(st::EncodeRecord(st::EdgeRecord{3, 100, 101, {{2, Value(int64_t{5})}}}).size() == 9);
  // Mark, class version, one label, no properties.
  CHECK(st::EncodeRecord(st::NodeRecord{{1}, {}}).size() == 5);
  // Ids past a byte take more, never more than a uint64_t's ten.
  CHECK(st::EncodeRecord(st::EdgeRecord{3, 1u << 20, ~uint64_t{0}, {}}).size() == 2 + 1 + 3 + 10 + 1);
}

TEST_CASE("peeking at a node record agrees with decoding it", "[storage][records]") {
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    st::NodeRecord node = RandomNode(rng);
    std::string bytes = st::EncodeRecord(node);
    uint32_t label = rng() % 10;
    // A key the record has, when it has any, or one it may not have.
    uint32_t key = !node.properties.empty() && rng() % 2 ? node.properties[rng() % node.properties.size()].first
                                                         : static_cast<uint32_t>(rng() % 3000);
    bool has_label;
    std::optional<Value> value;
    REQUIRE(st::PeekNodeRecord(bytes, label, key, &has_label, &value));
    CHECK(has_label == node.HasLabel(label));
    const Value* want = st::FindProperty(node.properties, key);
    if (!has_label) {
      CHECK_FALSE(value);
    } else if (!want) {
      CHECK_FALSE(value);
    } else {
      REQUIRE(value);
      CHECK(value->ToString() == want->ToString());
      CHECK(value->type() == want->type());
    }
    // Every cut of a labelled record is refused, never read past its end.
    if (node.HasLabel(label))
      for (size_t cut = 0; cut < bytes.size(); ++cut)
        CHECK_FALSE(st::PeekNodeRecord(std::string_view(bytes).substr(0, cut), label, key, &has_label, &value));
  }
  // A newer record version is left to DecodeRecord to report.
  std::string bytes = st::EncodeRecord(st::NodeRecord{{1}, {}});
  bool has_label;
  std::optional<Value> value;
  bytes[1] = 2;
  CHECK_FALSE(st::PeekNodeRecord(bytes, 1, 1, &has_label, &value));
}

TEST_CASE("damaged or newer records are refused with a clear status", "[storage][records]") {
  st::NodeRecord out;
  kg::Status s = st::DecodeRecord("\x01\x02", &out, "node 9");
  REQUIRE(s.code() == kg::StatusCode::kCorruption);
  REQUIRE(s.message().find("node 9") != std::string::npos);
  CHECK(st::DecodeRecord("", &out, "node 9").code() == kg::StatusCode::kCorruption);

  // The compact archive's mark, then the class version (a varint).
  std::string bytes = st::EncodeRecord(st::NodeRecord{});
  REQUIRE(bytes.size() >= 2);
  bytes[1] = 2;  // version 2: written by a newer kg
  s = st::DecodeRecord(bytes, &out, "node 9");
  REQUIRE(s.code() == kg::StatusCode::kNotSupported);
  REQUIRE(s.message().find("newer") != std::string::npos);

  // Every cut of a record, and a byte too many, is damage.
  st::EdgeRecord edge{3, 1000, 70000, {{1, Value(kg::ValueList{Value("abc"), Value(2.5)})}, {4, Value(-9)}}};
  std::string whole = st::EncodeRecord(edge);
  st::EdgeRecord edge_out;
  for (size_t cut = 0; cut < whole.size(); ++cut)
    CHECK(st::DecodeRecord(whole.substr(0, cut), &edge_out, "edge 2").code() == kg::StatusCode::kCorruption);
  CHECK(st::DecodeRecord(whole + "x", &edge_out, "edge 2").code() == kg::StatusCode::kCorruption);
  // Named by kind and id, made only for the error.
  s = st::DecodeRecord(whole.substr(0, whole.size() - 1), &edge_out, "relationship", 77);
  CHECK(s.code() == kg::StatusCode::kCorruption);
  CHECK(s.message().starts_with("relationship 77 is damaged"));
  REQUIRE(st::DecodeRecord(whole, &edge_out, "relationship", 77).ok());
  CHECK(edge_out.properties == edge.properties);
  s = st::DecodeRecord("\x01\x02", &out, "node", 9);
  CHECK((s.code() == kg::StatusCode::kCorruption && s.message().starts_with("node 9")));
  // A count larger than the bytes left is refused before anything is
  // allocated for it; so is a varint longer than ten bytes.
  s = st::DecodeRecord(std::string("\x02\x01\xff\xff\xff\xff\x0f", 7), &out, "node 9");
  CHECK(s.code() == kg::StatusCode::kCorruption);
  s = st::DecodeRecord(std::string("\x02\x01\x01") + std::string(11, '\x80') + "\x01", &out, "node 9");
  CHECK(s.code() == kg::StatusCode::kCorruption);
}

namespace {

// Records as kg format 2 and older wrote them (cereal's portable binary
// archive), written by hand: the endianness flag 1, the class version as a
// u32, then fixed-width little-endian fields and u64 sizes.
class Portable {
 public:
  Portable& U(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  Portable& Str(std::string_view s) {
    U(s.size(), 8);
    out_.append(s);
    return *this;
  }
  Portable& Type(Value::Type t) { return U(static_cast<uint8_t>(t), 1); }
  std::string bytes() const { return out_; }

 private:
  std::string out_;
};

}  // namespace

TEST_CASE("records of the portable encoding of older databases are still read", "[storage][records]") {
  double f = 2.5;
  uint64_t f_bits;
  std::memcpy(&f_bits, &f, 8);
  // Node: labels {1, 4}; properties 2: "x", 3: [1, 2.5, null], 5: true, 6: {a: -3}.
  std::string node = Portable()
                         .U(1, 1).U(1, 4)
                         .U(2, 8).U(1, 4).U(4, 4)
                         .U(4, 8)
                         .U(2, 4).Type(Value::Type::kString).Str("x")
                         .U(3, 4).Type(Value::Type::kList).U(3, 8)
                         .Type(Value::Type::kInt).U(1, 8).Type(Value::Type::kFloat).U(f_bits, 8).Type(Value::Type::kNull)
                         .U(5, 4).Type(Value::Type::kBool).U(1, 1)
                         .U(6, 4).Type(Value::Type::kMap).U(1, 8).Str("a").Type(Value::Type::kInt).U(uint64_t(-3), 8)
                         .bytes();
  st::NodeRecord want{{1, 4},
                      {{2, Value("x")},
                       {3, Value(kg::ValueList{1, 2.5, Value()})},
                       {5, Value(true)},
                       {6, Value(kg::ValueMap{{"a", Value(-3)}})}}};
  st::NodeRecord got;
  REQUIRE(st::DecodeRecord(node, &got, "node 1").ok());
  CHECK(got.labels == want.labels);
  CHECK(got.properties == want.properties);
  bool has_label;
  std::optional<Value> value;
  REQUIRE(st::PeekNodeRecord(node, 4, 3, &has_label, &value));
  CHECK(has_label);
  REQUIRE(value);
  CHECK(*value == want.properties[1].second);
  REQUIRE(st::PeekNodeRecord(node, 2, 3, &has_label, &value));
  CHECK_FALSE(has_label);

  // Edge: type 7 from 10 to 11; properties 1: -3, 9: "yz".
  std::string edge = Portable()
                         .U(1, 1).U(1, 4)
                         .U(7, 4).U(10, 8).U(11, 8)
                         .U(2, 8)
                         .U(1, 4).Type(Value::Type::kInt).U(uint64_t(-3), 8)
                         .U(9, 4).Type(Value::Type::kString).Str("yz")
                         .bytes();
  st::EdgeRecord edge_out;
  REQUIRE(st::DecodeRecord(edge, &edge_out, "edge 1").ok());
  CHECK((edge_out.type == 7 && edge_out.source == 10 && edge_out.target == 11));
  CHECK(edge_out.properties == st::PropertyList{{1, Value(-3)}, {9, Value("yz")}});
}

TEST_CASE("a database of an older format opens, and is marked with this format when written", "[storage][format]") {
  kg::test::TempDir dir;
  { kg::test::OpenDb(dir.db()); }
  auto version = [&](bool read_only) {
    kg::Options options;
    options.read_only = read_only;
    auto store = st::Store::Open(dir.db(), options);
    REQUIRE(store.ok());
    std::string v;
    REQUIRE(st::StoreInternals::db(**store)->Get({}, st::StoreInternals::cf(**store, st::Keyspace::kMeta), st::key::FormatVersion(), &v).ok());
    return st::key::GetU32(v.data());
  };
  {
    auto store = st::Store::Open(dir.db(), {});
    REQUIRE(store.ok());
    std::string v;
    st::key::PutU32(&v, 1);
    REQUIRE(st::StoreInternals::db(**store)->Put({}, st::StoreInternals::cf(**store, st::Keyspace::kMeta), st::key::FormatVersion(), v).ok());
  }
  // Reading leaves it as it is; opening for writing marks it, so that an
  // older kg that cannot read adjacency blocks, compact records or
  // relationship blocks refuses it.
  CHECK(version(true) == 1);
  CHECK(version(false) == st::kFormatVersion);
  CHECK(st::kFormatVersion == 6);
}
