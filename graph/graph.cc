#include "graph/graph.h"

#include <algorithm>

#include "graph/access.h"
#include "graph/database_impl.h"
#include "graph/transaction_impl.h"
#include "storage/records.h"

namespace kg::graph {

const Value* FindProperty(PropertySpan props, uint32_t key) { return storage::FindProperty(props, key); }

bool NodeData::HasLabel(uint32_t label) const { return std::binary_search(labels.begin(), labels.end(), label); }

Result<std::shared_ptr<GraphTxn>> Begin(const Database& db, bool read_only, const std::atomic<bool>* cancel) {
  auto txn = Transaction::Impl::Begin(internal::Access::Of(db).store, read_only, cancel);
  if (!txn.ok()) return txn.status();
  return std::shared_ptr<GraphTxn>(std::move(*txn));
}

Status WithTransaction(GraphTxn& txn, FunctionRef<Status(const Transaction&)> fn) {
  Transaction shared = internal::Access::Wrap(std::static_pointer_cast<Transaction::Impl>(txn.shared_from_this()));
  struct Release {
    Transaction& t;
    ~Release() { internal::Access::Release(t); }
  } release{shared};
  return fn(shared);
}

GraphTxn& Of(const Transaction& txn) { return internal::Access::Of(txn); }

}  // namespace kg::graph
