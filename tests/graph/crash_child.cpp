// Helper for crash_test.cpp: writes batches in a loop until killed. Batch i
// is three :Batch nodes {batch: i, text: 'b<i> shared'} joined by two NEXT
// edges {batch: i, text: the same}, all or nothing; after each batch is
// committed it reports "i\n" on stdout. The phase says how batches are
// written and what else goes on between them:
//   txn       one API transaction per batch, which also sets the :Counter
//             node's `last` to i
//   bulk      a bulk load of a nodes and a relationships file per batch
//   index     transactions, with a property index and a full-text index
//             created and dropped between them
//   compact   transactions, with a compaction of everything between them
//   schema    transactions, with a uniqueness constraint created and
//             dropped between them
//   explicit  an explicit Cypher transaction per batch (BEGIN, three
//             statements, COMMIT)
// Usage: kg_crash_child DB FIRST_BATCH PHASE SCRATCH_DIR
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "kg/kg.h"

namespace {

[[noreturn]] void Die(const kg::Status& s) {
  std::fprintf(stderr, "%s\n", s.ToString().c_str());
  std::exit(1);
}

void Report(long i) {
  std::string line = std::to_string(i) + "\n";
  if (write(STDOUT_FILENO, line.data(), line.size()) < 0) std::exit(1);
}

kg::Status Transaction(kg::Database& db, long i, kg::NodeId counter) {
  auto txn = db.Begin();
  if (!txn.ok()) return txn.status();
  kg::NodeId n[3];
  kg::Value text("b" + std::to_string(i) + " shared");
  for (auto& id : n) {
    auto made = txn->CreateNode({"Batch"}, {{"batch", int64_t{i}}, {"text", text}});
    if (!made.ok()) return made.status();
    id = *made;
  }
  for (int k = 0; k < 2; ++k)
    if (auto e = txn->CreateEdge(n[k], "NEXT", n[k + 1], {{"batch", int64_t{i}}, {"text", text}}); !e.ok())
      return e.status();
  if (kg::Status s = txn->SetNodeProperty(counter, "last", int64_t{i}); !s.ok()) return s;
  return txn->Commit();
}

kg::Status Bulk(kg::Database& db, long i, const std::string& scratch) {
  std::string nodes = scratch + "/nodes.csv", rels = scratch + "/rels.csv";
  std::string text = "b" + std::to_string(i) + " shared";
  {
    std::ofstream out(nodes, std::ios::trunc);
    out << "id:ID,batch:long,text,:LABEL\n";
    for (int k = 0; k < 3; ++k) out << "n" << k << "," << i << "," << text << ",Batch\n";
  }
  {
    std::ofstream out(rels, std::ios::trunc);
    out << ":START_ID,:END_ID,:TYPE,batch:long,text\n";
    for (int k = 0; k < 2; ++k) out << "n" << k << ",n" << k + 1 << ",NEXT," << i << "," << text << "\n";
  }
  kg::LoadOptions options;
  options.method = kg::LoadOptions::Method::kBulk;
  auto loaded = kg::Load(db, {{nodes}, {rels}}, options);
  return loaded.ok() ? kg::Status::OK() : loaded.status();
}

kg::Status Explicit(kg::Connection& conn, long i) {
  if (kg::Status s = conn.Begin(); !s.ok()) return s;
  kg::QueryParams p{{"i", kg::Value(int64_t{i})}, {"text", kg::Value("b" + std::to_string(i) + " shared")}};
  for (const char* q : {"CREATE (:Batch {batch: $i, text: $text})",
                        "MATCH (a:Batch {batch: $i}) CREATE (a)-[:NEXT {batch: $i, text: $text}]->(:Batch {batch: $i, text: $text})",
                        "MATCH (:Batch {batch: $i})-[:NEXT]->(b:Batch {batch: $i}) "
                        "CREATE (b)-[:NEXT {batch: $i, text: $text}]->(:Batch {batch: $i, text: $text})"}) {
    kg::QueryResult r = conn.Execute(q, p);
    if (!r.ok()) {
      conn.Rollback();
      return kg::Status::Internal(r.error().pretty);
    }
  }
  return conn.Commit();
}

// Runs a schema statement; one refused because of what is already there
// (an index that exists, one that does not) is fine.
void Schema(kg::Connection& conn, const char* statement) {
  kg::QueryResult r = conn.Execute(statement);
  if (!r.ok() && r.error().code.find("Schema") == std::string::npos && r.error().message.find("exist") == std::string::npos)
    Die(kg::Status::Internal(std::string(statement) + ": " + r.error().pretty));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) return 2;
  const std::string phase = argv[3], scratch = argv[4];
  auto db = kg::Database::Open(argv[1]);
  if (!db.ok()) Die(db.status());
  kg::NodeId counter = 0;
  {
    auto txn = (*db)->Begin();
    auto c = txn->ScanNodes("Counter");
    if (c.Valid()) {
      counter = c.id();
    } else {
      counter = *txn->CreateNode({"Counter"}, {{"last", 0}});
      if (kg::Status s = txn->Commit(); !s.ok()) Die(s);
    }
  }
  kg::Connection conn(**db);
  for (long i = std::atol(argv[2]);; ++i) {
    kg::Status s;
    if (phase == "bulk") s = Bulk(**db, i, scratch);
    else if (phase == "explicit") s = Explicit(conn, i);
    else s = Transaction(**db, i, counter);
    if (!s.ok()) Die(s);
    Report(i);
    if (phase == "index") {
      if (i % 4 == 0) Schema(conn, "CREATE INDEX batch_number IF NOT EXISTS FOR (n:Batch) ON (n.batch)");
      if (i % 4 == 2) Schema(conn, "DROP INDEX batch_number IF EXISTS");
      if (i % 6 == 1) Schema(conn, "CREATE FULLTEXT INDEX extra IF NOT EXISTS FOR (n:Batch) ON EACH [n.text]");
      if (i % 6 == 4) Schema(conn, "DROP INDEX extra IF EXISTS");
    } else if (phase == "compact" && i % 3 == 0) {
      if (kg::Status c = (*db)->Compact(); !c.ok()) Die(c);
    } else if (phase == "schema") {
      if (i % 4 == 0) Schema(conn, "CREATE CONSTRAINT counter_last IF NOT EXISTS FOR (n:Counter) REQUIRE n.last IS UNIQUE");
      if (i % 4 == 2) Schema(conn, "DROP CONSTRAINT counter_last IF EXISTS");
    }
  }
}
