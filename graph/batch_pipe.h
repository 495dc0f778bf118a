// BatchPipe: batches handed to a thread of its own. The caller fills one
// batch while the thread works through the one before (double buffering),
// so producing rows and writing them overlap. The first error the work
// returns is kept: later hand-overs return it and the work stops.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "kg/status.h"

namespace kg::graph {

// Batch needs empty() and clear().
template <class Batch>
class BatchPipe {
 public:
  explicit BatchPipe(std::function<Status(Batch&)> work) : work_(std::move(work)) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~BatchPipe() { (void)Close(); }
  BatchPipe(const BatchPipe&) = delete;
  BatchPipe& operator=(const BatchPipe&) = delete;

  // The batch being filled.
  Batch& batch() { return filling_; }

  // Hands the filled batch to the thread, once it is done with the one
  // before; returns the first error of the work so far.
  Status Hand() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !full_; });
    if (!status_.ok() || filling_.empty()) return status_;
    std::swap(working_, filling_);
    filling_.clear();
    full_ = true;
    cv_.notify_all();
    return Status::OK();
  }

  // Hands what is left, waits for the work to finish and stops the thread.
  Status Close() {
    Status s = thread_.joinable() ? Hand() : Status::OK();
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    return s.ok() ? status_ : s;
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return full_ || stop_; });
      if (!full_) return;
      lock.unlock();
      Status s = work_(working_);
      lock.lock();
      if (!s.ok() && status_.ok()) status_ = s;
      full_ = false;
      cv_.notify_all();
    }
  }

  std::function<Status(Batch&)> work_;
  Batch filling_, working_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool full_ = false, stop_ = false;
  Status status_;
  std::thread thread_;
};

}  // namespace kg::graph
