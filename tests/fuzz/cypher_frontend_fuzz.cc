// The Cypher front end on arbitrary bytes: the lexer, the parser and the
// binder either accept the text or throw a QueryError with a position and a
// message that is valid UTF-8; nothing else (no crash, no other exception).
#include <cstdint>
#include <string_view>

#include "query/binder.h"
#include "query/parser.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    kg::query::Statement st = kg::query::Parse(text);
    kg::query::Bind(st, {});
  } catch (const kg::QueryError& e) {
    kg::fuzz::Require(kg::IsValidUtf8(e.message), "an error message that is not UTF-8: " + kg::ToValidUtf8(e.message));
    kg::fuzz::Require(!e.message.empty(), "an empty error message");
  }
  return 0;
}
