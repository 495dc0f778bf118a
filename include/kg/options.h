// Options for opening a database and for starting a transaction.
#pragma once

#include <cstddef>

namespace kg {

struct Options {
  // Create the directory and an empty database when none exists.
  bool create_if_missing = true;
  // Fail when a database already exists in the directory.
  bool error_if_exists = false;
  // Open for reading only: every write fails with StatusCode::kReadOnly.
  // Any number of read-only processes open a directory at once, beside the
  // one process that has it open for writing; each transaction sees every
  // commit made before it began. No write access to the directory is needed.
  bool read_only = false;
  // Memory for cached data blocks, shared by every column family.
  size_t block_cache_bytes = size_t{256} << 20;
  // Memory for the write buffer of each column family before it is flushed.
  size_t write_buffer_bytes = size_t{64} << 20;
  // Memory a bulk load or an index build holds keys in before it sorts them
  // into a run file in the database directory (an index build over many
  // nodes uses this much on each of its two threads).
  size_t sort_memory_bytes = size_t{64} << 20;
  // fsync the log on each commit. Without it a committed transaction survives
  // a crash of the process but not necessarily a crash of the machine.
  bool sync_commits = false;
};

struct TransactionOptions {
  // A read-only transaction: a pinned snapshot that refuses every write.
  bool read_only = false;
};

}  // namespace kg
