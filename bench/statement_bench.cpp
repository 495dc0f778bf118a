// What one small statement costs through the public C++ API: RETURN 1, a
// point lookup by an indexed property, and a 1-hop count, each run many
// times with a parameter, on a graph of 100,000 nodes and 300,000
// relationships, by text and prepared. Prints the median and p99 per
// statement in microseconds.
// Usage: kg_bench_statement DB_DIR [RUNS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench/stats.h"
#include "kg/kg.h"

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

constexpr int kNodes = 100000, kEdgesPerNode = 3;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) Fail("usage: kg_bench_statement DB_DIR [RUNS]");
  int runs = argc > 2 ? std::atoi(argv[2]) : 20000;
  auto db = kg::Database::Open(argv[1]);
  if (!db.ok()) Fail(db.status().ToString());
  {
    auto txn = (*db)->Begin();
    if (*txn->CountNodes("Person") == 0) {
      std::vector<kg::NodeId> ids;
      for (int i = 0; i < kNodes; ++i)
        ids.push_back(*txn->CreateNode({"Person"}, {{"name", kg::Value("p" + std::to_string(i))}}));
      std::mt19937 rng(1);
      for (int i = 0; i < kNodes; ++i)
        for (int e = 0; e < kEdgesPerNode; ++e)
          if (!txn->CreateEdge(ids[i], "KNOWS", ids[rng() % kNodes]).ok()) Fail("edge");
      if (!txn->Commit().ok()) Fail("commit");
      if (!(*db)->CreateIndex({"Person", "name"}).ok()) Fail("index");
      if (!(*db)->Compact().ok()) Fail("compact");
    }
  }
  kg::Connection conn(**db);
  std::mt19937 rng(2);
  struct Case {
    const char* name;
    const char* text;
  };
  const Case cases[] = {
      {"RETURN 1", "RETURN 1 AS one"},
      {"point lookup", "MATCH (p:Person {name: $name}) RETURN p.name"},
      {"1-hop count", "MATCH (:Person {name: $name})-[:KNOWS]->(f) RETURN count(f)"},
  };
  for (const Case& c : cases) {
    // By text (through the connection's plan cache), then prepared.
    kg::PreparedStatement prepared = conn.Prepare(c.text);
    if (!prepared.ok()) Fail(prepared.error().message);
    for (bool use_prepared : {false, true}) {
      std::vector<double> times;
      for (int round = 0; round < 2; ++round) {  // the first warms the caches
        times.clear();
        for (int i = 0; i < runs; ++i) {
          kg::QueryParams params{{"name", kg::Value("p" + std::to_string(rng() % kNodes))}};
          double t = Now();
          auto r = use_prepared ? conn.Execute(prepared, params) : conn.Execute(c.text, params);
          times.push_back(Now() - t);
          if (!r.ok()) Fail(std::string(c.name) + ": " + r.error().message);
        }
      }
      std::printf("%-14s %-8s median %6.2f us  p99 %6.2f us\n", c.name, use_prepared ? "prepared" : "text",
                  1e6 * kg::bench::Median(times), 1e6 * kg::bench::Percentile(times, 0.99));
    }
  }
  return 0;
}
