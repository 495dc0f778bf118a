// The loaders on arbitrary files: the first byte picks the format (a nodes
// CSV file with a neo4j-admin header, a relationships CSV file joining the
// nodes already loaded, or JSON Lines), the rest is the file. A load either
// succeeds, or fails naming where and leaves the database as it was; kg
// check passes after each.
#include <cstdint>
#include <fstream>
#include <string_view>

#include "kg/load.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 8192) return -1;
  static kg::fuzz::FuzzDb db({}, 100);
  static const std::string base = [] {
    // Nodes with ids 1..3 in the default id space, for relationship files.
    std::string path = kg::fuzz::ScratchDir() + "/base.csv";
    std::ofstream(path) << "id:ID,name,:LABEL\n1,a,A\n2,b,B\n3,c,A;B\n";
    return path;
  }();
  const int kind = data[0] % 3;
  std::string path = kg::fuzz::ScratchDir() + (kind == 2 ? "/input.jsonl" : "/input.csv");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  auto before = db.Counts();
  kg::LoadOptions options;
  options.method = (data[0] / 3) % 2 ? kg::LoadOptions::Method::kBulk : kg::LoadOptions::Method::kTransaction;
  std::vector<kg::LoadFile> files;
  if (kind == 1) {
    files.push_back({base});
    files.push_back({path, kg::LoadFile::Kind::kRelationships});
  } else {
    files.push_back({path});
  }
  auto loaded = kg::Load(db.db(), files, options);
  if (!loaded.ok()) {
    const std::string m = loaded.status().message();
    kg::fuzz::Require(kg::IsValidUtf8(m), "an error that is not UTF-8");
    kg::fuzz::Require(loaded.status().code() != kg::StatusCode::kInternal, "an internal error: " + m);
    kg::fuzz::Require(db.Counts() == before, "a failed load changed the graph: " + m);
  }
  db.CheckAndTrim();
  return 0;
}
