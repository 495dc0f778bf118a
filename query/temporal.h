// Cypher's temporal functions and operators over the values of
// kg/temporal.h: the constructors (date(), datetime({...}), ...), truncate,
// duration.between and its kin, the accessors (d.year, dur.days, ...), the
// arithmetic (temporal +- duration, duration * number) and the comparisons.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "kg/value.h"
#include "query/functions.h"

namespace kg::query {

struct Expr;

// The temporal functions, for the function registry.
std::span<const Function> TemporalFunctions();

// v.key for a temporal value v; throws a located error for a key the kind
// of value does not have.
Value TemporalProperty(const Value& v, const std::string& key, const Expr& at);

// a op b when either is a temporal value (op one of + - * /), or nullopt
// when neither is. Throws for operands that do not combine.
std::optional<Value> TemporalArithmetic(const std::string& op, const Value& a, const Value& b);

// Orders two temporal values of one type that Cypher compares (all but
// durations): <0, 0 or >0.
int CompareTemporal(const Value& a, const Value& b);
// The total order ORDER BY uses within one temporal type, durations too.
int OrderTemporal(const Value& a, const Value& b);
size_t TemporalHash(const Value& v);

}  // namespace kg::query
