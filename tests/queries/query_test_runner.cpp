// Runs the declarative query tests in tests/queries/*.test. Each file is
// run against a fresh database; blocks are separated by blank lines:
//
//   statement ok            a statement that must succeed
//   CREATE (:A {x: 1})
//
//   statement error         a statement that must fail with this exact text
//   RETURN m
//   ----
//   SyntaxError (UndefinedVariable): variable `m` is not defined (line 1, column 8)
//   RETURN m
//          ^
//
//   query [rowsort]         a query and its exact output: the column names,
//   MATCH (a:A) RETURN a.x  then one line per row, cells joined by " | "
//   ----
//   a.x
//   1
//
// KG_RECORD=1 rewrites each file with the actual outputs, for review as a diff.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "kg/kg.h"
#include "tests/test_util.h"

namespace {

struct Block {
  std::string kind;  // "statement ok", "statement error", "query"
  bool rowsort = false;
  std::string statement;
  std::vector<std::string> expected;
  int line = 0;
};

std::vector<Block> ParseFile(const std::string& path) {
  std::ifstream in(path);
  std::vector<Block> blocks;
  std::string line;
  int n = 0;
  Block* cur = nullptr;
  bool in_expected = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) {
      cur = nullptr;
      in_expected = false;
      continue;
    }
    if (!cur) {
      if (line[0] == '#') continue;
      blocks.push_back({});
      cur = &blocks.back();
      cur->line = n;
      if (line.rfind("query", 0) == 0) {
        cur->kind = "query";
        cur->rowsort = line.find("rowsort") != std::string::npos;
      } else {
        cur->kind = line;
      }
      continue;
    }
    if (line == "----") {
      in_expected = true;
      continue;
    }
    if (in_expected) cur->expected.push_back(line);
    else cur->statement += (cur->statement.empty() ? "" : "\n") + line;
  }
  return blocks;
}

std::vector<std::string> Render(const kg::QueryResult& r, bool rowsort) {
  std::vector<std::string> out;
  if (!r.ok()) {
    std::istringstream lines(r.error().code + (r.error().detail.empty() ? "" : " (" + r.error().detail + ")") + ": " +
                             r.error().pretty);
    std::string l;
    while (std::getline(lines, l)) out.push_back(l);
    return out;
  }
  std::string header;
  for (size_t i = 0; i < r.columns().size(); ++i) header += (i ? " | " : "") + r.columns()[i];
  out.push_back(header);
  std::vector<std::string> rows;
  for (const auto& row : r.rows()) {
    std::string s;
    for (size_t i = 0; i < row.size(); ++i) s += (i ? " | " : "") + row[i].ToString();
    rows.push_back(s);
  }
  if (rowsort) std::sort(rows.begin(), rows.end());
  out.insert(out.end(), rows.begin(), rows.end());
  std::istringstream plan(r.plan());
  std::string l;
  while (std::getline(plan, l)) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("declarative query tests", "[query][queries]") {
  namespace fs = std::filesystem;
  bool record = std::getenv("KG_RECORD") != nullptr;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(KG_QUERY_TESTS_DIR))
    if (e.path().extension() == ".test") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      kg::test::TempDir dir;
      auto db = kg::test::OpenDb(dir.db());
      kg::Connection conn(*db);
      std::vector<Block> blocks = ParseFile(file.string());
      std::ostringstream rewritten;
      std::ifstream original(file);
      std::string header_comments, l;
      while (std::getline(original, l) && (l.empty() || l[0] == '#')) header_comments += l + "\n";
      rewritten << header_comments;
      for (const Block& b : blocks) {
        INFO(file.filename().string() << ":" << b.line << ": " << b.statement);
        kg::QueryResult r = conn.Execute(b.statement);
        std::vector<std::string> actual;
        if (b.kind == "statement ok") {
          INFO(r.error().pretty);
          CHECK(r.ok());
        } else if (b.kind == "statement error") {
          CHECK_FALSE(r.ok());
          actual = Render(r, false);
          if (!record) CHECK(actual == b.expected);
        } else {
          actual = Render(r, b.rowsort);
          if (!record) CHECK(actual == b.expected);
        }
        rewritten << (b.kind == "query" && b.rowsort ? "query rowsort" : b.kind) << "\n" << b.statement << "\n";
        if (b.kind != "statement ok") {
          rewritten << "----\n";
          for (const auto& a : actual) rewritten << a << "\n";
        }
        rewritten << "\n";
      }
      if (record) {
        std::string text = rewritten.str();
        while (text.size() >= 2 && text.substr(text.size() - 2) == "\n\n") text.pop_back();
        std::ofstream(file) << text;
      }
    }
  }
}
