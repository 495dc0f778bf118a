// The importer's map from file ids to node ids: ids up to 16 bytes live in
// their slots, longer ones in an arena; both must be found after the table
// grows, and nothing else may be.
#include <algorithm>
#include <random>
#include <string>
#include <vector>
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
  // Made room for many more at once, it still finds them all, and takes
  // more by their hashes.
  CHECK(map.size() == want.size());
  map.Reserve(map.size() * 5);
  for (const auto& [id, node] : want) REQUIRE(map.Find(id) == node);
  CHECK(map.Insert("by hash", IdMap::Hash("by hash"), 99999));
  CHECK(!map.Insert("by hash", IdMap::Hash("by hash"), 1));
  CHECK(map.Find("by hash") == 99999);
  CHECK(map.Find("") == 0);
  CHECK(map.Find("not there") == 0);
  CHECK(map.Find(std::string(17, 'a') + "-") == 0);
  IdMap empty;
  CHECK(empty.Find("x") == 0);
  CHECK(empty.Insert("", 9));
  CHECK(empty.Find("") == 9);
}

TEST_CASE("the id map tells apart ids that differ in any byte, zero bytes included", "[import]") {
  // Short ids are compared as zero-padded words: an id ending in zero
  // bytes must not match a shorter one, nor ids that differ only past
  // their eighth byte match each other.
  IdMap map;
  std::vector<std::string> ids;
  for (size_t len = 0; len <= 18; ++len)
    for (char last : {'\0', 'a', 'b'}) {
      std::string id(len, 'k');
      if (len > 0) id.back() = last;
      ids.push_back(id);
    }
  ids.push_back(std::string("a\0", 2));
  ids.push_back(std::string("a\0\0", 3));
  ids.push_back(std::string(16, '\0'));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  IdMap empty;
  empty.Prefetch(IdMap::Hash("x"));  // nothing to load: must not touch memory
  CHECK(empty.Find("x", IdMap::Hash("x")) == 0);
  for (size_t i = 0; i < ids.size(); ++i) REQUIRE(map.Insert(ids[i], i + 1));
  for (size_t i = 0; i < ids.size(); ++i) {
    INFO(i);
    map.Prefetch(IdMap::Hash(ids[i]));
    CHECK(map.Find(ids[i]) == i + 1);
    CHECK(map.Find(ids[i], IdMap::Hash(ids[i])) == i + 1);
  }
  CHECK(map.Find(std::string("a\0\0\0", 4)) == 0);
  CHECK(map.Find(std::string(15, '\0')) == 0);
  CHECK(map.Find(std::string(17, '\0')) == 0);
}

}  // namespace
}  // namespace kg::graph
