// The function registry: one entry per function, found by any case, its
// arity checked when the statement is compiled.
#include <algorithm>
#include <cctype>
#include <set>

#include <catch2/catch.hpp>

#include "kg/kg.h"
#include "query/functions.h"
#include "tests/test_util.h"

namespace kg::query {
namespace {

TEST_CASE("every registered function is found by its name in any case, and names are distinct", "[query][functions]") {
  std::set<std::string> seen;
  for (const Function& f : Functions()) {
    std::string upper(f.name), lower(f.name);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    INFO(f.name);
    CHECK(seen.insert(lower).second);
    CHECK(FindFunction(upper) == &f);
    CHECK(FindFunction(lower) == &f);
    CHECK(f.min_args <= f.max_args);
    CHECK((f.kind == FunctionKind::kScalar) == (f.impl != nullptr));
    CHECK((f.kind == FunctionKind::kAggregate) == (f.aggregate != Aggregate::kNone));
    CHECK((f.kind == FunctionKind::kSpecial) == (f.special != SpecialForm::kNone));
  }
  CHECK(FindFunction("noSuchFunction") == nullptr);
  CHECK(!FindFunction("rand")->deterministic);
}

TEST_CASE("calls are checked against the registry when compiled", "[query][functions]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection conn(*db);
  auto r = conn.Execute("RETURN toUpper('a') AS a, TOUPPER('b') AS b, Coalesce(null, 3) AS c, size([1, 2]) AS d");
  REQUIRE(r.ok());
  CHECK(r.rows()[0] == std::vector<Value>{Value("A"), Value("B"), Value(3), Value(2)});
  r = conn.Execute("RETURN substring('abc')");
  REQUIRE(!r.ok());
  CHECK(r.error().detail == "InvalidNumberOfArguments");
  CHECK(r.error().message == "function substring takes 2 to 3 argument(s), got 1");
  r = conn.Execute("RETURN coalesce()");
  CHECK(r.error().message == "function coalesce takes 1 or more argument(s), got 0");
  r = conn.Execute("RETURN nope(1)");
  CHECK(r.error().detail == "UnknownFunction");
  CHECK(r.error().column == 8);
}

}  // namespace
}  // namespace kg::query
