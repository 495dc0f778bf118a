// Importers for the file formats of kg/io.h that map straight onto nodes and
// relationships (CSV in the neo4j-admin convention, JSON Lines in the APOC
// convention). They write into one transaction; the caller commits.
#pragma once

#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "kg/io.h"
#include "kg/transaction.h"

namespace kg::graph {

class Importer {
 public:
  Importer(Transaction& txn, const LoadOptions& options, LoadStats* stats, uint64_t total_bytes)
      : txn_(txn), options_(options), stats_(stats), total_bytes_(total_bytes) {}

  // Node files first, then relationship files, as their headers (or kinds) say.
  Status Csv(const std::vector<LoadFile>& files);
  Status Jsonl(const LoadFile& file);

 private:
  // A bad row: fails the load, or (max_bad > 0) is written to the rejects
  // file, failing the load only once more than max_bad were rejected.
  Status Bad(const Status& reason, const std::string& row);
  void Progress(uint64_t bytes_in_file, bool force = false);

  Transaction& txn_;
  const LoadOptions& options_;
  LoadStats* stats_;
  uint64_t total_bytes_;
  uint64_t bytes_before_file_ = 0;  // bytes of the files already done
  std::ofstream rejects_;
  // id space -> file id -> node (CSV); JSONL ids live in their own space.
  std::unordered_map<std::string, std::unordered_map<std::string, NodeId>> ids_;
};

}  // namespace kg::graph
