// PatternMatcher: finds every binding of a MATCH pattern (or of a pattern
// predicate or comprehension) for one input row, by backtracking from a
// chosen anchor node along the pattern, with relationship uniqueness across
// the whole pattern and WHERE conjuncts applied as soon as their variables
// are bound.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "query/ast.h"
#include "query/context.h"

namespace kg::query {

class Evaluator;

struct NodeStep {
  int slot = -1;
  bool bound = false;  // bound before this pattern (or by an earlier part)
  std::vector<std::string> labels;
  const Expr* properties = nullptr;
  // Its record is read later anyway (Statement::record_slots): labels are
  // checked there rather than in the label entries.
  bool record_read = true;
};

struct RelStep {
  int slot = -1;
  bool bound = false;
  std::vector<std::string> types;
  Direction direction = Direction::kOut;  // relative to the traversal order
  const Expr* properties = nullptr;
  bool var_length = false;
  int64_t min_hops = 1, max_hops = 1;  // max -1: unbounded
  // Only the set of distinct end nodes matters (see Planner): a BFS finds them.
  bool endpoints_only = false;
};

struct Anchor {
  enum class Kind { kBound, kIndexSeek, kIndexRange, kLabelScan, kAllNodes } kind = Kind::kAllNodes;
  std::string label, key;
  const Expr* value = nullptr;  // kIndexSeek: the value looked up
  // kIndexRange: the bounds (either may be missing) and whether each is
  // inclusive. The comparisons stay filters: the range only narrows.
  const Expr* lower = nullptr;
  const Expr* upper = nullptr;
  bool lower_inclusive = false, upper_inclusive = false;
  double estimate = 0;          // expected candidate nodes
};

struct MatchPart {
  int path_slot = -1;
  PatternPart::Kind kind = PatternPart::Kind::kPlain;
  std::vector<NodeStep> nodes;
  std::vector<RelStep> rels;
  bool reversed = false;  // traversed from the pattern's last node
  Anchor anchor;
  Anchor end_anchor;      // shortest paths: how the other end is found when unbound
};

struct MatchFilter {
  const Expr* expr = nullptr;
  int after_event = -1;  // binding event after which every slot it reads is bound
};

class PatternMatcher {
 public:
  PatternMatcher(std::vector<MatchPart> parts, std::vector<MatchFilter> filters)
      : parts_(std::move(parts)), filters_(std::move(filters)) {}

  // Calls emit(row) for each binding until emit returns false. Returns false
  // when emit stopped it.
  bool Match(Row& row, ExecContext& ctx, Evaluator& eval, const std::function<bool(Row&)>& emit);

  const std::vector<MatchPart>& parts() const { return parts_; }
  // One line per part, for EXPLAIN.
  std::vector<std::string> Describe() const;

 private:
  struct State;
  bool MatchPartAt(State& st, size_t part_index);
  bool MatchShortest(State& st, size_t part_index);
  bool StartFrom(State& st, size_t pi, NodeId start);
  bool ScansRelationships(size_t pi) const;
  bool ScanRelationships(State& st, size_t pi);
  bool ScanRelationship(State& st, size_t pi, const std::vector<uint32_t>& types, EdgeId id, uint32_t type,
                        NodeId source, NodeId target);
  bool Expand(State& st, size_t pi, size_t ri);
  bool VarLength(State& st, size_t pi, size_t ri, NodeId start);
  bool EndpointsOnly(State& st, size_t pi, size_t ri, NodeId from);
  bool BindNext(State& st, size_t pi, size_t ri, NodeId node);
  bool FinishPart(State& st, size_t pi);
  bool CheckNode(State& st, const NodeStep& step, NodeId id);
  bool CheckRel(State& st, const RelStep& step, EdgeId id);
  bool RunFilters(State& st, int event);
  template <class Fn>
  bool ForEachCandidate(State& st, const MatchPart& part, const Anchor& anchor, const NodeStep& step, Fn&& fn);
  std::optional<std::vector<uint32_t>> ResolveTypes(State& st, const RelStep& step);
  int EventOf(size_t part, size_t element) const;

  std::vector<MatchPart> parts_;
  std::vector<MatchFilter> filters_;
};

}  // namespace kg::query
