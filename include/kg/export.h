// Exporting a database, or the subgraph a query returns, to files.
//
//   std::ofstream out("graph.jsonl");
//   auto stats = kg::Export(*db, {.format = kg::ExportFormat::kJsonl}, out);
//
// Formats: JSON Lines in the APOC convention, CSV in the neo4j-admin
// convention, Cypher statements, GraphML and Graphviz dot. The JSON Lines,
// Cypher and CSV exports carry the indexes and constraints too (CSV: in a
// schema.cypher file beside the data), and kg::Load makes them again.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "kg/database.h"
#include "kg/status.h"
#include "kg/value.h"

namespace kg {

enum class ExportFormat { kJsonl, kCsv, kCypher, kGraphml, kDot };

// Parses "jsonl", "csv", "cypher", "graphml" or "dot".
bool ParseExportFormat(const std::string& name, ExportFormat* format);

struct ExportOptions {
  ExportFormat format = ExportFormat::kJsonl;
  // Empty: the whole graph. Otherwise a query whose returned nodes,
  // relationships and paths (also inside lists and maps) make the subgraph;
  // the end nodes of returned relationships are included.
  // It must only read: one that would write fails the export, and nothing
  // is written.
  std::string query;
  ValueMap params;
};

struct ExportStats {
  uint64_t nodes = 0, relationships = 0;
  std::vector<std::string> files;  // CSV: the files written
};

// Writes to out (jsonl, cypher, graphml, dot). CSV needs several files
// (one per label set and per relationship type): use ExportCsv.
Result<ExportStats> Export(Database& db, const ExportOptions& options, std::ostream& out);
// Writes nodes_*.csv and relationships_*.csv into directory (created if
// missing) in the header convention Load reads.
Result<ExportStats> ExportCsv(Database& db, const ExportOptions& options, const std::string& directory);

}  // namespace kg
