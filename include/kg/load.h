// Loading files into a database.
//
//   auto stats = kg::Load(*db, {{"people.csv"}, {"knows.csv"}});
//   if (!stats.ok()) std::cerr << stats.status().ToString() << "\n";
//
// Formats (chosen from the extension unless LoadOptions::format says):
// - CSV (.csv, .tsv) in the neo4j-admin import header convention:
//     nodes:         id:ID(space),:LABEL,name,age:int,score:float,tags:string[]
//     relationships: :START_ID(space),:END_ID(space),:TYPE,since:int
//   A file with an :ID column holds nodes, one with :START_ID and :END_ID
//   relationships (or say so with LoadFile::Kind). Node files load first.
//   An empty unquoted field means "no property"; "" is the empty string.
// - JSON Lines (.jsonl, .json) in the APOC export convention: one object per
//   line, {"type":"node","id":..,"labels":[..],"properties":{..}} or
//   {"type":"relationship","label":..,"start":{"id":..},"end":{"id":..},"properties":{..}}.
// - Cypher scripts (.cypher, .cql): statements separated by ';'. Index and
//   constraint creations run first, then the rest in one transaction, then
//   drops; a failed script also takes back the indexes it created.
//
// A load is atomic: any bad row (malformed line, unknown id, wrong type,
// duplicate key) fails it with file:line:column, the value and what was
// expected, and the database stays exactly as it was. With max_bad > 0, bad
// CSV and JSONL rows are instead written with their reasons to a rejects
// file, and the load fails only after more than max_bad of them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kg/database.h"
#include "kg/status.h"

namespace kg {

enum class FileFormat { kAuto, kCsv, kJsonl, kCypher };

struct LoadFile {
  std::string path;
  enum class Kind { kAuto, kNodes, kRelationships } kind = Kind::kAuto;
};

struct LoadProgress {
  uint64_t rows = 0;         // records read so far
  uint64_t bytes = 0;        // bytes read so far
  uint64_t total_bytes = 0;  // size of all the files
};

struct LoadOptions {
  FileFormat format = FileFormat::kAuto;
  // Bad rows tolerated (CSV and JSONL); 0: the first one fails the load.
  uint64_t max_bad = 0;
  // Where rejected rows go; empty: "<first file>.rejects".
  std::string rejects_path;
  // Called every few thousand rows and once at the end.
  std::function<void(const LoadProgress&)> progress;
  // How CSV and JSON Lines rows are written. kTransaction: one ordinary
  // transaction, held in memory until it commits. kBulk: records, adjacency,
  // label and index keys go into sorted files (spilled to disk past a fixed
  // memory budget) that are ingested into the store in one atomic step;
  // relationships may join only nodes of the same load. kAuto: kBulk from
  // 4 MiB of input.
  enum class Method { kAuto, kTransaction, kBulk } method = Method::kAuto;
};

struct LoadStats {
  uint64_t nodes = 0, relationships = 0, rows = 0, rejected = 0, statements = 0;
  double seconds = 0;
  bool bulk = false;  // written through the bulk path
  std::string rejects_path;  // set when rows were rejected
};

// What a load that succeeded did. A load that fails changes nothing.
Result<LoadStats> Load(Database& db, const std::vector<LoadFile>& files, const LoadOptions& options = {});

}  // namespace kg
