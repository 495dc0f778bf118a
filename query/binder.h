// Binder: the stage between the parser and the planner. One pass over the
// whole statement resolves every name once and writes what it found into the
// tree (the fields ast.h marks "bound"): each variable's row slot, each
// function call's registry entry, the slots of pattern elements, the scope
// of each WITH and RETURN (star expanded, aggregates collected, ORDER BY
// and WHERE resolved against the right names), the result's columns. It
// reports the compile-time errors of openCypher: undefined and conflicting
// variables, clause composition, aggregation rules, unknown functions and
// wrong arities, missing parameters, arguments whose types are evident.
// The planner (planner.h) then reads the bound tree.
#pragma once

#include "query/ast.h"
#include "query/context.h"

namespace kg::query {

// Binds st in place. Throws QueryError.
void Bind(Statement& st, const Params& params);

// Whether st has a clause that writes (CREATE, MERGE, SET, REMOVE, DELETE):
// one that does not runs in a read-only transaction.
bool Writes(const Statement& st);

}  // namespace kg::query
