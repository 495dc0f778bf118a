// Binder: the name resolution between the parser and the planner. It
// resolves each expression's variables to row slots (with what is known of
// their types), binds function calls to their registry entries, checks
// parameters, aggregation rules and the arguments whose types are evident,
// and keeps the scopes of comprehensions, reduce and sub-patterns. The
// planner runs it clause by clause, as each clause's scope is known, and
// reads what it resolved from the tree (slots, function entries, kinds).
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "query/ast.h"
#include "query/context.h"

namespace kg::query {

// What the binder knows of a variable's type. The k*Value kinds come from
// literals and constructors and let it report misuse at compile time.
enum class Kind { kAny, kNode, kRel, kRelList, kPath, kScalarValue, kListValue, kMapValue };

const char* KindName(Kind k);

struct VarInfo {
  int slot;
  Kind kind;
};

// Where an expression stands: which of aggregates and pattern predicates it
// may use, and the clause to name in errors.
struct ExprContext {
  bool allow_aggregates = false;
  bool in_aggregate = false;
  bool allow_patterns = false;  // pattern predicates: WHERE and exists() only
  std::vector<const Expr*>* aggregates = nullptr;
  const char* clause = "this clause";
};

class Binder {
 public:
  // compile_sub_pattern(e, outer) compiles the pattern of a pattern
  // predicate or comprehension e, declaring its variables in the current
  // scope, and notes in e.outer_slots the slots of outer that it reads.
  using SubPatternCompiler = std::function<void(Expr& e, const std::set<int>& outer)>;
  Binder(const Params& params, size_t* pattern_width, SubPatternCompiler compile_sub_pattern)
      : params_(params), pattern_width_(pattern_width), compile_sub_pattern_(std::move(compile_sub_pattern)) {}

  // The variables in scope; the planner replaces it at WITH and RETURN.
  std::map<std::string, VarInfo> scope;
  // Slots a row has so far.
  size_t width = 0;

  int NewSlot();
  VarInfo* Find(const std::string& name);
  // Declares (or finds) the variable of a pattern element: an anonymous
  // one gets a new slot; a bound one must be of a compatible kind.
  int Declare(const std::string& name, Kind kind, const Position& pos, bool* was_bound, std::vector<int>* new_slots);
  // What the binder knows of e's type without running it.
  Kind StaticKind(const Expr& e);
  // Resolves every name in e (and in its sub-expressions).
  void Resolve(Expr& e, ExprContext cx);

 private:
  // Compile-time argument checks where the type is evident.
  void CheckStaticArguments(const Expr& e);

  const Params& params_;
  size_t* pattern_width_;
  SubPatternCompiler compile_sub_pattern_;
};

}  // namespace kg::query
