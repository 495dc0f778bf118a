// Writers taking turns on one directory. Two Database objects on one
// directory behave as two processes do (each has its own lock on the turn
// file, and the primary moves between them), so the mechanism is tested
// here in one process; tests/cli/writers_test.py runs it across processes.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>

#include "kg/kg.h"
#include "tests/test_util.h"

namespace kg {
namespace {

using test::Count;

TEST_CASE("two writers on one directory take turns and each sees the other's commits", "[graph][turns]") {
  test::TempDir dir;
  auto a = test::OpenDb(dir.db());
  auto b = test::OpenDb(dir.db());
  Connection ca(*a), cb(*b);
  REQUIRE(ca.Execute("CREATE (:Counter {n: 0})").ok());
  for (int i = 0; i < 20; ++i) {
    Connection& c = i % 2 ? cb : ca;
    QueryResult r = c.Execute("MATCH (c:Counter) SET c.n = c.n + 1");
    INFO(r.error().pretty);
    REQUIRE(r.ok());
  }
  CHECK(Count(ca, "MATCH (c:Counter) RETURN c.n") == 20);
  CHECK(Count(cb, "MATCH (c:Counter) RETURN c.n") == 20);

  // Names and indexes made by one are the other's, and neither hands out
  // an id the other has used.
  REQUIRE(cb.Execute("CREATE (:Fresh {k: 1})-[:LINK]->(:Fresh {k: 2})").ok());
  REQUIRE(ca.Execute("CREATE INDEX fresh_k FOR (f:Fresh) ON (f.k)").ok());
  REQUIRE(cb.Execute("CREATE (:Fresh {k: 3})").ok());
  REQUIRE(ca.Execute("CREATE (:Fresh {k: 4})").ok());
  CHECK(Count(cb, "MATCH (f:Fresh) RETURN count(DISTINCT id(f))") == 4);
  CHECK(Count(ca, "MATCH (f:Fresh {k: 3}) RETURN count(f)") == 1);
  QueryResult plan = cb.Execute("EXPLAIN MATCH (f:Fresh {k: 4}) RETURN f");
  REQUIRE(plan.ok());
  CHECK(plan.plan().find("NodeIndexSeek") != std::string::npos);
  CHECK(Count(cb, "MATCH (:Fresh {k: 1})-[:LINK]->(f) RETURN f.k") == 2);
  auto report = Check(*a);
  REQUIRE(report.ok());
  CHECK(report->ok());
}

// Whether another process finds RocksDB's lock on dir held by this one.
bool LockHeldByThisProcess(const std::string& dir) {
  std::string lock_file = dir + "/LOCK";
  pid_t self = ::getpid();
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int fd = ::open(lock_file.c_str(), O_RDONLY);
    struct flock query = {};
    query.l_type = F_WRLCK;
    query.l_whence = SEEK_SET;
    bool held = fd >= 0 && ::fcntl(fd, F_GETLK, &query) == 0 && query.l_type != F_UNLCK && query.l_pid == self;
    ::_exit(held ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST_CASE("writers on one directory under other spellings of its path take turns", "[graph][turns]") {
  // RocksDB knows a database's lock by the path as spelled; kg knows the
  // directory, so there is never a second primary beside the first.
  test::TempDir dir;
  std::filesystem::create_directory_symlink(dir.db(), dir.path() + "/link");
  auto a = test::OpenDb(dir.db());
  REQUIRE(LockHeldByThisProcess(dir.db()));
  auto b = test::OpenDb(dir.path() + "/./db/");
  auto c = test::OpenDb(dir.path() + "/link");
  // Opening the others left the first one's lock in place.
  REQUIRE(LockHeldByThisProcess(dir.db()));
  Connection ca(*a), cb(*b), cc(*c);
  Connection* writers[] = {&ca, &cb, &cc};
  REQUIRE(ca.Execute("CREATE (:Counter {n: 0})").ok());
  for (int i = 0; i < 30; ++i) {
    QueryResult r = writers[i % 3]->Execute("MATCH (k:Counter) SET k.n = k.n + 1");
    INFO(r.error().pretty);
    REQUIRE(r.ok());
  }
  for (Connection* w : writers) CHECK(Count(*w, "MATCH (k:Counter) RETURN k.n") == 30);
  CHECK(LockHeldByThisProcess(dir.db()));
  c.reset();
  b.reset();
  auto report = Check(*a);
  REQUIRE(report.ok());
  INFO((report->problems.empty() ? "" : report->problems.front()));
  CHECK(report->ok());
}

TEST_CASE("a writer waits for the other's transaction, then fails with Busy naming the process", "[graph][turns]") {
  test::TempDir dir;
  Options quick;
  quick.busy_timeout = std::chrono::milliseconds(200);
  auto a = test::OpenDb(dir.db(), quick);
  auto b = test::OpenDb(dir.db(), quick);
  Connection ca(*a), cb(*b);
  REQUIRE(ca.Begin().ok());
  REQUIRE(ca.Execute("CREATE (:Held)").ok());

  // Reads never wait.
  CHECK(Count(cb, "MATCH (n) RETURN count(n)") == 0);
  auto start = std::chrono::steady_clock::now();
  QueryResult w = cb.Execute("CREATE (:Waiting)");
  auto waited = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == "TransientError");
  CHECK(w.error().detail == "Busy");
  CHECK(w.error().message.find("process " + std::to_string(::getpid())) != std::string::npos);
  CHECK(waited >= std::chrono::milliseconds(200));
  auto txn = b->Begin();
  REQUIRE(txn.status().code() == StatusCode::kBusy);
  CHECK(txn.status().IsRetryable());

  // Once the turn is given back, the other writes and sees what was committed.
  REQUIRE(ca.Commit().ok());
  REQUIRE(cb.Execute("CREATE (:Waiting)").ok());
  CHECK(Count(cb, "MATCH (n) RETURN count(n)") == 2);
}

TEST_CASE("a writer waiting for its turn gives up when cancelled", "[graph][turns]") {
  test::TempDir dir;
  Options patient;
  patient.busy_timeout = std::chrono::seconds(60);
  auto a = test::OpenDb(dir.db(), patient);
  auto b = test::OpenDb(dir.db(), patient);
  Connection ca(*a), cb(*b);
  REQUIRE(ca.Begin().ok());
  std::atomic<bool> done{false};
  Status begun;
  std::thread waiter([&] {
    begun = cb.Begin();
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(done.load());
  cb.Cancel();
  waiter.join();
  CHECK(begun.code() == StatusCode::kAborted);
  CHECK_FALSE(cb.in_transaction());
  ca.Rollback();
  REQUIRE(cb.Begin().ok());
  cb.Rollback();
}

TEST_CASE("a bulk load beside a writer takes the turn for its ingestion only", "[graph][turns]") {
  test::TempDir dir;
  std::string csv = dir.path() + "/people.csv";
  {
    std::FILE* f = std::fopen(csv.c_str(), "w");
    REQUIRE(f);
    std::fputs("id:ID,name,:LABEL\n", f);
    for (int i = 0; i < 1000; ++i) std::fprintf(f, "%d,p%d,Person\n", i, i);
    std::fclose(f);
  }
  auto a = test::OpenDb(dir.db());
  auto b = test::OpenDb(dir.db());
  Connection ca(*a);
  REQUIRE(ca.Execute("CREATE (:Before)").ok());
  LoadFile file;
  file.path = csv;
  file.kind = LoadFile::Kind::kNodes;
  LoadOptions bulk;
  bulk.method = LoadOptions::Method::kBulk;
  auto loaded = Load(*b, {file}, bulk);
  INFO(loaded.status().ToString());
  REQUIRE(loaded.ok());
  CHECK(loaded->bulk);
  REQUIRE(ca.Execute("CREATE (:After)").ok());
  CHECK(Count(ca, "MATCH (p:Person) RETURN count(p)") == 1000);
  CHECK(Count(ca, "MATCH (n) WHERE NOT n:Person RETURN count(n)") == 2);
  CHECK(Count(ca, "MATCH (n) RETURN count(DISTINCT id(n))") == 1002);
}

TEST_CASE("a reader's directory left by a killed process is removed by the next reader", "[graph][turns]") {
  test::TempDir dir;
  test::TempDir temp;
  const char* old_tmpdir = std::getenv("TMPDIR");
  std::string saved = old_tmpdir ? old_tmpdir : "";
  ::setenv("TMPDIR", temp.db().c_str(), 1);
  std::filesystem::create_directories(temp.db());
  // A process that is gone: a child that exited, and was waited for.
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  ::waitpid(child, nullptr, 0);
  auto stale = std::filesystem::path(temp.db()) / ("kg-reader-" + std::to_string(child) + "-dead00");
  auto alive = std::filesystem::path(temp.db()) / ("kg-reader-" + std::to_string(::getpid()) + "-live00");
  auto other = std::filesystem::path(temp.db()) / "kg-reader-notapid";
  for (const auto& d : {stale, alive, other}) std::filesystem::create_directories(d);
  {
    // b reads through a secondary while a holds the primary.
    auto a = test::OpenDb(dir.db());
    auto b = test::OpenDb(dir.db());
    Connection ca(*a), cb(*b);
    REQUIRE(ca.Execute("CREATE (:Mark)").ok());
    CHECK(Count(cb, "MATCH (m:Mark) RETURN count(m)") == 1);
  }
  if (old_tmpdir) ::setenv("TMPDIR", saved.c_str(), 1);
  else ::unsetenv("TMPDIR");
  CHECK_FALSE(std::filesystem::exists(stale));
  CHECK(std::filesystem::exists(alive));
  CHECK(std::filesystem::exists(other));
}

TEST_CASE("a reader sees the writer's latest values once the writer has flushed them", "[graph][turns]") {
  // The reader's view first holds what it replayed from the writer's log;
  // the writer then changes it, and closes, flushing its log into a table.
  test::TempDir dir;
  auto writer = test::OpenDb(dir.db());
  auto reader = test::OpenDb(dir.db());
  Connection cr(*reader);
  {
    Connection cw(*writer);
    REQUIRE(cw.Execute("CREATE (:Counter {n: 1})").ok());
    CHECK(Count(cr, "MATCH (k:Counter) RETURN k.n") == 1);
    REQUIRE(cw.Execute("MATCH (k:Counter) SET k.n = 2").ok());
    REQUIRE(cw.Execute("CREATE (:Other)").ok());
  }
  writer.reset();
  CHECK(Count(cr, "MATCH (k:Counter) RETURN k.n") == 2);
  CHECK(Count(cr, "MATCH (n) RETURN count(n)") == 2);
  TransactionOptions read;
  read.read_only = true;
  auto txn = reader->Begin(read);
  REQUIRE(txn.ok());
  auto counted = txn->CountNodes();
  REQUIRE(counted.ok());
  CHECK(*counted == 2);
  auto report = Check(*reader);
  REQUIRE(report.ok());
  INFO((report->problems.empty() ? "" : report->problems.front()));
  CHECK(report->ok());
}

}  // namespace
}  // namespace kg
