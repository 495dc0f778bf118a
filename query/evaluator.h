// Evaluator: computes an expression's value for one row.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "query/ast.h"
#include "query/context.h"
#include "query/value_ops.h"

namespace re2 {
class RE2;
}

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
  Evaluator(ExecContext& ctx, EvalSupport& support);
  ~Evaluator();

  Value Eval(const Expr& e, Row& row);
  // WHERE semantics: true only for true (null and false both reject).
  bool IsTrue(const Expr& e, Row& row);

  // Property access on a node, relationship or map value (null for null).
  Value Property(const Value& base, const std::string& key, const Expr& at);
  // The stored node or edge behind a value, loaded. NotFound: deleted.
  bool LoadNode(NodeId id, graph::NodeData* record);
  bool LoadEdge(EdgeId id, graph::EdgeData* record);
  Value EdgeValue(EdgeId id);
  // The properties of a node or relationship (empty when it was deleted).
  // REQUIRES: v is a node or a relationship.
  Properties ElementProperties(const Value& v);

  // A call to range(): its arguments, evaluated and checked as range()
  // checks them, so that UNWIND can step through it without building the
  // list.
  struct Range {
    int64_t start = 0, end = 0, step = 1;
    // Calls fn(i) for each value in turn until fn returns false; returns
    // false when it did. No step overflows, whatever the bounds.
    // How many values it has.
    uint64_t Count() const {
      if (step > 0 ? start > end : start < end) return 0;
      unsigned __int128 span = step > 0 ? static_cast<unsigned __int128>(static_cast<__int128>(end) - start)
                                        : static_cast<unsigned __int128>(static_cast<__int128>(start) - end);
      unsigned __int128 n = span / (step > 0 ? static_cast<unsigned __int128>(step)
                                             : static_cast<unsigned __int128>(-static_cast<__int128>(step))) + 1;
      return n > UINT64_MAX / 64 ? UINT64_MAX / 64 : static_cast<uint64_t>(n);
    }
    template <class Fn>
    bool Each(Fn&& fn) const {
      if (step > 0 ? start > end : start < end) return true;
      for (int64_t i = start;; i += step) {
        if (!fn(i)) return false;
        uint64_t left = step > 0 ? static_cast<uint64_t>(end) - static_cast<uint64_t>(i)
                                 : static_cast<uint64_t>(i) - static_cast<uint64_t>(end);
        uint64_t stride = step > 0 ? static_cast<uint64_t>(step) : uint64_t{0} - static_cast<uint64_t>(step);
        if (left < stride) return true;
      }
    }
  };
  static bool IsRangeCall(const Expr& e);
  Range EvalRange(const Expr& e, Row& row);

  ExecContext& ctx() { return ctx_; }
  // While an aggregation emits a group: the results of its aggregate calls.
  void set_aggregates(const std::vector<Value>* results) { support_.aggregates = results; }
  // Rows are widened to this before matching a sub-pattern (its own slots).
  void set_pattern_width(size_t width) { pattern_width_ = width; }

 private:
  Value EvalFunction(const Expr& e, Row& row);
  Range RangeOf(const Expr& e, const std::vector<Value>& args);
  Value EvalBinary(const Expr& e, Row& row);
  Value EvalPatternComprehension(const Expr& e, Row& row);
  Value EvalQuantifier(const Expr& e, Row& row);
  // text =~ pattern: the whole text matches (RE2 syntax, linear time).
  bool RegexMatch(const Expr& at, const std::string& text, const std::string& pattern);

  // The id of property key name, read at expression at: the last id each
  // expression found is kept (an id never changes once given); a name not
  // given yet is looked up each time, as a write may give it.
  std::optional<uint32_t> KeyId(const std::string& name, const Expr& at);

  ExecContext& ctx_;
  EvalSupport& support_;
  std::unique_ptr<re2::RE2> regex_;
  std::string regex_pattern_;
  size_t pattern_width_ = 0;
  struct KnownKey {
    std::string name;
    uint32_t id;
  };
  std::unordered_map<const Expr*, KnownKey> known_keys_;
  // Recently decoded node records: a statement reads the same node for its
  // pattern checks and its projections. Direct-mapped by id; an entry is
  // valid while the transaction has made no write since it was read.
  struct CachedNode {
    NodeId id = 0;
    uint64_t write_count = 0;
    bool found = false;
    graph::NodeData record;
  };
  // The cached record of id when it is current; nullptr otherwise.
  const CachedNode* Cached(NodeId id) const;
  static constexpr size_t kNodeCacheSlots = 256, kFewNodeCacheSlots = 8;
  std::vector<CachedNode> node_cache_;
  size_t node_loads_ = 0;
};

// True for the names of aggregate functions (count, sum, collect, ...).
bool IsAggregateFunction(const std::string& name);
// True for a call of an aggregate function; reads the call's bound registry
// entry when the binder has set it.
bool IsAggregateCall(const Expr& e);
// TypeErrors at an expression: a value of the wrong type, and one of the
// right type that cannot be converted.
[[noreturn]] void BadType(const Expr& at, const std::string& what);
[[noreturn]] void BadArgument(const Expr& at, const std::string& what);
// True when e contains an aggregate call outside any nested comprehension scope.
bool ContainsAggregate(const Expr& e);

// Converts a boolean-ish value for WHERE/AND/OR: nullopt for null; throws
// a TypeError for a non-boolean.
Ternary ToTernary(const Value& v, const Expr& at);

}  // namespace kg::query
