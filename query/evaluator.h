// Evaluator: computes an expression's value for one row.
#pragma once

#include <functional>
#include <map>
#include <memory>

#include "query/ast.h"
#include "query/context.h"
#include "query/value_ops.h"

namespace kg::query {

class PatternMatcher;

// Per-statement lookups the evaluator needs from the planner: compiled
// sub-patterns (pattern predicates and comprehensions) and, while an
// aggregation emits a group, the aggregate results.
struct EvalSupport {
  std::map<const Expr*, std::shared_ptr<PatternMatcher>> patterns;
  const std::vector<Value>* aggregates = nullptr;  // indexed by an aggregate call's slot
};

class Evaluator {
 public:
  Evaluator(ExecContext& ctx, EvalSupport& support) : ctx_(ctx), support_(support) {}

  Value Eval(const Expr& e, Row& row);
  // WHERE semantics: true only for true (null and false both reject).
  bool IsTrue(const Expr& e, Row& row);

  // Property access on a node, relationship or map value (null for null).
  Value Property(const Value& base, const std::string& key, const Expr& at);
  // The stored node or edge behind a value, loaded. NotFound: deleted.
  bool LoadNode(NodeId id, storage::NodeRecord* record);
  bool LoadEdge(EdgeId id, storage::EdgeRecord* record);
  Value EdgeValue(EdgeId id);
  // The properties of a node or relationship (empty when it was deleted).
  // REQUIRES: v is a node or a relationship.
  Properties ElementProperties(const Value& v);

  ExecContext& ctx() { return ctx_; }
  // While an aggregation emits a group: the results of its aggregate calls.
  void set_aggregates(const std::vector<Value>* results) { support_.aggregates = results; }
  // Rows are widened to this before matching a sub-pattern (its own slots).
  void set_pattern_width(size_t width) { pattern_width_ = width; }

 private:
  Value EvalFunction(const Expr& e, Row& row);
  Value EvalBinary(const Expr& e, Row& row);
  Value EvalPatternComprehension(const Expr& e, Row& row);
  Value EvalQuantifier(const Expr& e, Row& row);

  ExecContext& ctx_;
  EvalSupport& support_;
  size_t pattern_width_ = 0;
  // Recently decoded node records: a statement reads the same node for its
  // pattern checks and its projections. Direct-mapped by id; an entry is
  // valid while the transaction has made no write since it was read.
  struct CachedNode {
    NodeId id = 0;
    uint64_t write_count = 0;
    bool found = false;
    storage::NodeRecord record;
  };
  static constexpr size_t kNodeCacheSlots = 256;
  std::vector<CachedNode> node_cache_;
};

// True for the names of aggregate functions (count, sum, collect, ...).
bool IsAggregateFunction(const std::string& name);
// True when e contains an aggregate call outside any nested comprehension scope.
bool ContainsAggregate(const Expr& e);
// Throws if the function is unknown or called with the wrong number of arguments.
void CheckFunctionCall(const Expr& e);

// Converts a boolean-ish value for WHERE/AND/OR: nullopt for null; throws
// a TypeError for a non-boolean.
Ternary ToTernary(const Value& v, const Expr& at);

}  // namespace kg::query
