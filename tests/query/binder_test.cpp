// The binder as a stage of its own: it binds a parsed statement without a
// database, writes slots, function entries and projection scopes into the
// tree, and reports name errors with their position.
#include <catch2/catch.hpp>

#include "query/binder.h"
#include "query/functions.h"
#include "query/parser.h"

namespace kg::query {
namespace {

Statement Bound(std::string_view text, const Params& params = {}) {
  Statement st = Parse(text);
  Bind(st, params);
  return st;
}

QueryError BindError(std::string_view text) {
  try {
    Bound(text);
  } catch (const QueryError& e) {
    return e;
  }
  FAIL("bound without an error: " << text);
  return {};
}

TEST_CASE("the binder writes slots, function entries and scopes into the tree", "[query][binder]") {
  Statement st = Bound(
      "MATCH (a:P)-[r:R]->(b) WHERE a.x = 1 "
      "WITH a, count(b) AS n "
      "RETURN a.name AS name, n ORDER BY n");
  auto& clauses = st.parts.at(0).clauses;
  REQUIRE(clauses.size() == 3);

  const Clause& match = clauses[0];
  const PatternPart& part = *match.pattern.at(0);
  // Nodes are declared first, then relationships.
  CHECK(part.nodes[0].slot == 0);
  CHECK(part.nodes[1].slot == 1);
  CHECK(part.rels[0].slot == 2);
  CHECK(match.bound_pattern.bound_before.empty());
  CHECK(match.bound_pattern.new_slots == std::vector<int>{0, 1, 2});
  CHECK(match.where->args[0]->args[0]->slot == 0);  // a in a.x

  const Projection& with = clauses[1].projection;
  CHECK(with.old_width == 3);
  CHECK(with.extended_width == 5);
  CHECK(with.new_width == 2);
  CHECK(with.aggregate);
  REQUIRE(with.aggregates.size() == 1);
  CHECK(with.aggregates[0]->function == FindFunction("count"));
  CHECK(with.bound_items.size() == 2);

  // After WITH, a and n are the row's first two slots.
  const Projection& ret = clauses[2].projection;
  CHECK(ret.bound_items[0]->expr->args[0]->slot == 0);
  CHECK(ret.bound_items[1]->expr->slot == 1);
  // ORDER BY n reads the projected column.
  CHECK(ret.order.at(0).expr->slot == static_cast<int>(ret.old_width) + 1);
  CHECK(st.columns == std::vector<std::string>{"name", "n"});
}

TEST_CASE("the binder expands RETURN * and records sub-patterns with their outer slots", "[query][binder]") {
  Statement st = Bound("MATCH (b), (a) WHERE (a)-->() RETURN *");
  CHECK(st.columns == std::vector<std::string>{"a", "b"});
  const Projection& ret = st.parts[0].clauses[1].projection;
  CHECK(ret.star_items.size() == 2);
  REQUIRE(st.sub_patterns.size() == 1);
  const auto& [expr, binding] = st.sub_patterns[0];
  CHECK(binding.bound_before == std::vector<int>{0, 1});
  CHECK(expr->outer_slots == std::vector<int>{1});  // a
  CHECK(st.pattern_width >= 3);
}

TEST_CASE("the binder reports name errors where they are, before any data is read", "[query][binder]") {
  QueryError e = BindError("MATCH (a)\nRETURN b");
  CHECK(e.detail == "UndefinedVariable");
  CHECK(e.line == 2);
  CHECK(e.column == 8);
  CHECK(BindError("RETURN 1 AS x UNION RETURN 2 AS y").detail == "DifferentColumnsInUnion");
  CHECK(BindError("MATCH (a) RETURN a.y AS y, count(*) + a.x AS z").detail == "AmbiguousAggregationExpression");
  CHECK(BindError("RETURN $missing").detail == "MissingParameter");
  CHECK(BindError("MATCH (a)-[r]->(r) RETURN r").detail == "VariableTypeConflict");
  CHECK(BindError("RETURN nope(1)").detail == "UnknownFunction");
  CHECK_NOTHROW(Bound("RETURN $given AS x", Params{{"given", Value(1)}}));
}

}  // namespace
}  // namespace kg::query
