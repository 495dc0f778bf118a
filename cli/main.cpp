// kg: the command-line program. Subcommands:
//   kg query --db DIR [--format F] [--param NAME=JSON]... (QUERY | --file FILE)
// Exit status: 0 success, 1 a statement or database error, 2 a usage error.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/csv_loader.h"
#include "cli/json.h"
#include "cli/output.h"
#include "cli/statements.h"
#include "kg/kg.h"

namespace {

using kg::cli::Format;

constexpr const char* kUsage =
    "usage: kg query --db DIR [--format table|csv|json|typed] [--param NAME=JSON]... (QUERY | --file FILE)\n"
    "       kg load --db DIR [--nodes FILE]... [--relationships FILE]... [FILE]...\n";

int Usage(const std::string& problem) {
  std::cerr << "kg: " << problem << "\n" << kUsage;
  return 2;
}

int Query(const std::vector<std::string>& args) {
  std::string db_dir, query, file;
  bool have_query = false;
  Format format = Format::kTable;
  kg::QueryParams params;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    std::string v;
    if (a == "--db") {
      if (!value(&db_dir)) return Usage("--db needs a directory");
    } else if (a == "--format") {
      if (!value(&v) || !kg::cli::ParseFormat(v, &format)) return Usage("--format takes table, csv, json or typed");
    } else if (a == "--file") {
      if (!value(&file)) return Usage("--file needs a path (- for standard input)");
    } else if (a == "--param") {
      if (!value(&v)) return Usage("--param needs NAME=JSON");
      size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) return Usage("--param needs NAME=JSON, got '" + v + "'");
      auto parsed = kg::cli::ParseJson(std::string_view(v).substr(eq + 1));
      if (!parsed.ok()) return Usage("--param " + v.substr(0, eq) + ": " + parsed.status().message());
      params[v.substr(0, eq)] = *parsed;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return Usage("unknown option " + a);
    } else if (!have_query) {
      query = a;
      have_query = true;
    } else {
      return Usage("more than one query given");
    }
  }
  if (db_dir.empty()) return Usage("--db DIR is required");
  if (have_query == !file.empty()) return Usage("give either a QUERY or --file FILE");

  auto db = kg::Database::Open(db_dir);
  if (!db.ok()) {
    std::cerr << "kg: " << db.status().ToString() << "\n";
    return 1;
  }
  kg::Connection conn(**db);
  std::vector<kg::cli::ScriptStatement> statements;
  if (have_query) {
    statements.push_back({query, 1});
  } else {
    std::stringstream buffer;
    if (file == "-") {
      buffer << std::cin.rdbuf();
    } else {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::cerr << "kg: cannot read " << file << "\n";
        return 1;
      }
      buffer << in.rdbuf();
      // LOAD CSV in a script reads files named relative to the script.
      conn.set_file_directory(std::filesystem::path(file).parent_path().string());
    }
    statements = kg::cli::SplitStatements(buffer.str());
  }
  std::string out;
  for (size_t i = 0; i < statements.size(); ++i) {
    kg::QueryResult r = conn.Execute(statements[i].text, params);
    if (!r.ok()) {
      std::cout << out;
      if (format == Format::kJson || format == Format::kTyped) {
        std::cout << kg::cli::FormatError(r, format) << "\n";
      }
      if (!have_query)
        std::cerr << "kg: statement " << (i + 1) << " (line " << statements[i].line << ") failed:\n";
      std::cerr << kg::cli::FormatError(r, Format::kTable) << "\n";
      std::cout.flush();
      return 1;
    }
    out += kg::cli::FormatResult(r, format);
    if (format == Format::kJson || format == Format::kTyped) out += "\n";
    if (out.size() > (1 << 16)) {
      std::cout << out;
      out.clear();
    }
  }
  std::cout << out;
  return 0;
}

int Load(const std::vector<std::string>& args) {
  std::string db_dir;
  std::vector<kg::cli::LoadFile> files;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--db" && i + 1 < args.size()) {
      db_dir = args[++i];
    } else if (a == "--nodes" && i + 1 < args.size()) {
      files.push_back({args[++i], kg::cli::LoadFile::Kind::kNodes});
    } else if (a == "--relationships" && i + 1 < args.size()) {
      files.push_back({args[++i], kg::cli::LoadFile::Kind::kRelationships});
    } else if (!a.empty() && a[0] == '-') {
      return Usage("unknown option " + a);
    } else {
      files.push_back({a, kg::cli::LoadFile::Kind::kAuto});
    }
  }
  if (db_dir.empty()) return Usage("--db DIR is required");
  if (files.empty()) return Usage("no files to load");
  auto db = kg::Database::Open(db_dir);
  if (!db.ok()) {
    std::cerr << "kg: " << db.status().ToString() << "\n";
    return 1;
  }
  kg::cli::LoadStats stats;
  kg::Status s = kg::cli::LoadCsv(**db, files, &stats);
  if (!s.ok()) {
    std::cerr << "kg load: " << s.message() << "\nkg load: nothing was loaded\n";
    return 1;
  }
  // A loaded database is compacted once, so reads start from a settled store.
  if (kg::Status c = (*db)->Compact(); !c.ok()) std::cerr << "kg load: compaction failed: " << c.ToString() << "\n";
  std::cerr << "kg load: " << stats.nodes << " nodes, " << stats.relationships << " relationships in "
            << stats.seconds << " s\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "kg 0.1.0\n";
    return 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "query") return Query(args);
  if (command == "load") return Load(args);
  return Usage("unknown command '" + command + "'");
}
