// Auto-parameters: the literals of a statement's text that can be told
// apart from its shape, replaced by parameters, so that statements written
// with their values inline (MATCH (n:Person {id: 'per1'}) ..., one per
// value, as scripts and pipelines write them) share one parsed and planned
// statement in the plan cache.
//
// A literal is taken only where a parameter means the same to every stage:
// a string or a decimal integer that is a whole operand, right after ':' (a
// property map's value) or a comparison or assignment (=, <>, <, >, <=, >=),
// and right before what ends an operand (',', '}', ')', ';', the end, or a
// clause or boolean keyword). Anything else stays literal: list indexes,
// path lengths, LIMIT, function arguments, operands of arithmetic.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kg/value.h"
#include "query/query_error.h"

namespace kg::query {

struct AutoParameters {
  std::string text;           // the statement with each literal replaced by $`  N`
  std::vector<Value> values;  // literal N's value
  struct Splice {
    int at = 0, length = 0;        // in text
    int original_at = 0, original_length = 0;
  };
  std::vector<Splice> splices;

  // The name of literal i's parameter (no parameter written in a statement
  // has it: it begins with spaces).
  static std::string Name(size_t i);
  // Whether name is one of these names.
  static bool IsName(std::string_view name);
  // An error raised by text, told in the original's terms: its position
  // moved back over the splices (line and column counted again in
  // original), and each parameter in its message written as its literal.
  QueryError ToOriginal(const QueryError& e, std::string_view original) const;
};

// nullopt when the text has no such literal, or does not tokenize (running
// it says why).
std::optional<AutoParameters> Parameterize(std::string_view text);

}  // namespace kg::query
