// The function registry: every Cypher function, by name, with its arity,
// kind, determinism and implementation. Adding a function is one entry in
// functions.cc. The binder (Planner's name resolution) finds each call's
// entry once and keeps it in the call's Expr; evaluation goes through that
// pointer, with no name comparison per row.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kg/value.h"

namespace kg::query {

struct Expr;
class Evaluator;

enum class FunctionKind {
  kScalar,     // arguments evaluated first; null for a null first argument
  kAggregate,  // computed by the aggregation operator (Aggregate below)
  kSpecial,    // evaluates its own arguments (coalesce, exists, range)
};

// The special forms, evaluated by the evaluator itself.
enum class SpecialForm { kNone, kCoalesce, kExists, kRange };

enum class Aggregate { kNone, kCount, kSum, kAvg, kMin, kMax, kCollect, kStDev, kStDevP, kPercentileCont, kPercentileDisc };

// A scalar function's call: the evaluator, the call (for its position and
// name in errors) and its evaluated arguments.
struct FunctionCall {
  Evaluator& eval;
  const Expr& expr;
  std::vector<Value>& args;
};

struct Function {
  std::string_view name;  // as documented (camelCase); calls match it case-insensitively
  int min_args;
  int max_args;           // kAnyCount: no upper bound
  FunctionKind kind;
  bool deterministic;
  Value (*impl)(FunctionCall& call) = nullptr;  // kScalar
  Aggregate aggregate = Aggregate::kNone;       // kAggregate
  SpecialForm special = SpecialForm::kNone;     // kSpecial
};

inline constexpr int kAnyCount = 1 << 20;

// The function called name (any case), or nullptr.
const Function* FindFunction(std::string_view name);
// Every function, in the registry's order.
std::span<const Function> Functions();

}  // namespace kg::query
