// PackStream, the value encoding of the Bolt protocol, between bytes and
// kg::Value: null, booleans, 64-bit integers, floats, strings, lists, maps,
// temporal values as Bolt 5 structures (Date 'D', Time 'T', LocalTime 't',
// DateTime 'I' and DateTimeZoneId 'i' in UTC seconds, LocalDateTime 'd',
// Duration 'E'), and, written only, nodes, relationships and paths as Bolt 5
// structures with element ids ("n<id>", "r<id>"). Big-endian throughout.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kg/status.h"
#include "kg/value.h"

namespace kg::server {

// A Bolt message: a structure whose tag names the request or response.
struct Message {
  uint8_t tag = 0;
  std::vector<Value> fields;
};

// Decodes one message (a structure) that fills bytes exactly. Byte arrays,
// nesting deeper than 64, malformed temporal structures and sizes past the
// end are malformed (InvalidArgument, naming the offset); another structure
// as a value (a point, a node) is NotSupported.
Result<Message> DecodeMessage(std::string_view bytes);

class Packer {
 public:
  void Null();
  void Bool(bool b);
  void Int(int64_t v);
  void Float(double d);
  void String(std::string_view s);
  void ListHeader(size_t n);
  void MapHeader(size_t n);
  void StructHeader(size_t fields, uint8_t tag);
  // Any value, nodes, relationships and paths included.
  void Pack(const Value& v);

  std::string& bytes() { return out_; }

 private:
  void Size(size_t n, uint8_t tiny, uint8_t b8, uint8_t b16, uint8_t b32);
  void Node(const Value& v);
  void Relationship(const Value& v, bool bound);

  std::string out_;
};

// One message: a structure of fields with tag.
std::string PackMessage(uint8_t tag, const std::vector<Value>& fields);

}  // namespace kg::server
