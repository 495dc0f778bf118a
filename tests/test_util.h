// Helpers shared by the tests: a temporary directory that removes itself,
// and a Database opened in one.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "kg/connection.h"
#include "kg/database.h"
#include "kg/export.h"
#include "kg/load.h"

namespace kg::test {

class TempDir {
 public:
  TempDir() {
    std::string base = (std::filesystem::temp_directory_path() / "kg-test-XXXXXX").string();
    char* made = mkdtemp(base.data());
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string db() const { return path_ + "/db"; }

 private:
  std::string path_;
};

inline std::unique_ptr<Database> OpenDb(const std::string& path, const Options& options = {}) {
  auto db = Database::Open(path, options);
  INFO(db.status().ToString());
  REQUIRE(db.ok());
  return std::move(*db);
}

inline Transaction Begin(const Database& db, bool read_only = false) {
  auto txn = db.Begin({.read_only = read_only});
  REQUIRE(txn.ok());
  return std::move(*txn);
}

// The integer in the first column of the first row of query's result.
inline int64_t Count(Connection& conn, const std::string& query) {
  QueryResult r = conn.Execute(query);
  INFO(r.error().pretty);
  REQUIRE(r.ok());
  return r.rows().at(0).at(0).as_int();
}

template <class T>
T Ok(Result<T> r) {
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

inline void Ok(const Status& s) {
  INFO(s.ToString());
  REQUIRE(s.ok());
}

// Load, Export and ExportCsv with their stats in an out-parameter (left
// empty on failure), for tests that check the status and the stats apart.
inline Status LoadInto(Database& db, const std::vector<LoadFile>& files, const LoadOptions& options, LoadStats* stats) {
  auto r = Load(db, files, options);
  *stats = r.ok() ? *r : LoadStats{};
  return r.status();
}
inline Status ExportTo(Database& db, const ExportOptions& options, std::ostream& out, ExportStats* stats) {
  auto r = Export(db, options, out);
  *stats = r.ok() ? *r : ExportStats{};
  return r.status();
}
inline Status ExportCsvTo(Database& db, const ExportOptions& options, const std::string& dir, ExportStats* stats) {
  auto r = ExportCsv(db, options, dir);
  *stats = r.ok() ? *r : ExportStats{};
  return r.status();
}

}  // namespace kg::test
