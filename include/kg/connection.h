// Connection: runs Cypher statements against a Database.
//
//   kg::Connection conn(*db);
//   auto r = conn.Execute("MATCH (p:Province {name: $name}) RETURN p.code", {{"name", "Yunnan"}});
//   if (!r.ok()) std::cerr << r.error().pretty;
//   for (const auto& row : r.rows()) std::cout << row[0].ToString() << "\n";
//
// Each statement is atomic: outside an explicit transaction it commits on
// success; a statement that fails leaves the database exactly as before
// (inside an explicit transaction, as it was before that statement).
// A Connection is used by one thread at a time, except Cancel().
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kg/database.h"
#include "kg/query_result.h"
#include "kg/script.h"
#include "kg/value.h"

namespace kg {

using QueryParams = std::map<std::string, Value, std::less<>>;

// A statement parsed once, to be run many times with parameters:
//
//   kg::PreparedStatement find = conn.Prepare("MATCH (p:Person {name: $name}) RETURN p.born");
//   if (!find.ok()) std::cerr << find.error().pretty;
//   for (auto& name : names) conn.Execute(find, {{"name", kg::Value(name)}});
//
// A prepared statement is a handle: copies share one statement, and any
// number of threads may run it at once, each through its own Connection.
// It outlives the connection that prepared it, and holds for the database's
// changes: an index created or dropped, or counts that change a lot, make
// it planned again on its next run.
class PreparedStatement {
 public:
  PreparedStatement() = default;
  // False when the text does not parse (error() says where), or for a
  // default-constructed handle.
  bool ok() const;
  const QueryError& error() const;
  const std::string& text() const;

  class Impl;

 private:
  friend class Connection;
  std::shared_ptr<Impl> impl_;
};

// How a connection's plan cache has served it.
struct PlanCacheStats {
  uint64_t hits = 0;     // runs that reused a parsed and planned statement
  uint64_t misses = 0;   // runs that parsed and planned
  uint64_t replans = 0;  // reused statements planned again (schema or counts changed)
  size_t entries = 0;
};

class Connection {
 public:
  // REQUIRES: db outlives the connection.
  explicit Connection(Database& db);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement; rows are collected into the result.
  QueryResult Execute(std::string_view statement, const QueryParams& params = {});
  // Runs one statement, handing each row to on_row as it is produced;
  // on_row returns false to stop early (the statement still succeeds).
  QueryResult Stream(std::string_view statement, const QueryParams& params,
                     const std::function<bool(const std::vector<Value>& row)>& on_row);
  // As Stream, and on_columns gets the column names once the statement is
  // planned, before its first row (a server sends them ahead of the rows).
  // Index and constraint statements have no plan: it is not called.
  QueryResult Stream(std::string_view statement, const QueryParams& params,
                     const std::function<void(const std::vector<std::string>& columns)>& on_columns,
                     const std::function<bool(const std::vector<Value>& row)>& on_row);

  // Parses text. Running the result is running text itself, without
  // parsing or planning again (see PreparedStatement).
  PreparedStatement Prepare(std::string_view text);
  QueryResult Execute(const PreparedStatement& statement, const QueryParams& params = {});
  QueryResult Stream(const PreparedStatement& statement, const QueryParams& params,
                     const std::function<bool(const std::vector<Value>& row)>& on_row);

  // Every statement run by text is kept parsed and planned, by its text and
  // the names of its parameters, for its next run (the 1,000 most recent).
  PlanCacheStats plan_cache_stats() const;

  // Runs a script's statements in order, handing each result to on_result,
  // and stops after the first that fails. A run of index and constraint
  // creations outside an explicit transaction is made together
  // (Database::CreateIndexes: the nodes are read once for all), its time
  // shared among its statements; should that fail, they run one at a time,
  // so that each result is its own statement's.
  void ExecuteScript(std::span<const ScriptStatement> statements, const QueryParams& params,
                     const std::function<void(size_t index, const QueryResult& result)>& on_result);

  // Explicit transactions: statements run in one transaction until
  // Commit or Rollback. Begin fails if one is already open. A transaction
  // that may write holds the process's turn to write until it ends (see
  // Options::busy_timeout); Cancel() gives up the wait for it.
  Status Begin(const TransactionOptions& options = {});
  Status Commit();
  void Rollback();
  bool in_transaction() const;

  // Makes the running statement (or the wait for the turn to write) fail
  // soon. Callable from any thread (e.g. a Ctrl-C handler).
  void Cancel();
  // A statement running longer than this fails (zero: no limit).
  void set_timeout(std::chrono::milliseconds limit);
  // A statement whose rows, groups, collected values, buffered results and
  // uncommitted writes would take more memory than this fails with
  // TransientError MemoryLimit, and its writes are undone (zero: no limit).
  // The default is a quarter of the machine's physical memory.
  void set_memory_limit(size_t bytes);
  size_t memory_limit() const;
  static size_t DefaultMemoryLimit();
  // LOAD CSV FROM 'relative/path' reads relative to this directory (default:
  // the working directory). Scripts set it to their own directory.
  void set_file_directory(std::string dir);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kg
