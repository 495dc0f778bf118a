#include "storage/records.h"

#include <cmath>
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

  // Portable binary: one endianness byte, then the class version (u32 LE).
  std::string bytes = st::EncodeRecord(st::NodeRecord{});
  REQUIRE(bytes.size() >= 5);
  bytes[1] = 2;  // version 2: written by a newer kg
  s = st::DecodeRecord(bytes, &out, "node 9");
  REQUIRE(s.code() == kg::StatusCode::kNotSupported);
  REQUIRE(s.message().find("newer") != std::string::npos);
}

TEST_CASE("a database written in a newer format is refused", "[storage][format]") {
  kg::test::TempDir dir;
  { kg::test::OpenDb(dir.db()); }
  {
    auto store = st::Store::Open(dir.db(), {});
    REQUIRE(store.ok());
    std::string v;
    st::key::PutU32(&v, st::kFormatVersion + 1);
    REQUIRE((*store)->db()->Put({}, (*store)->cf(st::Keyspace::kMeta), st::key::FormatVersion(), v).ok());
  }
  auto db = kg::Database::Open(dir.db());
  REQUIRE(db.status().code() == kg::StatusCode::kNotSupported);
  REQUIRE(db.status().message().find("newer") != std::string::npos);
}

TEST_CASE("a database of format 1 opens, and is marked with this format when written", "[storage][format]") {
  kg::test::TempDir dir;
  { kg::test::OpenDb(dir.db()); }
  auto version = [&](bool read_only) {
    kg::Options options;
    options.read_only = read_only;
    auto store = st::Store::Open(dir.db(), options);
    REQUIRE(store.ok());
    std::string v;
    REQUIRE((*store)->db()->Get({}, (*store)->cf(st::Keyspace::kMeta), st::key::FormatVersion(), &v).ok());
    return st::key::GetU32(v.data());
  };
  {
    auto store = st::Store::Open(dir.db(), {});
    REQUIRE(store.ok());
    std::string v;
    st::key::PutU32(&v, 1);
    REQUIRE((*store)->db()->Put({}, (*store)->cf(st::Keyspace::kMeta), st::key::FormatVersion(), v).ok());
  }
  // Reading leaves it as it is; opening for writing marks it, so that an
  // older kg that cannot read adjacency blocks refuses it.
  CHECK(version(true) == 1);
  CHECK(version(false) == st::kFormatVersion);
  CHECK(st::kFormatVersion == 2);
}
