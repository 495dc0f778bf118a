// The procedure registry: every procedure CALL can run, by name, with its
// arguments, its output fields and its implementation. Adding a procedure
// is one entry in procedures.cc. The binder finds a call's entry once and
// keeps it in the clause; the ProcedureCall operator runs it per row.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kg/value.h"

namespace kg::query {

struct ExecContext;

struct ProcedureField {
  std::string_view name;
  std::string_view type;  // as SHOW PROCEDURES prints it: STRING, NODE, MAP?, ...
};

// One call: its evaluated arguments (optional ones missing at the end are
// null), and emit, which takes one row of output fields (in the entry's
// order) and returns false once no more rows are wanted.
struct ProcedureCall {
  ExecContext& ctx;
  std::vector<Value> args;
  const std::function<bool(std::vector<Value>& fields)>& emit;
};

struct Procedure {
  std::string_view name;  // namespaced, as documented (db.labels); calls match it case-insensitively
  std::span<const ProcedureField> args;
  size_t required_args;  // the rest may be left out
  std::span<const ProcedureField> outputs;
  std::string_view description;
  // Throws QueryError (e.g. for a wrong argument).
  void (*impl)(ProcedureCall& call) = nullptr;
};

// The procedure called name (any case), or nullptr.
const Procedure* FindProcedure(std::string_view name);
// Every procedure, in name order.
std::span<const Procedure> Procedures();
// "db.labels() :: (label :: STRING)"
std::string Signature(const Procedure& p);

}  // namespace kg::query
