// Helper for crash_test.cpp: commits transactions in a loop until killed.
// Each transaction i creates three :Batch nodes {batch: i, text: 'b<i>
// shared'} joined by two edges {batch: i, text: the same} and sets the
// :Counter node's `last` to i; after each commit it reports "i\n" on
// stdout. Usage: kg_crash_child DB FIRST_BATCH
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "kg/database.h"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  auto db = kg::Database::Open(argv[1]);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 1;
  }
  kg::NodeId counter = 0;
  {
    auto txn = (*db)->Begin();
    auto c = txn->ScanNodes("Counter");
    if (c.Valid()) {
      counter = c.id();
    } else {
      counter = *txn->CreateNode({"Counter"}, {{"last", 0}});
      if (!txn->Commit().ok()) return 1;
    }
  }
  for (long i = std::atol(argv[2]);; ++i) {
    auto txn = (*db)->Begin();
    kg::NodeId n[3];
    kg::Value text("b" + std::to_string(i) + " shared");
    for (auto& id : n) id = *txn->CreateNode({"Batch"}, {{"batch", int64_t{i}}, {"text", text}});
    if (!txn->CreateEdge(n[0], "NEXT", n[1], {{"batch", int64_t{i}}, {"text", text}}).ok()) return 1;
    if (!txn->CreateEdge(n[1], "NEXT", n[2], {{"batch", int64_t{i}}, {"text", text}}).ok()) return 1;
    if (!txn->SetNodeProperty(counter, "last", int64_t{i}).ok()) return 1;
    kg::Status s = txn->Commit();
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    std::string line = std::to_string(i) + "\n";
    if (write(STDOUT_FILENO, line.data(), line.size()) < 0) return 1;
  }
}
