// Kills a writing process with SIGKILL at random moments and checks, after
// each reopen, that every batch it reported committed is fully there, that
// no batch is there in part (full-text index entries included) and that kg
// check is clean. The kills rotate through the child's phases: transactions,
// bulk loads, index and full-text index builds, compactions, constraint
// changes and explicit Cypher transactions (crash_child.cpp).
// KG_CRASH_KILLS sets the number of kills (200; the soak runs 1000).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>
#include <thread>

#include <catch2/catch.hpp>

#include "kg/check.h"
#include "kg/database.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;

namespace {

// Runs the child until killed after delay; returns the batches it reported.
std::set<long> RunAndKill(const std::string& db, long first, const std::string& phase, const std::string& scratch,
                          std::chrono::milliseconds delay) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::string first_text = std::to_string(first);
    execl(KG_CRASH_CHILD, KG_CRASH_CHILD, db.c_str(), first_text.c_str(), phase.c_str(), scratch.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  // The child must have died by our signal, not by an error of its own.
  INFO("phase " << phase << ": the child exited with " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  REQUIRE(WIFSIGNALED(status));
  std::set<long> batches;
  size_t pos = 0;
  while (true) {
    size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) break;  // a partial last line was cut by the kill
    batches.insert(std::stol(out.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return batches;
}

struct Seen {
  std::map<long, int> nodes, edges;
  long counter_last = -1;
  std::vector<std::string> problems;
};

// Reads everything back; structural problems are collected, not asserted one
// by one, to keep hundreds of rounds fast.
Seen Inspect(const Transaction& txn) {
  Seen seen;
  for (auto c = txn.ScanNodes(); c.Valid(); c.Next()) {
    Node n = Ok(txn.GetNode(c.id()));
    if (n.labels == std::vector<std::string>{"Counter"}) {
      seen.counter_last = n.properties.at("last").as_int();
      continue;
    }
    seen.nodes[n.properties.at("batch").as_int()]++;
  }
  for (auto e = txn.ScanEdges(); e.Valid(); e.Next()) {
    auto edge = txn.GetEdge(e.edge().id);
    if (!edge.ok()) {
      seen.problems.push_back("adjacency names missing edge " + std::to_string(e.edge().id));
      continue;
    }
    seen.edges[edge->properties.at("batch").as_int()]++;
    // No dangling edge, and the in-adjacency agrees with the out-adjacency.
    if (!*txn.HasNode(edge->source) || !*txn.HasNode(edge->target))
      seen.problems.push_back("dangling edge " + std::to_string(edge->id));
    bool found = false;
    for (const Edge& in : *txn.GetEdges(edge->target, Direction::kIn))
      found |= in.id == edge->id && in.source == edge->source;
    if (!found) seen.problems.push_back("edge " + std::to_string(edge->id) + " missing from in-adjacency");
  }
  return seen;
}

}  // namespace

TEST_CASE("SIGKILL at random moments never loses a commit or leaves half of one", "[graph][crash]") {
  TempDir dir;
  const char* env = std::getenv("KG_CRASH_KILLS");
  int kills = env ? std::atoi(env) : 200;
  std::mt19937 rng(20261127);
  const std::vector<std::string> phases = {"txn", "bulk", "index", "compact", "schema", "explicit"};
  std::map<std::string, int> kills_in;
  std::set<long> reported;
  long next = 1;
  int violations = 0;
  {
    // The writes keep two full-text indexes too.
    auto db = OpenDb(dir.db());
    FullTextIndexSpec nodes, edges;
    nodes.name = "batches";
    nodes.labels = {"Batch"};
    nodes.properties = {"text"};
    edges = nodes;
    edges.name = "links";
    edges.labels = {"NEXT"};
    edges.relationships = true;
    Ok(db->CreateFullTextIndex(nodes));
    Ok(db->CreateFullTextIndex(edges));
  }
  for (int round = 0; round < kills; ++round) {
    const std::string& phase = phases[static_cast<size_t>(round) % phases.size()];
    // The slower phases get longer before the kill, so that it lands inside
    // their work as often as between it.
    int most = phase == "txn" || phase == "explicit" ? 60 : 150;
    std::set<long> got = RunAndKill(dir.db(), next, phase, dir.path(),
                                    std::chrono::milliseconds(std::uniform_int_distribution<int>(0, most)(rng)));
    reported.insert(got.begin(), got.end());
    ++kills_in[phase];

    auto db = OpenDb(dir.db());
    auto txn = Begin(*db, true);
    Seen seen = Inspect(txn);
    for (long b : reported)
      if (seen.nodes[b] != 3 || seen.edges[b] != 2)
        seen.problems.push_back("reported batch " + std::to_string(b) + " is not complete");
    for (auto [b, count] : seen.nodes)
      if (count != 3 || seen.edges[b] != 2) seen.problems.push_back("batch " + std::to_string(b) + " is partial");
    std::string problems;
    for (const auto& p : seen.problems) problems += p + "\n";
    INFO("round " << round << " (" << phase << "):\n" << problems);
    violations += static_cast<int>(seen.problems.size());
    REQUIRE(seen.problems.empty());
    // Maintained counts agree with what is there.
    REQUIRE(Ok(txn.CountNodes("Batch")) == 3 * seen.nodes.size());
    REQUIRE(Ok(txn.CountEdges("NEXT")) == 2 * seen.edges.size());
    long last = seen.nodes.empty() ? 0 : seen.nodes.rbegin()->first;
    // The counter names the last batch a transaction wrote (bulk loads and
    // explicit transactions leave it).
    if (seen.counter_last > 0) REQUIRE(seen.nodes.count(seen.counter_last) == 1);
    // The full-text indexes hold exactly the batches there: no entry lost,
    // none stale.
    REQUIRE(Ok(txn.Search("batches", "shared", SIZE_MAX)).size() == 3 * seen.nodes.size());
    REQUIRE(Ok(txn.Search("links", "shared", SIZE_MAX)).size() == 2 * seen.edges.size());
    if (!seen.nodes.empty()) REQUIRE(Ok(txn.Search("batches", "b" + std::to_string(last))).size() == 3);
    {
      auto report = Check(*db);
      REQUIRE(report.ok());
      INFO((report->problems.empty() ? std::string() : report->problems.front()));
      REQUIRE(report->problems.empty());
    }
    next = last + 1;
  }
  REQUIRE(violations == 0);
  std::string per_phase;
  for (const auto& [phase, n] : kills_in) per_phase += " " + phase + " " + std::to_string(n);
  WARN(kills << " kills (" << per_phase.substr(1) << "), " << reported.size()
             << " reported commits, all present, none partial, kg check clean after each");
}
