#include "graph/sorted_keys.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include <catch2/catch.hpp>

#include "tests/test_util.h"

using namespace kg;
using kg::graph::SortedKeys;

namespace {

std::string RandomKey(std::mt19937_64& rng) {
  std::string k(rng() % 24, '\0');
  for (char& c : k) c = static_cast<char>(rng() % 4 == 0 ? 0xff : rng() % 3);  // few distinct bytes: shared prefixes
  return k;
}

size_t FilesIn(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return 0;
  return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

}  // namespace

TEST_CASE("sorted keys come back in byte order from memory and spilled runs", "[graph][sorted_keys]") {
  kg::test::TempDir dir;
  std::string runs = dir.path() + "/runs";
  std::mt19937_64 rng(GENERATE(1, 2, 3));
  const size_t budget = GENERATE(size_t{0}, size_t{512}, size_t{1} << 20);
  SortedKeys a(runs, "a", budget), b(runs, "b", budget);
  std::vector<std::string> all;
  for (int i = 0; i < 5000; ++i) {
    all.push_back(RandomKey(rng));
    SortedKeys& part = rng() % 3 == 0 ? b : a;
    REQUIRE(part.Add(all.back()).ok());
  }
  if (budget == 512) {
    REQUIRE(a.runs() > 10);
    REQUIRE(b.runs() > 5);
    REQUIRE(FilesIn(runs) == static_cast<size_t>(a.runs() + b.runs()));
  } else {
    REQUIRE(a.runs() + b.runs() == 0);
  }
  // The owner may spill whatever it holds, too.
  REQUIRE(b.Spill().ok());
  REQUIRE(a.count() + b.count() == all.size());

  std::vector<std::string> got;
  SortedKeys* parts[] = {&a, &b};
  REQUIRE(SortedKeys::Merge(parts, [&](std::string_view k) {
            got.emplace_back(k);
            return Status::OK();
          }).ok());
  std::sort(all.begin(), all.end());
  REQUIRE(got == all);
  // Read once: the runs are gone and the parts empty.
  REQUIRE(FilesIn(runs) == 0);
  REQUIRE(a.count() + b.count() == 0);
}

TEST_CASE("a merge stops at the first error its caller returns", "[graph][sorted_keys]") {
  kg::test::TempDir dir;
  SortedKeys keys(dir.path(), "k", 16);
  for (std::string k : {"d", "a", "c", "b", "e"}) REQUIRE(keys.Add(k).ok());
  REQUIRE(keys.runs() > 0);
  std::string seen;
  SortedKeys* parts[] = {&keys};
  Status s = SortedKeys::Merge(parts, [&](std::string_view k) {
    seen += k;
    return k == "c" ? Status::InvalidArgument("stop at c") : Status::OK();
  });
  REQUIRE(s.message() == "stop at c");
  REQUIRE(seen == "abc");
}

TEST_CASE("a run file that cannot be written is an error naming it", "[graph][sorted_keys]") {
  kg::test::TempDir dir;
  std::string blocked = dir.path() + "/file";
  { std::ofstream(blocked) << "x"; }
  SortedKeys keys(blocked + "/runs", "k");  // its directory cannot be made under a file
  REQUIRE(keys.Add("a").ok());
  Status s = keys.Spill();
  REQUIRE(!s.ok());
  REQUIRE(s.message().find(blocked) != std::string::npos);
}
