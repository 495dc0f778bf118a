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
#include <string_view>
#include <utility>
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

// What a plan is chosen from besides the statement: the version of the
// index catalog and the node counts the planner read. Built again from the
// same facts, a statement gets the same plan without reading them.
struct PlanFacts {
  uint64_t schema_version = 0;
  // Label (empty: every node) and its count; unknown labels count 0.
  std::vector<std::pair<std::string, int64_t>> counts;
  const int64_t* Find(std::string_view label) const;
  // Whether a plan chosen from these facts still fits txn: the same
  // catalog, and no count has doubled or halved (by more than a few nodes).
  bool Hold(const graph::GraphTxn& txn) const;
};

// Builds the plan for st, bound by Bind (binder.h), which must outlive it.
// Throws QueryError. Reads st only, so that one bound statement serves
// several plans at once.
// The runtime's evaluator is bound into the operators; the support tables
// (compiled sub-patterns) are filled in. Counts found in known are used as
// they are; those read are added to record, which gets the schema version.
void BuildPlan(const Statement& st, Runtime& rt, EvalSupport& support, Plan* plan, const PlanFacts* known = nullptr,
               PlanFacts* record = nullptr);

// The count of nodes with label (empty: every node) as the planner reads it.
int64_t PlannerCount(const graph::GraphTxn& txn, std::string_view label);

// EXPLAIN / PROFILE text: one operator per line, with estimates and, after
// a run, rows and time.
std::string DescribePlan(const Plan& plan, bool profiled);

}  // namespace kg::query
