// Planner: the physical plan of a bound statement (binder.h): pattern
// parts ordered and anchored by label counts and property indexes, WHERE
// conjuncts pushed into pattern matching, eager barriers around writes,
// projection pipelines, the sub-patterns of predicates and comprehensions
// compiled. It resolves no names; it reads the slots the binder wrote.
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
  // The always-true filter that starts a chain, which operators point at.
  std::unique_ptr<Expr> true_literal;
};

// Builds the plan for st, bound by Bind (binder.h), which must outlive it.
// Throws QueryError.
// The runtime's evaluator is bound into the operators; the support tables
// (compiled sub-patterns) are filled in.
void BuildPlan(Statement& st, Runtime& rt, EvalSupport& support, Plan* plan);

// EXPLAIN / PROFILE text: one operator per line, with estimates and, after
// a run, rows and time.
std::string DescribePlan(const Plan& plan, bool profiled);

}  // namespace kg::query
