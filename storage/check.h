// The storage half of `kg check`, over one snapshot: every record and key
// of every family has the shape the format defines. Records decode; the
// relationship family's keys are single records or blocks, in id order,
// blocks only within a bulk load's range; adjacency blocks parse. What the
// records say of one another (ends exist, adjacency, labels, indexes,
// counts) is checked above, through the graph interface (graph/check.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/store_transaction.h"

namespace kg::storage {

// Appends each problem found (up to max_problems in all) to *problems.
// Fails only when the store cannot be read.
Status CheckFormat(const StoreTransaction& txn, std::vector<std::string>* problems, size_t max_problems = 100);

}  // namespace kg::storage
