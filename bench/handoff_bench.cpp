// Handing the turn to write from one process to another, through the
// public API: two writer processes on one directory, each a child started
// with posix_spawn, commit one small transaction in turn as the parent tells
// them. A write right after the other process's write takes the turn (and
// the primary) from it: its latency, against that of a write by the
// process that wrote last, is what a hand-off costs.
//
// Usage: kg_bench_handoff DIR [--rounds N]
// DIR: a kg database (made empty when missing; e.g. a copy of the peer
// kit's scale-M one: the bench writes to it). Prints one markdown table.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "stats.h"
#include "kg/kg.h"

extern char** environ;

namespace {

using kg::bench::Median;
using kg::bench::Percentile;

// A writer: for each line on stdin, one transaction; its milliseconds on stdout.
int Child(const std::string& dir) {
  auto db = kg::Database::Open(dir);
  if (!db.ok()) {
    std::cerr << "writer: " << db.status().ToString() << "\n";
    return 1;
  }
  kg::Connection conn(**db);
  char line[64];
  while (std::fgets(line, sizeof line, stdin)) {
    auto start = std::chrono::steady_clock::now();
    auto r = conn.Execute("MERGE (c:HandOff {id: 1}) ON CREATE SET c.n = 1 ON MATCH SET c.n = c.n + 1");
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!r.ok()) {
      std::cerr << "writer: " << r.error().pretty << "\n";
      return 1;
    }
    std::printf("%.4f\n", ms);
    std::fflush(stdout);
  }
  return 0;
}

struct Writer {
  pid_t pid = 0;
  FILE* to = nullptr;
  FILE* from = nullptr;
};

Writer Spawn(const char* self, const std::string& dir) {
  int in[2], out[2];
  // Close-on-exec: neither child may keep the other's pipes open.
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) std::exit(1);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, in[1]);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string d = dir;
  char* argv[] = {const_cast<char*>(self), const_cast<char*>("--child"), d.data(), nullptr};
  Writer w;
  if (posix_spawn(&w.pid, self, &actions, nullptr, argv, environ) != 0) std::exit(1);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  w.to = fdopen(in[1], "w");
  w.from = fdopen(out[0], "r");
  return w;
}

double Write(Writer& w) {
  std::fputs("w\n", w.to);
  std::fflush(w.to);
  char line[64];
  if (!std::fgets(line, sizeof line, w.from)) {
    std::cerr << "a writer died\n";
    std::exit(1);
  }
  return std::atof(line);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--child") == 0) return Child(argv[2]);
  if (argc < 2) {
    std::cerr << "usage: kg_bench_handoff DIR [--rounds N]\n";
    return 2;
  }
  std::string dir = argv[1];
  int rounds = 200;
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
  {
    auto db = kg::Database::Open(dir);  // made when missing, then closed
    if (!db.ok()) {
      std::cerr << db.status().ToString() << "\n";
      return 1;
    }
  }
  Writer a = Spawn("/proc/self/exe", dir), b = Spawn("/proc/self/exe", dir);
  Write(a);
  Write(b);
  std::vector<double> handoff, again;
  for (int i = 0; i < rounds; ++i) {
    Writer& w = i % 2 ? a : b;
    handoff.push_back(Write(w));  // the other wrote last
    again.push_back(Write(w));    // this one wrote last
  }
  for (Writer* w : {&a, &b}) {
    std::fclose(w->to);
    std::fclose(w->from);
    waitpid(w->pid, nullptr, 0);
  }
  std::cout << std::fixed << std::setprecision(2);
  std::cout << "| write transaction | median ms | p90 ms | max ms |\n|---|---|---|---|\n";
  std::cout << "| after the other process's write (hand-off) | " << Median(handoff) << " | "
            << Percentile(handoff, 0.9) << " | " << Percentile(handoff, 1.0) << " |\n";
  std::cout << "| after its own write | " << Median(again) << " | " << Percentile(again, 0.9) << " | "
            << Percentile(again, 1.0) << " |\n";
  std::cout << "(" << rounds << " hand-offs on " << dir << ")\n";
  return 0;
}
