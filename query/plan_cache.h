// PlanCache: statements parsed and bound once, with the facts their plans
// were chosen from (planner.h), kept by statement text and the names of the
// parameters given (binding depends on which are present, not on their
// values). A statement found here skips parsing, binding and the planner's
// reads of counts; its operators are still made for each run, each run
// having its own state. An entry whose facts no longer hold (an index
// created or dropped, a count doubled or halved) is planned again.
//
// Entries are immutable once made, so several threads may run one at once;
// the cache itself is guarded by a mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "query/ast.h"
#include "query/context.h"
#include "query/planner.h"

namespace kg::query {

struct CachedStatement {
  std::shared_ptr<const Statement> statement;  // parsed and bound
  bool writes = false;
  PlanFacts facts;
  // Runs since the facts were last found to hold, and when that was.
  mutable std::atomic<uint32_t> uses{0};
  mutable std::atomic<int64_t> checked_ns{0};

  // Whether a plan from these facts fits txn. The catalog's version is
  // compared each time; the counts every kRecheckUses runs or kRecheckAfter,
  // whichever comes first.
  bool Fits(const graph::GraphTxn& txn) const;
  static constexpr uint32_t kRecheckUses = 64;
  static constexpr std::chrono::milliseconds kRecheckAfter{1000};
};

class PlanCache {
 public:
  // At most max_entries statements, of at most max_bytes of text in all.
  explicit PlanCache(size_t max_entries = 1000, size_t max_bytes = size_t{16} << 20);

  // The key of a statement run with params.
  static std::string Key(std::string_view text, const Params& params);
  // Statements longer than this are not kept.
  static constexpr size_t kMaxTextBytes = 64 << 10;

  std::shared_ptr<const CachedStatement> Find(const std::string& key);
  void Put(const std::string& key, std::shared_ptr<const CachedStatement> entry);
  void Clear();

  struct Stats {
    uint64_t hits = 0, misses = 0, replans = 0;
    size_t entries = 0;
  };
  Stats stats() const;
  void CountReplan();

 private:
  using Lru = std::list<std::pair<std::string, std::shared_ptr<const CachedStatement>>>;
  void Evict();  // REQUIRES: mu_ held

  const size_t max_entries_, max_bytes_;
  mutable std::mutex mu_;
  Lru lru_;  // most recent first
  std::unordered_map<std::string_view, Lru::iterator> index_;  // views of the keys in lru_
  size_t bytes_ = 0;
  Stats stats_;
};

}  // namespace kg::query
