// Readers in other processes beside a writer, through the public API:
//  1. visibility: a writer process commits a timestamp every 5 ms; a reader
//     process (a read-only open) reads it in a loop, each read its own
//     transaction; the delay from a commit to the first read that sees it;
//  2. catch-up cost: the reader's point lookups by an indexed key, each its
//     own statement, with the writer idle and with the writer committing
//     small transactions steadily; the difference is what catching up costs.
//
// Usage: kg_bench_readers DIR [--lookups N]
// DIR: an existing kg database (e.g. the peer kit's scale-M one, copied:
// the bench writes to it) with :Person {id} nodes and an index on them.
// Prints one markdown table.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "stats.h"
#include "kg/kg.h"

extern char** environ;

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

using kg::bench::Median;
using kg::bench::Percentile;

// The writer: `stamps` commits of the time, every 5 ms, or (steady) small
// transactions back to back for `seconds`.
int Writer(const std::string& dir, const std::string& mode, int count) {
  auto db = kg::Database::Open(dir);
  if (!db.ok()) {
    std::cerr << "writer: " << db.status().ToString() << "\n";
    return 1;
  }
  kg::Connection conn(**db);
  if (mode == "stamps") {
    for (int i = 0; i < count; ++i) {
      auto r = conn.Execute("MERGE (c:BenchClock {id: 1}) SET c.t = $t", {{"t", kg::Value(NowNs())}});
      if (!r.ok()) return 1;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  } else {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(count);
    for (int i = 0; std::chrono::steady_clock::now() < end; ++i)
      if (!conn.Execute("CREATE (:BenchWrite {i: $i})", {{"i", kg::Value(i)}}).ok()) return 1;
  }
  return 0;
}

pid_t Spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0) return -1;
  return pid;
}

bool Running(pid_t pid) {
  int status;
  return waitpid(pid, &status, WNOHANG) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 5 && std::string(argv[1]) == "--writer") return Writer(argv[2], argv[3], std::stoi(argv[4]));
  if (argc < 2) {
    std::cerr << "usage: kg_bench_readers DIR [--lookups N]\n";
    return 2;
  }
  std::string dir = argv[1];
  int lookups = 2000;
  for (int i = 2; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--lookups") lookups = std::stoi(argv[++i]);

  kg::Options ro;
  ro.read_only = true;
  auto db = kg::Database::Open(dir, ro);
  if (!db.ok()) {
    std::cerr << db.status().ToString() << "\n";
    return 1;
  }
  kg::Connection conn(**db);
  auto ids = conn.Execute("MATCH (p:Person) RETURN p.id LIMIT 5000");
  if (!ids.ok() || ids.rows().empty()) {
    std::cerr << "no :Person nodes in " << dir << "\n";
    return 1;
  }

  // 1. Visibility.
  pid_t writer = Spawn({argv[0], "--writer", dir, "stamps", "400"});
  std::vector<double> delays_ms;
  int64_t last = 0;
  while (Running(writer)) {
    auto r = conn.Execute("MATCH (c:BenchClock {id: 1}) RETURN c.t");
    if (!r.ok() || r.rows().empty()) continue;
    int64_t t = r.rows()[0][0].as_int();
    if (t != last) {
      if (last != 0) delays_ms.push_back((NowNs() - t) / 1e6);
      last = t;
    }
  }

  // 2. Point lookups, writer idle, then writing steadily.
  std::mt19937 rng(7);
  auto lookup_times = [&](int n) {
    std::vector<double> us;
    for (int i = 0; i < n; ++i) {
      const kg::Value& id = ids.rows()[rng() % ids.rows().size()][0];
      auto start = std::chrono::steady_clock::now();
      auto r = conn.Execute("MATCH (p:Person {id: $id}) RETURN p.name", {{"id", id}});
      us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
      if (!r.ok()) std::cerr << r.error().message << "\n";
    }
    return us;
  };
  auto idle = lookup_times(lookups);
  pid_t steady = Spawn({argv[0], "--writer", dir, "steady", "30"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto busy = lookup_times(lookups);
  kill(steady, SIGTERM);
  int status;
  waitpid(steady, &status, 0);
  auto written = conn.Execute("MATCH (w:BenchWrite) RETURN count(w)");

  std::cout << std::fixed << std::setprecision(2);
  std::cout << "| measure | median | p99 | n |\n|---|---|---|---|\n";
  std::cout << "| commit in one process to a read that sees it in another (ms) | " << Median(delays_ms) << " | "
            << Percentile(delays_ms, 0.99) << " | " << delays_ms.size() << " |\n";
  std::cout << "| point lookup by index, writer idle (us) | " << Median(idle) << " | " << Percentile(idle, 0.99)
            << " | " << idle.size() << " |\n";
  std::cout << "| point lookup by index, writer committing steadily (us) | " << Median(busy) << " | "
            << Percentile(busy, 0.99) << " | " << busy.size() << " |\n";
  std::cout << "| catch-up cost per statement (median difference, us) | " << Median(busy) - Median(idle)
            << " | | |\n";
  if (written.ok() && !written.rows().empty())
    std::cout << "\nThe steady writer committed " << written.rows()[0][0].ToString()
              << " transactions in all (one node each).\n";
  return 0;
}
