#include "graph/transaction_impl.h"
#include "graph/access.h"
#include "graph/database_impl.h"
#include "kg/check.h"
#include "storage/check.h"

namespace kg {

Result<CheckReport> Check(Database& db) {
  Transaction::Impl txn(internal::Access::Of(db).store, true);
  storage::IntegrityReport r;
  if (Status s = storage::CheckIntegrity(txn.kv(), &r); !s.ok()) return s;
  CheckReport out;
  out.nodes = r.nodes;
  out.relationships = r.edges;
  out.index_entries = r.index_entries;
  out.problems = std::move(r.problems);
  return out;
}

}  // namespace kg
