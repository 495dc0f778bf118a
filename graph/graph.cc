#include "graph/graph.h"

#include <algorithm>

#include "graph/access.h"
#include "graph/database_impl.h"
#include "graph/transaction_impl.h"
#include "storage/records.h"

namespace kg::graph {

const Value* FindProperty(PropertySpan props, uint32_t key) { return storage::FindProperty(props, key); }

bool NodeData::HasLabel(uint32_t label) const { return std::binary_search(labels.begin(), labels.end(), label); }

std::shared_ptr<GraphTxn> Begin(const Database& db, bool read_only) {
  return std::make_shared<Transaction::Impl>(internal::Access::Of(db).store, read_only);
}

GraphTxn& Of(const Transaction& txn) { return internal::Access::Of(txn); }

}  // namespace kg::graph
