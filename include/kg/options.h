// Options for opening a database and for starting a transaction.
#pragma once

#include <chrono>
#include <cstddef>

namespace kg {

struct Options {
  // Create the directory and an empty database when none exists.
  bool create_if_missing = true;
  // Fail when a database already exists in the directory.
  bool error_if_exists = false;
  // Any number of processes open a directory at once, each transaction
  // seeing every commit any of them made before it began. Reads never wait.
  // Writers take turns: a write transaction (and an index change, a bulk
  // load's ingestion) waits while another process writes, at most
  // busy_timeout, then fails with StatusCode::kBusy naming that process.
  // Between write transactions a process holds no turn.
  std::chrono::milliseconds busy_timeout{5000};
  // Open for reading only: every write fails with StatusCode::kReadOnly.
  // No write access to the directory is needed.
  bool read_only = false;
  // Memory for cached data blocks, shared by every column family.
  size_t block_cache_bytes = size_t{256} << 20;
  // Memory for the write buffer of each column family before it is flushed.
  size_t write_buffer_bytes = size_t{64} << 20;
  // Memory a bulk load or an index build holds keys in before it sorts them
  // into a run file in the database directory (an index build over many
  // nodes uses this much on each of its two threads).
  size_t sort_memory_bytes = size_t{64} << 20;
  // A commit returns once its log is on disk (fsync), so that it survives a
  // power loss or a crash of the machine. Threads committing at once share
  // one sync (group commit). Setting this to false trades that away for
  // speed: a committed transaction then survives a crash of the process,
  // but a power loss may lose the last commits before it (never part of one).
  bool sync_commits = true;
};

struct TransactionOptions {
  // A read-only transaction: a pinned snapshot that refuses every write.
  bool read_only = false;
};

}  // namespace kg
