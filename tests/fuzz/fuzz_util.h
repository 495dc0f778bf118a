// What the fuzz targets share: a database in a temporary directory that is
// removed at exit, and checks that hold whatever the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kg/check.h"
#include "kg/connection.h"
#include "kg/database.h"
#include "kg/utf8.h"

namespace kg::fuzz {

// Stops the run, so that libFuzzer saves the input, with what went wrong.
[[noreturn]] inline void Fail(const std::string& what) {
  std::fprintf(stderr, "kg fuzz: %s\n", what.c_str());
  std::abort();
}

inline void Require(bool ok, const std::string& what) {
  if (!ok) Fail(what);
}

// A directory under $TMPDIR removed when the process exits.
inline const std::string& ScratchDir() {
  // Never freed: the exit handler that removes it runs after static objects are gone.
  static const std::string* dir = [] {
    auto* base = new std::string((std::filesystem::temp_directory_path() / "kg-fuzz-XXXXXX").string());
    if (!mkdtemp(base->data())) Fail("cannot make a temporary directory");
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(ScratchDir(), ec);
    });
    return base;
  }();
  return *dir;
}

// The database every input of a target runs against, made by the setup
// statements, and made again, in a new directory, whenever it holds more
// than max_elements nodes and relationships: faster than deleting what an
// input multiplied, and it keeps each input's check short.
class FuzzDb {
 public:
  FuzzDb(std::vector<std::string> setup, uint64_t max_elements)
      : setup_(std::move(setup)), max_elements_(max_elements) {
    Reset();
  }
  Database& db() { return *db_; }
  Connection& conn() { return *conn_; }

  // The number of nodes and relationships now, as the store maintains them
  // (constant time; CheckAndTrim proves them equal to the data).
  std::pair<int64_t, int64_t> Counts() {
    TransactionOptions read;
    read.read_only = true;
    auto txn = db_->Begin(read);
    if (!txn.ok()) Fail("begin: " + txn.status().ToString());
    auto nodes = txn->CountNodes();
    auto edges = txn->CountEdges();
    Require(nodes.ok() && edges.ok(), "counting failed");
    return {static_cast<int64_t>(*nodes), static_cast<int64_t>(*edges)};
  }

  // kg check finds nothing wrong; the graph is made again when large.
  void CheckAndTrim() {
    auto report = Check(*db_);
    if (!report.ok()) Fail("check failed to run: " + report.status().ToString());
    if (!report->ok()) Fail("check: " + report->problems.front());
    if (report->nodes + report->relationships > max_elements_) Reset();
  }

 private:
  void Reset() {
    conn_.reset();
    db_.reset();
    std::string dir = ScratchDir() + "/db" + std::to_string(generation_++);
    std::error_code ec;
    std::filesystem::remove_all(ScratchDir() + "/db" + std::to_string(generation_ - 2), ec);
    Options options;
    options.sync_commits = false;  // a crash of the machine is not what is tested here
    // A small graph: the fuzzer's memory is for the fuzzer. Small write
    // buffers and sort budget also make memtables fill and bulk loads
    // spill into several sorted runs.
    options.block_cache_bytes = size_t{8} << 20;
    options.write_buffer_bytes = size_t{1} << 20;
    options.sort_memory_bytes = size_t{256} << 10;
    auto db = Database::Open(dir, options);
    if (!db.ok()) Fail("open: " + db.status().ToString());
    db_ = std::move(*db);
    conn_ = std::make_unique<Connection>(*db_);
    for (const std::string& statement : setup_) {
      QueryResult made = conn_->Execute(statement);
      Require(made.ok(), "setup: " + made.error().pretty);
    }
  }

  std::vector<std::string> setup_;
  uint64_t max_elements_;
  int generation_ = 0;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace kg::fuzz
