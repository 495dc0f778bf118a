// The abstract syntax tree of a parsed statement. Nodes keep their source
// position (for errors) and, for projections, their source text (column
// names). The binder (binder.h) then annotates the tree where it is marked
// "bound": row slots, function entries, the scopes of projections. The
// planner reads the bound tree and resolves no name itself.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kg/element.h"
#include "kg/value.h"
#include "query/query_error.h"

namespace kg::query {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct PatternPart;
struct Function;

enum class ExprKind {
  kLiteral,        // value
  kParameter,      // name
  kVariable,       // name
  kProperty,       // args[0].name
  kSubscript,      // args[0][args[1]]
  kSlice,          // args[0][args[1]..args[2]] (either may be null)
  kList,           // [args...]
  kMap,            // {keys[i]: args[i]}
  kUnary,          // op args[0]: "NOT", "-", "+"
  kBinary,         // args[0] op args[1]
  kIsNull,         // args[0] IS NULL (negated: IS NOT NULL)
  kLabelCheck,     // args[0]:labels...
  kFunction,       // name(args...), distinct; count(*) is star
  kCase,           // args: [subject?] (when, then)... [else?]; see has_subject / has_else
  kListComprehension,  // [name IN args[0] WHERE args[1] | args[2]]
  kQuantifier,     // name = all/any/none/single; variable in `var`; args: list, where
  kPatternComprehension,  // [pattern WHERE args[0] | args[1]]
  kPattern,        // a pattern used as a predicate / exists(pattern)
  kMapProjection,  // var{.key, key: expr, .*}
  kReduce,         // reduce(name = args[0], var IN args[1] | args[2]); the accumulator's slot is acc_slot
};

struct MapProjectionItem {
  enum Kind { kProperty, kAll, kLiteral, kVariable } kind;
  std::string key;
  ExprPtr value;  // kLiteral
};

struct Expr {
  ExprKind kind;
  Position pos;
  std::string text;          // source text, for column names
  int height = 1;            // levels of args below and including this node (the parser bounds it)
  Value value;               // kLiteral
  std::string name;          // variable, parameter, property key, function, operator
  std::string var;           // comprehension / quantifier variable
  std::vector<ExprPtr> args;
  std::vector<std::string> keys;    // kMap keys
  std::vector<std::string> labels;  // kLabelCheck
  bool distinct = false;     // kFunction
  bool star = false;         // count(*)
  const Function* function = nullptr;  // kFunction: its registry entry, found by the binder
  bool negated = false;      // kIsNull: IS NOT NULL
  bool has_subject = false;  // kCase
  bool has_else = false;     // kCase
  std::shared_ptr<PatternPart> pattern;      // kPatternComprehension, kPattern
  std::vector<MapProjectionItem> projection;  // kMapProjection
  // Bound:
  int slot = -1;             // kVariable: the row slot; comprehensions: their variable's slot
  int acc_slot = -1;         // kReduce: the accumulator's slot
  std::vector<int> outer_slots;  // kPattern*: slots of the enclosing scope it reads

  Expr(ExprKind k, Position p) : kind(k), pos(p) {}
  // Frees a long chain of operands without a recursion per level.
  ~Expr();
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;
  const Expr* arg(size_t i) const { return i < args.size() ? args[i].get() : nullptr; }
};

struct NodePattern {
  std::string var;  // empty: anonymous
  std::vector<std::string> labels;
  ExprPtr properties;  // a map literal or a parameter, or null
  Position pos;
  int slot = -1;  // bound
};

struct RelPattern {
  std::string var;
  std::vector<std::string> types;  // alternatives
  Direction direction = Direction::kBoth;  // kOut: -->, kIn: <--, kBoth: --
  ExprPtr properties;
  bool var_length = false;
  int64_t min_hops = 1;
  std::optional<int64_t> max_hops;
  Position pos;
  int slot = -1;  // bound: the relationship, or for var_length the list of them
};

struct PatternPart {
  std::string path_var;  // p = ...
  enum class Kind { kPlain, kShortest, kAllShortest } kind = Kind::kPlain;
  std::vector<NodePattern> nodes;  // nodes.size() == rels.size() + 1
  std::vector<RelPattern> rels;
  Position pos;
  int path_slot = -1;  // bound, when path_var is set
};

using Pattern = std::vector<std::shared_ptr<PatternPart>>;

// Bound: what the slots of a pattern's elements mean where it stands.
struct PatternBinding {
  std::vector<int> bound_before;  // slots bound when the pattern starts, ascending
  std::vector<int> new_slots;     // slots it binds, in the order it declared them
};

struct ReturnItem {
  ExprPtr expr;
  std::string alias;  // the column name: the alias, or the expression text
  bool has_alias = false;
};

struct SortItem {
  ExprPtr expr;
  bool descending = false;
};

struct Projection {
  bool distinct = false;
  bool star = false;
  std::vector<ReturnItem> items;
  std::vector<SortItem> order;
  ExprPtr skip, limit;
  ExprPtr where;  // WITH ... WHERE
  Position pos;

  // Bound. Row layout: the old row (old_width slots), then one column per
  // item (extended_width), then temporaries of ORDER BY and WHERE; after the
  // projection the row is the items alone (new_width).
  std::vector<ReturnItem*> bound_items;  // items, RETURN * / WITH * expanded first
  std::vector<std::unique_ptr<ReturnItem>> star_items;  // the expansion
  std::vector<const Expr*> aggregates;   // aggregate calls in the items, by their slot
  bool aggregate = false;
  size_t old_width = 0, extended_width = 0, new_width = 0;
};

struct SetItem {
  enum class Kind { kProperty, kReplaceAll, kMerge, kLabels } kind;
  ExprPtr target;  // kProperty: a property expression
  std::string var; // other kinds
  ExprPtr value;
  std::vector<std::string> labels;
  Position pos;
};

struct RemoveItem {
  bool is_labels = false;
  ExprPtr property;  // a property expression
  std::string var;
  std::vector<std::string> labels;
  Position pos;
};

enum class ClauseKind { kMatch, kUnwind, kLoadCsv, kWith, kReturn, kCreate, kMerge, kSet, kRemove, kDelete, kCall };

struct Procedure;

// CALL's YIELD field [AS alias].
struct YieldItem {
  std::string field, alias;
  Position pos;
  int slot = -1;    // bound
  int output = -1;  // bound: the field's index among the procedure's outputs
};

struct Clause {
  ClauseKind kind;
  Position pos;
  bool optional = false;    // OPTIONAL MATCH
  Pattern pattern;          // MATCH, CREATE, MERGE (one part)
  ExprPtr where;            // MATCH ... WHERE
  ExprPtr expr;             // UNWIND expr
  std::string alias;        // UNWIND / LOAD CSV ... AS alias
  bool with_headers = false;  // LOAD CSV WITH HEADERS
  char field_terminator = ',';  // LOAD CSV ... FIELDTERMINATOR
  Projection projection;    // WITH, RETURN
  std::vector<SetItem> set_items;          // SET; MERGE: on_create then on_match
  std::vector<SetItem> on_create, on_match;
  std::vector<RemoveItem> remove_items;
  std::vector<ExprPtr> delete_exprs;
  bool detach = false;
  std::string procedure;                // CALL name (dotted)
  std::vector<ExprPtr> call_args;       // CALL's arguments
  bool implicit_args = false;           // CALL name without parentheses: the parameters of the same names
  std::vector<YieldItem> yields;        // CALL ... YIELD (WHERE in `where`)
  bool yield_all = false;               // YIELD *, or a standalone CALL without YIELD
  // Bound:
  const Procedure* proc = nullptr;       // CALL
  PatternBinding bound_pattern;  // MATCH, CREATE, MERGE
  int alias_slot = -1;           // UNWIND / LOAD CSV
  size_t width = 0;              // the row's width once the clause has bound its names
  Clause(ClauseKind k, Position p) : kind(k), pos(p) {}
};

struct SingleQuery {
  std::vector<Clause> clauses;
};

enum class SchemaKind {
  kNone, kCreateIndex, kDropIndex, kCreateConstraint, kDropConstraint, kShowIndexes, kShowConstraints,
  kShowProcedures, kShowFunctions, kCreateFullTextIndex
};

struct SchemaCommand {
  SchemaKind kind = SchemaKind::kNone;
  std::string name, variable, label, property;
  // CREATE FULLTEXT INDEX: labels (or types) and properties; the analyzer
  // of OPTIONS {indexConfig: {`fulltext.analyzer`: ...}}, empty for the default.
  bool relationships = false;
  std::vector<std::string> labels, properties;
  std::string analyzer;
  bool if_not_exists = false;
  bool if_exists = false;
};

struct Statement {
  bool explain = false, profile = false;
  SchemaCommand schema;             // kind != kNone: a schema statement
  std::vector<SingleQuery> parts;   // UNION of these
  std::vector<bool> union_all;      // between parts[i] and parts[i+1]

  // Bound:
  std::vector<std::string> columns;  // the result's column names
  size_t pattern_width = 0;          // the widest row any (sub-)pattern needs
  // The pattern predicates and comprehensions, each with its binding.
  std::vector<std::pair<Expr*, PatternBinding>> sub_patterns;
  // Slots of variables whose properties some expression reads (var.key,
  // var{...}, var[k], a function of var but count() and id()): a node
  // bound there has its record read anyway.
  std::set<int> record_slots;
};

}  // namespace kg::query
