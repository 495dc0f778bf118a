// kg's half of bench/fulltext_bench.py: stores the corpus (one :Doc {text}
// node per line), builds a full-text index over it, and times the queries
// of queries.json, each for the top 10: through Cypher
// (db.index.fulltext.queryNodes, as a program or kg query asks) and through
// Transaction::Search. Prints one JSON object.
// Usage: kg_bench_fulltext DB_DIR CORPUS.tsv QUERIES.json
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "bench/stats.h"
#include "kg/kg.h"

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

// The string lists of queries.json ({"kind": ["q", ...], ...}): JSON
// strings with \" and \\ escapes only, as json.dump writes these.
std::map<std::string, std::vector<std::string>> ReadQueries(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::map<std::string, std::vector<std::string>> out;
  size_t i = 0;
  auto string_at = [&](size_t& at) {
    std::string s;
    for (++at; at < text.size() && text[at] != '"'; ++at) {
      if (text[at] == '\\') ++at;
      s.push_back(text[at]);
    }
    ++at;
    return s;
  };
  while ((i = text.find('"', i)) != std::string::npos) {
    std::string kind = string_at(i);
    size_t open = text.find('[', i), close = text.find(']', i);
    std::vector<std::string>& list = out[kind];
    for (i = open; (i = text.find('"', i)) != std::string::npos && i < close;) {
      list.push_back(string_at(i));
      close = text.find(']', i);
    }
    i = close + 1;
  }
  return out;
}

void Fail(const std::string& what) {
  std::cerr << what << "\n";
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) Fail("usage: kg_bench_fulltext DB_DIR CORPUS.tsv QUERIES.json");
  auto db = kg::Database::Open(argv[1]);
  if (!db.ok()) Fail(db.status().ToString());
  std::ifstream corpus(argv[2]);
  std::string line;
  size_t docs = 0;
  {
    auto txn = (*db)->Begin();
    for (; std::getline(corpus, line); ++docs) {
      if (!txn->CreateNode({"Doc"}, {{"text", kg::Value(line)}}).ok()) Fail("cannot store a document");
      if (docs % 20000 == 19999) {
        if (!txn->Commit().ok()) Fail("commit failed");
        txn = (*db)->Begin();
      }
    }
    if (!txn->Commit().ok()) Fail("commit failed");
  }
  if (!(*db)->Compact().ok()) Fail("compaction failed");
  uint64_t before = DirBytes(argv[1]);
  double start = Now();
  kg::FullTextIndexSpec spec;
  spec.name = "docs";
  spec.labels = {"Doc"};
  spec.properties = {"text"};
  if (kg::Status s = (*db)->CreateFullTextIndex(spec); !s.ok()) Fail(s.ToString());
  double build = Now() - start;
  if (!(*db)->Compact().ok()) Fail("compaction failed");
  uint64_t after = DirBytes(argv[1]);

  std::printf("{\"docs\": %zu, \"build_s\": %.4f, \"index_bytes\": %llu", docs, build,
              static_cast<unsigned long long>(after - before));
  kg::Connection conn(**db);
  for (const auto& [kind, list] : ReadQueries(argv[3])) {
    std::vector<double> cypher, api;
    for (int round = 0; round < 2; ++round) {  // the first warms the cache
      cypher.clear();
      api.clear();
      for (const std::string& q : list) {
        double t = Now();
        auto r = conn.Execute(
            "CALL db.index.fulltext.queryNodes('docs', $q, {limit: 10}) YIELD node, score RETURN id(node), score",
            {{"q", kg::Value(q)}});
        cypher.push_back(Now() - t);
        if (!r.ok()) Fail(q + ": " + r.error().message);
        t = Now();
        auto txn = (*db)->Begin({.read_only = true});
        auto hits = txn->Search("docs", q, 10);
        api.push_back(Now() - t);
        if (!hits.ok()) Fail(q + ": " + hits.status().ToString());
      }
    }
    std::printf(", \"%s\": {\"median_us\": %.1f, \"p99_us\": %.1f}", kind.c_str(), 1e6 * kg::bench::Median(cypher),
                1e6 * kg::bench::Percentile(cypher, 0.99));
    std::printf(", \"api_%s\": {\"median_us\": %.1f, \"p99_us\": %.1f}", kind.c_str(), 1e6 * kg::bench::Median(api),
                1e6 * kg::bench::Percentile(api, 0.99));
  }
  std::printf("}\n");
  return 0;
}
