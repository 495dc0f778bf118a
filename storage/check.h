// Integrity check over one snapshot of a store: every cross-reference the
// write path maintains is verified against the records themselves.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/store_transaction.h"

namespace kg::storage {

struct IntegrityReport {
  uint64_t nodes = 0, edges = 0, index_entries = 0;
  std::vector<std::string> problems;  // each names the element and what is wrong
};

// Reads through txn (a read-only transaction's snapshot). Checks: records
// decode; each edge's endpoints exist and its out and in keys exist; every
// out/in key has its edge with the same endpoints and type; the label
// family matches the nodes' labels; every index holds exactly the entries
// of the nodes it covers (and unique ones no duplicates); node, edge,
// label and type counters match the data. Stops listing after max_problems.
Status CheckIntegrity(const StoreTransaction& txn, IntegrityReport* report, size_t max_problems = 100);

}  // namespace kg::storage
