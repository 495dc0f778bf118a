#include "query/plan_cache.h"

namespace kg::query {

bool CachedStatement::Fits(const graph::GraphTxn& txn) const {
  if (txn.schema_version() != facts.schema_version) return false;
  if (facts.counts.empty()) return true;
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  bool due = uses.fetch_add(1, std::memory_order_relaxed) + 1 >= kRecheckUses ||
             now - checked_ns.load(std::memory_order_relaxed) >=
                 std::chrono::duration_cast<std::chrono::nanoseconds>(kRecheckAfter).count();
  if (!due) return true;
  uses.store(0, std::memory_order_relaxed);
  checked_ns.store(now, std::memory_order_relaxed);
  return facts.Hold(txn);
}

PlanCache::PlanCache(size_t max_entries, size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}

std::string PlanCache::Key(std::string_view text, const Params& params) {
  // The text, then each parameter's name: names hold no NUL, and a NUL
  // in the text stays apart from them by the count at the end.
  std::string key(text);
  for (const auto& [name, value] : params) {
    key.push_back('\0');
    key += name;
  }
  key.push_back('\0');
  key += std::to_string(params.size());
  return key;
}

std::shared_ptr<const CachedStatement> PlanCache::Find(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void PlanCache::Put(const std::string& key, std::shared_ptr<const CachedStatement> entry) {
  if (key.size() > kMaxTextBytes || max_entries_ == 0) return;
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->second = std::move(entry);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(key, std::move(entry));
  index_.emplace(lru_.front().first, lru_.begin());
  bytes_ += key.size();
  Evict();
}

void PlanCache::Evict() {
  while (!lru_.empty() && (lru_.size() > max_entries_ || bytes_ > max_bytes_)) {
    auto& last = lru_.back();
    index_.erase(last.first);
    bytes_ -= last.first.size();
    lru_.pop_back();
  }
}

void PlanCache::Clear() {
  std::lock_guard lock(mu_);
  index_.clear();
  lru_.clear();
  bytes_ = 0;
}

PlanCache::Stats PlanCache::stats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.entries = lru_.size();
  return s;
}

void PlanCache::CountReplan() {
  std::lock_guard lock(mu_);
  ++stats_.replans;
}

}  // namespace kg::query
