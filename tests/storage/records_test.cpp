#include "storage/records.h"

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
