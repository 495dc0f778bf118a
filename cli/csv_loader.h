// Loads CSV files in the neo4j-admin import header convention:
//   nodes:          id:ID(space),:LABEL,name,age:int,score:float,tags:string[]
//   relationships:  :START_ID(space),:END_ID(space),:TYPE,since:int
// A file is a node file when its header has an :ID column, a relationship
// file when it has :START_ID and :END_ID. Node files load before
// relationship files. The whole load is one transaction: any bad row fails
// it with file:line:column, the value and what was expected, and the
// database stays as it was.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "kg/database.h"

namespace kg::cli {

struct LoadFile {
  std::string path;
  enum class Kind { kAuto, kNodes, kRelationships } kind = Kind::kAuto;
};

struct LoadStats {
  uint64_t nodes = 0, relationships = 0, rows = 0;
  double seconds = 0;
};

// progress(rows so far) is called now and then, for a progress display.
Status LoadCsv(Database& db, const std::vector<LoadFile>& files, LoadStats* stats,
               const std::function<void(uint64_t)>& progress = {});

}  // namespace kg::cli
