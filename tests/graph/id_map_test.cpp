// The importer's map from file ids to node ids: ids up to 16 bytes live in
// their slots, longer ones in an arena; both must be found after the table
// grows, and nothing else may be.
#include <random>
#include <unordered_map>

#include <catch2/catch.hpp>

#include "graph/import.h"

namespace kg::graph {
namespace {

TEST_CASE("the id map finds every id it was given, short and long", "[import]") {
  std::mt19937 rng(3);
  IdMap map;
  std::unordered_map<std::string, NodeId> want;
  for (NodeId node = 1; node <= 50000; ++node) {
    std::string id(rng() % 40, 'x');
    for (char& c : id) c = static_cast<char>('a' + rng() % 3);
    id += std::to_string(node % 7000);  // many ids share a long prefix; some repeat
    bool fresh = want.emplace(id, node).second;
    REQUIRE(map.Insert(id, node) == fresh);
  }
  for (const auto& [id, node] : want) REQUIRE(map.Find(id) == node);
  CHECK(map.Find("") == 0);
  CHECK(map.Find("not there") == 0);
  CHECK(map.Find(std::string(17, 'a') + "-") == 0);
  IdMap empty;
  CHECK(empty.Find("x") == 0);
  CHECK(empty.Insert("", 9));
  CHECK(empty.Find("") == 9);
}

}  // namespace
}  // namespace kg::graph
