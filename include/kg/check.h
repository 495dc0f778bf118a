// Integrity check: both adjacency directions agree, every edge's endpoints
// exist, label and type counts and every index match the data. Returns the
// problems found (empty: all is well); fails only when the check itself
// cannot read the database.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kg/database.h"
#include "kg/status.h"

namespace kg {

struct CheckReport {
  uint64_t nodes = 0, relationships = 0, index_entries = 0;
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};
Result<CheckReport> Check(Database& db);

}  // namespace kg
