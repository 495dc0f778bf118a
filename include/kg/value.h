// Value: a property value (null, boolean, 64-bit integer, double, UTF-8
// string, list of values, map from string to value, or one of the temporal
// values of kg/temporal.h), or, in query
// results, a node, a relationship or a path. Integers and floats stay
// distinct: Value(1) != Value(1.0). Nodes, relationships and paths cannot be
// stored as properties.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kg/status.h"
#include "kg/temporal.h"

namespace kg {

class Value;
struct Node;
struct Edge;
struct Path;
using ValueList = std::vector<Value>;
using ValueMap = std::map<std::string, Value, std::less<>>;

class Value {
 public:
  // Never renumber: the order is part of the on-disk format and of index key order.
  enum class Type : uint8_t {
    kNull = 0, kBool = 1, kInt = 2, kFloat = 3, kString = 4, kList = 5, kMap = 6,
    kNode = 7, kEdge = 8, kPath = 9,  // query results only, never stored
    kDate = 10, kLocalTime = 11, kTime = 12, kLocalDateTime = 13, kDateTime = 14, kDuration = 15,
  };

  // A node in a query result: its id, and its labels and properties once the
  // result is handed out (data is empty inside the query engine).
  struct NodeRef {
    uint64_t id = 0;
    std::shared_ptr<const Node> data;
  };
  struct EdgeRef {
    uint64_t id = 0;
    uint64_t source = 0;
    uint64_t target = 0;
    std::shared_ptr<const Edge> data;
  };

  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  Value(int v) : data_(int64_t{v}) {}
  Value(int64_t v) : data_(v) {}
  Value(double v) : data_(v) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(ValueList l) : data_(std::make_shared<ValueList>(std::move(l))) {}
  Value(ValueMap m) : data_(std::make_shared<ValueMap>(std::move(m))) {}
  Value(NodeRef n) : data_(std::move(n)) {}
  Value(EdgeRef e) : data_(std::move(e)) {}
  Value(std::shared_ptr<const Path> p) : data_(std::move(p)) {}
  Value(Date v) : data_(v) {}
  Value(LocalTime v) : data_(v) {}
  Value(Time v) : data_(v) {}
  Value(LocalDateTime v) : data_(v) {}
  Value(DateTime v) : data_(v) {}
  Value(Duration v) : data_(v) {}

  Type type() const { return static_cast<Type>(data_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_int() const { return type() == Type::kInt; }
  bool is_float() const { return type() == Type::kFloat; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return type() == Type::kString; }
  bool is_list() const { return type() == Type::kList; }
  bool is_map() const { return type() == Type::kMap; }
  bool is_node() const { return type() == Type::kNode; }
  bool is_edge() const { return type() == Type::kEdge; }
  bool is_path() const { return type() == Type::kPath; }
  bool is_date() const { return type() == Type::kDate; }
  bool is_local_time() const { return type() == Type::kLocalTime; }
  bool is_time() const { return type() == Type::kTime; }
  bool is_local_date_time() const { return type() == Type::kLocalDateTime; }
  bool is_date_time() const { return type() == Type::kDateTime; }
  bool is_duration() const { return type() == Type::kDuration; }
  // A date, time, date time or duration.
  bool is_temporal() const { return type() >= Type::kDate; }
  // True for values that may be stored as properties, as Cypher allows:
  // null, a boolean, a number, a string, a temporal value, or a list of
  // those. Not a map, a list inside a list, a node, a relationship or a path.
  bool IsStorable() const;

  // REQUIRES: the matching is_*() is true.
  bool as_bool() const { return std::get<bool>(data_); }
  int64_t as_int() const { return std::get<int64_t>(data_); }
  double as_float() const { return std::get<double>(data_); }
  // An integer or a float as a double. REQUIRES: is_number().
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_float(); }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const ValueList& as_list() const { return *std::get<std::shared_ptr<ValueList>>(data_); }
  const ValueMap& as_map() const { return *std::get<std::shared_ptr<ValueMap>>(data_); }
  const NodeRef& as_node_ref() const { return std::get<NodeRef>(data_); }
  const EdgeRef& as_edge_ref() const { return std::get<EdgeRef>(data_); }
  // The node, relationship or path with its data, as query results hand
  // them out. REQUIRES: is_node() / is_edge() / is_path(), data present.
  const Node& as_node() const { return *as_node_ref().data; }
  const Edge& as_edge() const { return *as_edge_ref().data; }
  const Path& as_path() const { return *std::get<std::shared_ptr<const Path>>(data_); }
  const std::shared_ptr<const Path>& path_ptr() const { return std::get<std::shared_ptr<const Path>>(data_); }
  const Date& as_date() const { return std::get<Date>(data_); }
  const LocalTime& as_local_time() const { return std::get<LocalTime>(data_); }
  const Time& as_time() const { return std::get<Time>(data_); }
  const LocalDateTime& as_local_date_time() const { return std::get<LocalDateTime>(data_); }
  const DateTime& as_date_time() const { return std::get<DateTime>(data_); }
  const Duration& as_duration() const { return std::get<Duration>(data_); }

  // Structural equality: same type and same contents (1 != 1.0; NaN == NaN);
  // nodes and relationships by id.
  friend bool operator==(const Value& a, const Value& b);

  // Renders the value as Cypher literal text: null, true, 42, 1.5, 'text',
  // [1, 2], {k: 'v'}; a temporal value as its constructor call,
  // date('2021-03-01').
  std::string ToString() const;

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string,
               std::shared_ptr<ValueList>, std::shared_ptr<ValueMap>, NodeRef, EdgeRef,
               std::shared_ptr<const Path>, Date, LocalTime, Time, LocalDateTime, DateTime, Duration>
      data_;
};

const char* TypeName(Value::Type type);

// Why v cannot be stored as a property ("a MAP cannot be stored as a
// property value"), or "" when it can (see Value::IsStorable).
std::string NotStorableReason(const Value& v);

// The name Cypher's constructor and neo4j-admin CSV headers give a temporal
// type: "date", "localtime", "time", "localdatetime", "datetime" or
// "duration". REQUIRES: kDate <= type <= kDuration.
const char* TemporalTypeName(Value::Type type);

// A temporal value's ISO 8601 text ("2021-03-01", "P14DT16H12M"), as
// kg::temporal::ToString writes it. REQUIRES: v.is_temporal().
std::string TemporalText(const Value& v);
// Reads text as a temporal value of type (kDate ... kDuration).
Result<Value> ParseTemporal(Value::Type type, std::string_view text);

}  // namespace kg
