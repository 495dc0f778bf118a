// Cypher semantics on values: three-valued equality and comparison, the
// total order used by ORDER BY, equivalence and hashing for DISTINCT and
// grouping, arithmetic with overflow errors, and type names for messages.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "kg/value.h"

namespace kg::query {

// nullopt is Cypher's null.
using Ternary = std::optional<bool>;

// a = b: null if either side is (or contains, where it decides) null.
Ternary Equals(const Value& a, const Value& b);
// a < b and friends; null when the values are not comparable.
// op is one of "<", "<=", ">", ">=".
Ternary Compare(const Value& a, const Value& b, const std::string& op);
// ORDER BY's total order: <0, 0, >0. Nulls sort last ascending.
int OrderCompare(const Value& a, const Value& b);
// DISTINCT and grouping: null is equivalent to null, 1 to 1.0, NaN to NaN.
bool Equivalent(const Value& a, const Value& b);
size_t EquivalenceHash(const Value& v);

struct ValueHash {
  size_t operator()(const Value& v) const { return EquivalenceHash(v); }
};
struct ValueEquivalent {
  bool operator()(const Value& a, const Value& b) const { return Equivalent(a, b); }
};

// Arithmetic: op is one of + - * / % ^. Throws QueryError on type errors,
// integer overflow and integer division by zero.
Value Arithmetic(const std::string& op, const Value& a, const Value& b);

// "Integer", "String", "Node", ... as Cypher names types in messages.
std::string CypherTypeName(const Value& v);

}  // namespace kg::query
