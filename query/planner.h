// Planner: the clause rules (scopes at WITH and RETURN, aggregation and
// grouping keys, the TCK's compile-time errors about clauses) and the
// physical plan: anchors chosen from label counts and property indexes,
// WHERE conjuncts pushed into pattern matching, eager barriers around
// writes, and projection pipelines. Names are resolved by the Binder
// (binder.h), which it runs on each clause as that clause's scope is known.
//
// The stages of a statement: lexer.h and parser.h (text to tree),
// binder.h (names), planner.h (operators), then operators.h, matcher.h and
// evaluator.h run it, and functions.h holds the function registry.
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
