// Loading CSV and JSON Lines files (kg/load.h): through the bulk writer or
// one transaction, as LoadOptions::method and the input's size say.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kg/database.h"
#include "kg/load.h"

namespace kg::graph {

// Fills stats as the load goes (rows, rejects, the method); the caller
// times it. A load that fails leaves the database as it was.
Status LoadData(Database& db, const std::vector<LoadFile>& csv, const std::vector<LoadFile>& jsonl,
                const LoadOptions& options, uint64_t total_bytes, LoadStats* stats);

// The indexes and constraints the leading lines of a JSON Lines file
// declare ({"type": "index" | "constraint", "name", "label", "property"}),
// appended to specs; LoadData skips those lines.
Status SchemaLines(const std::string& path, std::vector<IndexSpec>* specs, std::vector<FullTextIndexSpec>* fulltext);

}  // namespace kg::graph
