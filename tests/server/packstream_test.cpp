// PackStream: values written and read back at every size boundary, the
// Bolt structures kg writes, and hostile bytes refused with their offset.
#include <catch2/catch.hpp>

#include "kg/element.h"
#include "server/packstream.h"

namespace kg::server {
namespace {

std::string Hex(const std::string& bytes) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

Value RoundTrip(const Value& v) {
  auto m = DecodeMessage(PackMessage(0x10, {v}));
  REQUIRE(m.ok());
  REQUIRE(m->tag == 0x10);
  REQUIRE(m->fields.size() == 1);
  return m->fields[0];
}

TEST_CASE("PackStream integers take the smallest form and read back", "[server][packstream]") {
  auto packed = [](int64_t v) {
    Packer p;
    p.Int(v);
    return Hex(p.bytes());
  };
  CHECK(packed(0) == "00");
  CHECK(packed(127) == "7F");
  CHECK(packed(-16) == "F0");
  CHECK(packed(-17) == "C8EF");
  CHECK(packed(128) == "C90080");
  CHECK(packed(-129) == "C9FF7F");
  CHECK(packed(32768) == "CA00008000");
  CHECK(packed(2147483648LL) == "CB0000000080000000");
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{-16}, int64_t{-17}, int64_t{127}, int64_t{128}, int64_t{-128},
                    int64_t{-129}, int64_t{32767}, int64_t{-32769}, int64_t{2147483647}, int64_t{-2147483649LL},
                    INT64_MAX, INT64_MIN})
    CHECK(RoundTrip(Value(v)) == Value(v));
}

TEST_CASE("PackStream strings, lists and maps of every header size read back", "[server][packstream]") {
  for (size_t n : {size_t{0}, size_t{15}, size_t{16}, size_t{255}, size_t{256}, size_t{65535}, size_t{65536}}) {
    std::string s(n, 'x');
    CHECK(RoundTrip(Value(s)) == Value(s));
    ValueList list(n, Value(1));
    CHECK(RoundTrip(Value(list)) == Value(list));
  }
  ValueMap map;
  for (int i = 0; i < 300; ++i) map["k" + std::to_string(i)] = Value(i % 2 ? Value(1.5) : Value("v"));
  CHECK(RoundTrip(Value(map)) == Value(map));
  CHECK(RoundTrip(Value("镇雄县")) == Value("镇雄县"));
  CHECK(RoundTrip(Value()).is_null());
  CHECK(RoundTrip(Value(true)) == Value(true));
  CHECK(RoundTrip(Value(-0.25)) == Value(-0.25));
}

TEST_CASE("nodes, relationships and paths are written as Bolt 5 structures", "[server][packstream]") {
  auto node = [](uint64_t id) {
    auto data = std::make_shared<Node>();
    data->id = id;
    data->labels = {"County"};
    return Value(Value::NodeRef{id, data});
  };
  auto edge = std::make_shared<Edge>();
  edge->id = 9;
  edge->type = "IN";
  edge->source = 2;
  edge->target = 1;
  Value e(Value::EdgeRef{9, 2, 1, edge});
  Packer p;
  p.Pack(node(1));
  // Structure of 4 fields, tag N: id 1, ["County"], {}, "n1".
  CHECK(Hex(p.bytes()) == "B44E01" "9186436F756E7479" "A0" "826E31");
  // A path from node 1 against relationship 9 (2 -> 1) to node 2.
  auto path = std::make_shared<Path>();
  path->nodes = {node(1), node(2)};
  path->edges = {e};
  Packer q;
  q.Pack(Value(std::shared_ptr<const Path>(path)));
  std::string bytes = Hex(q.bytes());
  CHECK(bytes.starts_with("B350" "92"));
  CHECK(bytes.ends_with("92" "FF" "01"));  // indices: -1 (against its direction), node 1
}

TEST_CASE("temporal values go out and come back as Bolt 5 structures", "[server][packstream]") {
  std::vector<Value> values = {
      Value(Date{-1}),
      Value(LocalTime{3'600'000'000'001}),
      Value(Time{60'000'000'000, -3600}),
      Value(LocalDateTime{-86'401, 5}),
      Value(DateTime{1'600'000'000, 7, 7200, DateTime::kNoZone}),
      Value(DateTime{1'600'000'000, 7, 28800, *temporal::FindZone("Asia/Shanghai")}),
      Value(Duration{14, -3, 70, 999'999'999}),
  };
  Packer p;
  for (const Value& v : values) p.Pack(v);
  CHECK(Hex(p.bytes()).starts_with("B144FF"));  // Date: days -1
  for (const Value& v : values) {
    auto m = DecodeMessage(PackMessage(0x10, {v}));
    REQUIRE(m.ok());
    CHECK(m->fields[0] == v);
  }
}

TEST_CASE("hostile PackStream is refused with its offset", "[server][packstream]") {
  auto refused = [](const std::string& bytes, const std::string& part) {
    auto m = DecodeMessage(bytes);
    INFO(Hex(bytes));
    REQUIRE_FALSE(m.ok());
    CHECK(m.status().message().find(part) != std::string::npos);
  };
  refused("", "shorter than a structure header");
  refused("\x91\x01", "not a structure");
  refused(std::string("\xB1\x01\xD2\x7F\xFF\xFF\xFF", 7), "past the end");
  refused(std::string("\xB1\x01\xD6\x7F\xFF\xFF\xFF", 7), "past the end");
  refused(std::string("\xB1\x01\xDA\x7F\xFF\xFF\xFF", 7), "past the end");
  refused(std::string("\xB1\x01\xA1\x01\x01", 5), "map key that is not a string");
  refused(std::string("\xB1\x01\xCC\x01\x00", 5), "byte arrays");
  refused(std::string("\xB1\x01\xB3\x44\x01\x02\x03", 7), "malformed Date structure at byte 2");
  refused(std::string("\xB1\x01\xB1\x44\x81\x61", 6), "malformed Date");
  refused(std::string("\xB1\x01\xB1\x44\xCB\x7F\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 13), "malformed Date");
  refused(std::string("\xB1\x01\xB3\x49\xCB\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00", 15), "malformed DateTime");
  refused(std::string("\xB1\x01\xB3\x69\x01\x02\x84Mars", 11), "unknown time zone 'Mars'");
  refused(std::string("\xB1\x01\xB3\x58\x01\x02\x03", 7), "no spatial or graph ones");
  CHECK(DecodeMessage(std::string("\xB1\x10\xB3\x58\x01\x02\x03", 7)).status().code() == StatusCode::kNotSupported);
  refused(std::string("\xB1\x01\x01\x01", 4), "after the message's last field");
  refused("\xB1\x01" + std::string(100, '\x91') + "\x01", "nested deeper than 64");
  refused(std::string("\xB1\x01\xC9\x01", 4), "an integer past the end");
  refused(std::string("\xB1\x01\xE5", 3), "unknown marker 0xE5");
}

}  // namespace
}  // namespace kg::server
