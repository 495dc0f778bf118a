// Planner: semantic analysis (scopes, variable kinds, aggregation rules and
// the TCK's compile-time errors) and the physical plan: anchors chosen from
// label counts and property indexes, WHERE conjuncts pushed into pattern
// matching, eager barriers around writes, and projection pipelines.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "query/ast.h"
#include "query/operators.h"

namespace kg::query {

struct Plan {
  std::vector<std::string> columns;
  // One operator chain per UNION part; all end in `sink`.
  std::vector<Operator*> heads;
  std::vector<OperatorPtr> operators;
  std::unique_ptr<SinkOp> sink;
  size_t pattern_width = 0;  // widest row any sub-pattern needs
  bool writes = false;
  // Expressions the planner made up, which operators point at: the items of
  // RETURN * / WITH * and the always-true filter that starts a chain.
  std::vector<std::unique_ptr<ReturnItem>> owned_items;
  std::unique_ptr<Expr> true_literal;
};

// Builds the plan for st (which must outlive it). Throws QueryError.
// The runtime's evaluator is bound into the operators; the support tables
// (compiled sub-patterns) are filled in.
void BuildPlan(Statement& st, Runtime& rt, EvalSupport& support, Plan* plan);

// EXPLAIN / PROFILE text: one operator per line, with estimates and, after
// a run, rows and time.
std::string DescribePlan(const Plan& plan, bool profiled);

}  // namespace kg::query
