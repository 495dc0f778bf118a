// internal::Access: how graph/ and query/ reach the implementation behind a
// public handle. Not part of the public API.
#pragma once

#include <memory>

#include "kg/database.h"
#include "kg/transaction.h"

namespace kg::internal {

struct Access {
  static Transaction::Impl& Of(const Transaction& txn) { return *txn.impl_; }
  static std::shared_ptr<Transaction::Impl> Shared(const Transaction& txn) { return txn.impl_; }
  static Transaction Wrap(std::shared_ptr<Transaction::Impl> impl) { return Transaction(std::move(impl)); }
  // Lets go of txn's transaction without ending it.
  static void Release(Transaction& txn) { txn.impl_.reset(); }
  static Database::Impl& Of(const Database& db) { return *db.impl_; }
  // Templates so that the Impl types need to be complete only where used.
  template <class CursorImpl>
  static NodeCursor MakeNodeCursor(std::unique_ptr<CursorImpl> impl) { return NodeCursor(std::move(impl)); }
  template <class CursorImpl>
  static EdgeCursor MakeEdgeCursor(std::unique_ptr<CursorImpl> impl) { return EdgeCursor(std::move(impl)); }
};

}  // namespace kg::internal
