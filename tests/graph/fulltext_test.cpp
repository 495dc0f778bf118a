// Full-text indexes: the analyzers, the query syntax, BM25 ranking, and the
// index kept exactly in step with the data through transactions, rollbacks,
// builds over existing data (spilled and ingested) and the bulk loader, as
// kg check verifies.
#include <algorithm>
#include <fstream>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "graph/access.h"
#include "graph/database_impl.h"
#include "graph/fulltext.h"
#include "graph/transaction_impl.h"
#include "kg/kg.h"
#include "storage/store.h"
#include "tests/test_util.h"

namespace kg {
namespace {

namespace ft = graph::fulltext;

std::vector<std::string> Terms(ft::Analyzer a, std::string_view text, bool query = false) {
  std::vector<ft::Token> tokens;
  uint32_t position = 0;
  ft::Analyze(a, text, query, &position, &tokens);
  std::vector<std::string> out;
  for (const auto& t : tokens) out.push_back(t.term + "@" + std::to_string(t.position));
  return out;
}

std::vector<NodeId> Ids(const std::vector<SearchHit>& hits) {
  std::vector<NodeId> out;
  for (const auto& h : hits) out.push_back(h.id);
  return out;
}

std::vector<NodeId> Sorted(std::vector<NodeId> v) {
  std::sort(v.begin(), v.end());
  return v;
}

CheckReport CheckClean(Database& db) {
  auto report = Check(db);
  REQUIRE(report.ok());
  std::string problems;
  for (const auto& p : report->problems) problems += p + "\n";
  INFO(problems);
  CHECK(report->problems.empty());
  return *report;
}

FullTextIndexSpec Spec(std::string name, std::vector<std::string> labels, std::vector<std::string> properties,
                       std::string analyzer = "standard", bool relationships = false) {
  FullTextIndexSpec s;
  s.name = std::move(name);
  s.labels = std::move(labels);
  s.properties = std::move(properties);
  s.analyzer = std::move(analyzer);
  s.relationships = relationships;
  return s;
}

}  // namespace

TEST_CASE("analyzers: Unicode words, folding, Chinese characters, English stems", "[fulltext]") {
  using A = ft::Analyzer;
  CHECK(Terms(A::kStandard, "École naïve CAFÉ, U.S. 2,000 can't") ==
        std::vector<std::string>{"ecole@0", "naive@1", "cafe@2", "u.s@3", "2,000@4", "can't@5"});
  // Every Chinese character is a term of its own: a run is a phrase.
  CHECK(Terms(A::kStandard, "云南省彝良县 Yiliang") ==
        std::vector<std::string>{"云@0", "南@1", "省@2", "彝@3", "良@4", "县@5", "yiliang@6"});
  // english: stop words leave a gap, possessives go, stems come.
  CHECK(Terms(A::kEnglish, "The parks of Minmetals's counties") ==
        std::vector<std::string>{"park@1", "minmet@3", "counti@4"});
  // cjk: single characters and pairs when indexing; a query's run of two
  // or more matches by its pairs.
  CHECK(Terms(A::kCjk, "彝良县") == std::vector<std::string>{"彝@0", "彝良@0", "良@1", "良县@1", "县@2"});
  CHECK(Terms(A::kCjk, "彝良县", true) == std::vector<std::string>{"彝良@0", "良县@1"});
  CHECK(Terms(A::kCjk, "县", true) == std::vector<std::string>{"县@0"});
  CHECK(ft::Fold("ÉCOLE") == "ecole");
  CHECK(ft::AnalyzerByName("English") == A::kEnglish);
  CHECK_FALSE(ft::AnalyzerByName("klingon"));
}

TEST_CASE("full-text queries: malformed ones are refused at their column", "[fulltext]") {
  std::vector<std::string> fields = {"name", "quote"};
  auto error = [&](std::string_view q) {
    auto r = ft::ParseQuery(q, ft::Analyzer::kStandard, fields);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    return r.status().message();
  };
  CHECK(error("park AND (a b") == "full-text query, column 10: '(' without its ')'");
  CHECK(error("\"unclosed phrase") == "full-text query, column 1: a phrase without its closing '\"'");
  CHECK(error("a )") == "full-text query, column 3: unexpected ')'");
  CHECK(error("title:x") == "full-text query, column 1: no field title in this index (its fields: name, quote)");
  CHECK(error("p*rk") == "full-text query, column 1: only a trailing '*' (a prefix) is supported as a wildcard");
  CHECK(error("park~2") == "full-text query, column 1: fuzzy and proximity queries ('~') are not supported");
  CHECK(error("park^x") == "full-text query, column 6: a boost ('^') needs a number");
  CHECK(error("park AND") == "full-text query, column 9: AND or OR with nothing after it");
  CHECK(error(std::string(5000, '(') + "park") == "full-text query, column 101: the query nests too deeply (more than 100 levels)");
  std::string fields_deep;
  for (int i = 0; i < 5000; ++i) fields_deep += "name:";
  CHECK(error(fields_deep + "park") == "full-text query, column 506: the query nests too deeply (more than 100 levels)");
  for (std::string_view ok : {"park", "name:park^2", "+a -b", "(a OR b) AND NOT c", "a\\:b", "pre*", "\"a b\"",
                              "quote:(a b)", "a && b || !c", ""})
    CHECK(ft::ParseQuery(ok, ft::Analyzer::kStandard, fields).ok());
}

TEST_CASE("full-text search: BM25 order, phrases, prefixes, boolean operators, fields", "[fulltext]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  std::vector<NodeId> n;
  {
    auto txn = test::Begin(*db);
    for (const char* text : {"park", "park park industrial", "an industrial zone with a long description of many words park",
                             "nothing here", "Industrial Parks"})
      n.push_back(test::Ok(txn.CreateNode({"Doc"}, {{"text", Value(text)}, {"tags", Value(ValueList{Value("green")})}})));
    test::Ok(txn.Commit());
  }
  test::Ok(db->CreateFullTextIndex(Spec("docs", {"Doc"}, {"text", "tags"})));
  auto txn = test::Begin(*db, true);
  auto search = [&](std::string_view q, size_t limit = 100, size_t skip = 0) {
    return test::Ok(txn.Search("docs", q, limit, skip));
  };
  // More occurrences rank higher; a longer field lower.
  auto park = search("park");
  REQUIRE(Ids(park) == std::vector<NodeId>{n[1], n[0], n[2]});
  CHECK(park[0].score > park[1].score);
  CHECK(park[1].score > park[2].score);
  CHECK(Ids(search("park", 1, 1)) == std::vector<NodeId>{n[0]});
  CHECK(Sorted(Ids(search("\"industrial parks\""))) == std::vector<NodeId>{n[4]});
  CHECK(Sorted(Ids(search("\"park industrial\""))) == std::vector<NodeId>{n[1]});
  CHECK(Sorted(Ids(search("par*"))) == std::vector<NodeId>{n[0], n[1], n[2], n[4]});
  CHECK(Sorted(Ids(search("park AND industrial"))) == std::vector<NodeId>{n[1], n[2]});
  CHECK(Sorted(Ids(search("park -industrial"))) == std::vector<NodeId>{n[0]});
  CHECK(Sorted(Ids(search("nothing OR zone"))) == std::vector<NodeId>{n[2], n[3]});
  // A list of strings is indexed; field: restricts.
  CHECK(search("green").size() == 5);
  CHECK(search("text:green").empty());
  CHECK(search("tags:green AND text:nothing").size() == 1);
  CHECK(search("").empty());
  auto missing = txn.Search("nope", "park");
  CHECK(missing.status().code() == StatusCode::kNotFound);
}

TEST_CASE("full-text indexes follow every write: commit, rollback, update, labels, deletes", "[fulltext]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  test::Ok(db->CreateFullTextIndex(Spec("names", {"County", "Prefecture"}, {"name"})));
  test::Ok(db->CreateFullTextIndex(Spec("quotes", {"LOCATED_IN"}, {"quote"}, "english", true)));
  NodeId county, prefecture;
  EdgeId edge;
  {
    auto txn = test::Begin(*db);
    county = test::Ok(txn.CreateNode({"County"}, {{"name", Value("彝良县")}}));
    prefecture = test::Ok(txn.CreateNode({"Prefecture", "Place"}, {{"name", Value("昭通市")}}));
    edge = test::Ok(txn.CreateEdge(county, "LOCATED_IN", prefecture, {{"quote", Value("Yiliang lies in parks")}}));
    // The transaction sees its own writes.
    CHECK(Ids(test::Ok(txn.Search("names", "彝良"))) == std::vector<NodeId>{county});
    CHECK(Ids(test::Ok(txn.Search("quotes", "park"))) == std::vector<EdgeId>{edge});
    // Another transaction does not, before the commit.
    auto other = test::Begin(*db, true);
    CHECK(test::Ok(other.Search("names", "彝良")).empty());
    test::Ok(txn.Commit());
  }
  CHECK(Ids(test::Ok(test::Begin(*db, true).Search("names", "彝良"))) == std::vector<NodeId>{county});
  CheckClean(*db);
  // A rollback leaves nothing.
  {
    auto txn = test::Begin(*db);
    test::Ok(txn.CreateNode({"County"}, {{"name", Value("鲁甸县")}}));
    test::Ok(txn.SetNodeProperty(county, "name", Value("Yiliang")));
    txn.Rollback();
  }
  {
    auto txn = test::Begin(*db, true);
    CHECK(test::Ok(txn.Search("names", "鲁甸")).empty());
    CHECK(test::Ok(txn.Search("names", "yiliang")).empty());
    CHECK(test::Ok(txn.Search("names", "县")).size() == 1);
  }
  CheckClean(*db);
  // Updates replace the old terms; a label taken away takes the node out,
  // given back puts it in; removing the property takes it out.
  {
    auto txn = test::Begin(*db);
    test::Ok(txn.SetNodeProperty(county, "name", Value("Yiliang County")));
    test::Ok(txn.RemoveLabel(prefecture, "Prefecture"));
    test::Ok(txn.SetEdgeProperty(edge, "quote", Value("in Zhaotong")));
    test::Ok(txn.Commit());
  }
  {
    auto txn = test::Begin(*db, true);
    CHECK(test::Ok(txn.Search("names", "彝良")).empty());
    CHECK(test::Ok(txn.Search("names", "yiliang")).size() == 1);
    CHECK(test::Ok(txn.Search("names", "昭通")).empty());
    CHECK(test::Ok(txn.Search("quotes", "park")).empty());
    CHECK(test::Ok(txn.Search("quotes", "zhaotong")).size() == 1);
  }
  CheckClean(*db);
  {
    auto txn = test::Begin(*db);
    test::Ok(txn.AddLabel(prefecture, "Prefecture"));
    test::Ok(txn.RemoveNodeProperty(county, "name"));
    test::Ok(txn.Commit());
  }
  {
    auto txn = test::Begin(*db, true);
    CHECK(test::Ok(txn.Search("names", "昭通")).size() == 1);
    CHECK(test::Ok(txn.Search("names", "yiliang")).empty());
  }
  CheckClean(*db);
  // Deleting a node deletes its relationships' entries too.
  {
    auto txn = test::Begin(*db);
    test::Ok(txn.DetachDeleteNode(prefecture));
    test::Ok(txn.Commit());
  }
  {
    auto txn = test::Begin(*db, true);
    CHECK(test::Ok(txn.Search("names", "昭通")).empty());
    CHECK(test::Ok(txn.Search("quotes", "zhaotong")).empty());
  }
  CheckClean(*db);
  // Dropped, its entries and statistics go; made again, it is built anew.
  test::Ok(db->DropIndex("names"));
  test::Ok(db->CreateFullTextIndex(Spec("names", {"County"}, {"name"})));
  CheckClean(*db);
}

TEST_CASE("a full-text index built over existing data, spilled and ingested, equals one kept by transactions",
          "[fulltext]") {
  test::TempDir dir;
  Options small;
  small.sort_memory_bytes = 64 << 10;  // spills many runs
  auto kept = test::OpenDb(dir.path() + "/kept", small);
  auto built = test::OpenDb(dir.path() + "/built", small);
  test::Ok(kept->CreateFullTextIndex(Spec("t", {"A", "B"}, {"text", "title"})));
  const char* words[] = {"park", "county", "fund", "school", "road", "water", "彝", "良", "县", "tea"};
  std::mt19937 rng(21);
  for (Database* db : {kept.get(), built.get()}) {
    std::mt19937 r(7);
    auto txn = test::Begin(*db);
    for (int i = 0; i < 3000; ++i) {
      std::string text, title;
      for (int w = 0; w < 8; ++w) text += std::string(words[r() % 10]) + (r() % 2 ? "" : " ");
      title = words[r() % 10];
      std::vector<std::string> labels = {i % 3 == 0 ? "A" : "B"};
      if (i % 5 == 0) labels.push_back("A");
      if (i % 7 == 0) labels = {"C"};
      test::Ok(txn.CreateNode(labels, {{"text", Value(text)}, {"title", Value(title)}}));
    }
    test::Ok(txn.Commit());
  }
  test::Ok(built->CreateFullTextIndex(Spec("t", {"A", "B"}, {"text", "title"})));
  CheckClean(*kept);
  CheckClean(*built);
  for (std::string_view q : {"park", "\"park county\"", "title:tea", "fu*", "彝良", "school AND -road", "县 OR water"}) {
    INFO(q);
    auto a = test::Ok(test::Begin(*kept, true).Search("t", q, 50));
    auto b = test::Ok(test::Begin(*built, true).Search("t", q, 50));
    REQUIRE(a.size() == b.size());
    CHECK(!a.empty());
    for (size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].id == b[i].id);
      CHECK(a[i].score == Approx(b[i].score));
    }
  }
}

TEST_CASE("the bulk loader fills full-text indexes; kg check finds a damaged one", "[fulltext]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  test::Ok(db->CreateFullTextIndex(Spec("names", {"County"}, {"name"})));
  test::Ok(db->CreateFullTextIndex(Spec("quotes", {"IN"}, {"quote"}, "standard", true)));
  std::string nodes = dir.path() + "/counties.csv", edges = dir.path() + "/in.csv";
  {
    std::ofstream n(nodes), e(edges);
    n << "id:ID,name,:LABEL\n";
    e << ":START_ID,:END_ID,:TYPE,quote\n";
    for (int i = 0; i < 2000; ++i) {
      n << i << ",County " << i << " 彝良,County\n";
      if (i > 0) e << i << ",0,IN,near county " << i - 1 << "\n";
    }
  }
  LoadOptions options;
  options.method = LoadOptions::Method::kBulk;
  LoadStats stats;
  test::Ok(test::LoadInto(*db, {{nodes}, {edges}}, options, &stats));
  CHECK(stats.bulk);
  {
    auto txn = test::Begin(*db, true);
    CHECK(test::Ok(txn.Search("names", "彝良", 5000)).size() == 2000);
    CHECK(test::Ok(txn.Search("names", "\"county 17\"")).size() == 1);
    CHECK(test::Ok(txn.Search("quotes", "near", 5000)).size() == 1999);
  }
  CheckClean(*db);
  // A stray posting, and statistics off by one: kg check says so.
  {
    auto& store = *internal::Access::Of(*db).store;
    storage::StoreTransaction kv(internal::Access::Of(*db).store, false);
    const storage::IndexRecord* index = store.catalog()->ByName("names");
    REQUIRE(index);
    std::string k;
    uint32_t position = 0;
    storage::key::AppendTextPosting(&k, index->id, "stray", 0, 999999, 1, std::span<const uint32_t>(&position, 1));
    kv.Put(storage::Keyspace::kIndex, k, {});
    kv.AddToCounter(storage::CounterKind::kTextDocs, storage::key::TextFieldCounter(index->id, 0), 1);
    test::Ok(kv.Commit());
  }
  auto report = Check(*db);
  REQUIRE(report.ok());
  std::string all;
  for (const auto& p : report->problems) all += p + "\n";
  CHECK(all.find("full-text index names: stray entries for node 999999") != std::string::npos);
  CHECK(all.find("full-text index names: the statistics of field name say 2001 elements") != std::string::npos);
  CHECK(all.find("full-text index names: 1 terms' document frequencies are wrong ('stray' not counted, found 1)") !=
        std::string::npos);
}

}  // namespace kg

namespace kg {

TEST_CASE("full-text index definitions survive every export and load", "[fulltext]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.path() + "/from");
  {
    auto txn = test::Begin(*db);
    NodeId a = test::Ok(txn.CreateNode({"Place", "Named"}, {{"name", Value("彝良县")}}));
    NodeId b = test::Ok(txn.CreateNode({"Place"}, {{"name", Value("Zhaotong")}}));
    test::Ok(txn.CreateEdge(a, "IN", b, {{"quote", Value("Yiliang lies in the parks of Zhaotong")}}));
    test::Ok(txn.Commit());
  }
  test::Ok(db->CreateFullTextIndex(Spec("names", {"Place", "Named"}, {"name"}, "cjk")));
  test::Ok(db->CreateFullTextIndex(Spec("quote text", {"IN"}, {"quote"}, "english", true)));
  auto same_indexes = [&](Database& other) {
    auto x = db->Indexes(), y = other.Indexes();
    REQUIRE(x.size() == y.size());
    for (size_t i = 0; i < x.size(); ++i) {
      CHECK(x[i].name == y[i].name);
      CHECK(x[i].fulltext == y[i].fulltext);
      CHECK(x[i].relationships == y[i].relationships);
      CHECK(x[i].labels == y[i].labels);
      CHECK(x[i].properties == y[i].properties);
      CHECK(x[i].analyzer == y[i].analyzer);
    }
    auto txn = test::Begin(other, true);
    CHECK(test::Ok(txn.Search("names", "彝良")).size() == 1);
    CHECK(test::Ok(txn.Search("quote text", "park")).size() == 1);
    CheckClean(other);
  };
  for (ExportFormat format : {ExportFormat::kJsonl, ExportFormat::kCypher}) {
    std::string path = dir.path() + (format == ExportFormat::kJsonl ? "/g.jsonl" : "/g.cypher");
    {
      std::ofstream out(path);
      ExportStats stats;
      test::Ok(test::ExportTo(*db, {.format = format}, out, &stats));
    }
    auto to = test::OpenDb(dir.path() + "/to" + std::to_string(static_cast<int>(format)));
    LoadStats stats;
    test::Ok(test::LoadInto(*to, {{path}}, {}, &stats));
    same_indexes(*to);
  }
  ExportStats stats;
  test::Ok(test::ExportCsvTo(*db, {}, dir.path() + "/csv", &stats));
  auto to = test::OpenDb(dir.path() + "/to-csv");
  std::vector<LoadFile> files;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/csv")) files.push_back({e.path().string()});
  std::sort(files.begin(), files.end(), [](const LoadFile& a, const LoadFile& b) { return a.path < b.path; });
  LoadStats load;
  test::Ok(test::LoadInto(*to, files, {}, &load));
  same_indexes(*to);
}

}  // namespace kg
