// Writers for the export formats of kg/export.h, over one transaction's
// snapshot: the whole graph, or the nodes and relationships of a selection.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "kg/database.h"
#include "kg/export.h"
#include "kg/transaction.h"

namespace kg::graph {

struct Selection {
  bool everything = true;
  std::vector<NodeId> nodes;  // when !everything; sorted, unique
  std::vector<EdgeId> edges;  // when !everything; sorted, unique
};

// schema: the indexes and constraints to write before the data (JSON
// Lines and Cypher) or into schema.cypher (CSV); GraphML and dot have none.
Status WriteExport(const Transaction& txn, const Selection& selection, const std::vector<IndexInfo>& schema,
                   ExportFormat format, std::ostream& out, ExportStats* stats);
Status WriteCsvExport(const Transaction& txn, const Selection& selection, const std::vector<IndexInfo>& schema,
                      const std::string& directory, ExportStats* stats);

}  // namespace kg::graph
