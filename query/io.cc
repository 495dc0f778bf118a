// kg::Load and kg::Export: the format dispatch. CSV and JSON Lines go
// through graph/'s loader; Cypher scripts run on a Connection; exports of a
// query's subgraph run the query first.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "graph/export.h"
#include "graph/loader.h"
#include "kg/connection.h"
#include "kg/export.h"
#include "kg/load.h"
#include "kg/script.h"
#include "query/lexer.h"

namespace kg {
namespace {

FileFormat FormatOf(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".csv" || ext == ".tsv") return FileFormat::kCsv;
  if (ext == ".jsonl" || ext == ".json" || ext == ".ndjson") return FileFormat::kJsonl;
  if (ext == ".cypher" || ext == ".cql") return FileFormat::kCypher;
  return FileFormat::kAuto;
}


std::string Located(const std::string& path, const ScriptStatement& st, const QueryError& e) {
  int line = st.line + (e.line > 0 ? e.line - 1 : 0);
  std::string where = path + ":" + std::to_string(line) + (e.column > 0 ? ":" + std::to_string(e.column) : "");
  return where + ": " + e.code + (e.detail.empty() ? "" : " (" + e.detail + ")") + ": " + e.pretty;
}

// A script's prerequisites: each "// kg:require QUERY" line (QUERY returns
// one row whose first value is true when the prerequisite holds), with the
// message of the "// kg:else MESSAGE" line after it.
struct Requirement {
  ScriptStatement query;
  std::string message;
};

std::vector<Requirement> Requirements(const std::string& script) {
  std::vector<Requirement> out;
  std::istringstream in(script);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    size_t at = line.find_first_not_of(" \t");
    if (at == std::string::npos) continue;
    std::string_view text = std::string_view(line).substr(at);
    if (text.starts_with("// kg:require ")) {
      out.push_back({{std::string(text.substr(14)), number}, "a prerequisite of the script does not hold"});
    } else if (text.starts_with("// kg:else ") && !out.empty()) {
      out.back().message = std::string(text.substr(11));
      while (!out.back().message.empty() && out.back().message.back() == '\r') out.back().message.pop_back();
    }
  }
  return out;
}

// The text of the script at path.
Result<std::string> ReadScript(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open the file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Takes back the indexes and constraints made since it was made, for a
// load that fails.
class IndexUndo {
 public:
  explicit IndexUndo(Database& db) : db_(db) {
    for (const IndexInfo& i : db.Indexes()) before_.insert(i.name);
  }
  void Undo() {
    for (const IndexInfo& i : db_.Indexes())
      if (!before_.count(i.name)) (void)db_.DropIndex(i.name);
  }

 private:
  Database& db_;
  std::set<std::string> before_;
};

Status LoadScripts(Database& db, const std::vector<LoadFile>& files, LoadStats* stats) {
  struct Item {
    std::string path;
    ScriptStatement statement;
    std::string opening;
    std::optional<std::string> requirement;  // the message when a kg:require fails
  };
  std::vector<Item> creates, data, drops;
  for (const LoadFile& f : files) {
    auto text = ReadScript(f.path);
    if (!text.ok()) return text.status();
    // Prerequisites are checked, in the load's transaction, before the
    // script's first data statement: they see what earlier scripts loaded.
    for (Requirement& r : Requirements(*text))
      data.push_back({f.path, std::move(r.query), "", std::move(r.message)});
    for (ScriptStatement& st : SplitStatements(*text)) {
      std::string opening = query::OpeningWords(st.text);
      Item item{f.path, std::move(st), opening, std::nullopt};
      if (opening == "CREATE INDEX" || opening == "CREATE CONSTRAINT" || opening == "CREATE FULLTEXT")
        creates.push_back(std::move(item));
      else if (opening == "DROP INDEX" || opening == "DROP CONSTRAINT") drops.push_back(std::move(item));
      else data.push_back(std::move(item));
    }
  }
  IndexUndo undo(db);
  Connection conn(db);
  auto run = [&](const Item& item) -> Status {
    conn.set_file_directory(std::filesystem::path(item.path).parent_path().string());
    QueryResult r = conn.Execute(item.statement.text);
    if (item.requirement) {
      if (!r.ok()) return Status::InvalidArgument(Located(item.path, item.statement, r.error()));
      bool holds = r.rows().size() == 1 && !r.rows()[0].empty() && r.rows()[0][0] == Value(true);
      if (!holds)
        return Status::InvalidArgument(item.path + ":" + std::to_string(item.statement.line) + ": " + *item.requirement);
      return Status::OK();
    }
    ++stats->statements;
    if (!r.ok()) return Status::InvalidArgument(Located(item.path, item.statement, r.error()));
    stats->nodes += static_cast<uint64_t>(std::max<int64_t>(0, r.counters().nodes_created));
    stats->relationships += static_cast<uint64_t>(std::max<int64_t>(0, r.counters().relationships_created));
    return Status::OK();
  };
  // Index and constraint creations first (together: one read of the
  // nodes for all), so the data statements' writes are indexed as they
  // happen; then the data in one transaction; drops once it has committed.
  std::vector<ScriptStatement> create_statements;
  for (const Item& item : creates) create_statements.push_back(item.statement);
  Status created;
  conn.ExecuteScript(create_statements, {}, [&](size_t i, const QueryResult& r) {
    ++stats->statements;
    if (!r.ok()) created = Status::InvalidArgument(Located(creates[i].path, creates[i].statement, r.error()));
  });
  if (!created.ok()) {
    undo.Undo();
    return created;
  }
  if (Status s = conn.Begin(); !s.ok()) return s;
  for (const Item& item : data)
    if (Status s = run(item); !s.ok()) {
      conn.Rollback();
      undo.Undo();
      return s;
    }
  if (Status s = conn.Commit(); !s.ok()) {
    undo.Undo();
    return s;
  }
  for (const Item& item : drops)
    if (Status s = run(item); !s.ok()) return s;
  return Status::OK();
}

// Data files (CSV, JSON Lines), with the indexes and constraints that come
// with them: Cypher scripts beside them that only create indexes and
// constraints (a CSV export's schema.cypher) and the leading schema lines of
// JSON Lines files. The schema is made first, so the data is indexed as it
// loads; a load that fails takes back the indexes it made.
Status LoadDataWithSchema(Database& db, const std::vector<LoadFile>& scripts, const std::vector<LoadFile>& csv,
                          const std::vector<LoadFile>& jsonl, const LoadOptions& options, uint64_t total_bytes,
                          LoadStats* stats) {
  struct Creation {
    std::string path;
    ScriptStatement statement;
  };
  std::vector<Creation> creations;
  for (const LoadFile& f : scripts) {
    auto text = ReadScript(f.path);
    if (!text.ok()) return text.status();
    for (ScriptStatement& st : SplitStatements(*text)) {
      std::string opening = query::OpeningWords(st.text);
      if (opening != "CREATE INDEX" && opening != "CREATE CONSTRAINT" && opening != "CREATE FULLTEXT")
        return Status::InvalidArgument(f.path + ":" + std::to_string(st.line) +
                                       ": beside data files, a Cypher script may only create indexes and "
                                       "constraints; load other scripts on their own");
      creations.push_back({f.path, std::move(st)});
    }
  }
  std::vector<IndexSpec> specs;
  std::vector<FullTextIndexSpec> fulltext;
  for (const LoadFile& f : jsonl)
    if (Status s = graph::SchemaLines(f.path, &specs, &fulltext); !s.ok()) return s;
  IndexUndo undo(db);
  Status made;
  if (!creations.empty()) {
    std::vector<ScriptStatement> statements;
    for (const Creation& c : creations) statements.push_back(c.statement);
    Connection conn(db);
    conn.ExecuteScript(statements, {}, [&](size_t i, const QueryResult& r) {
      ++stats->statements;
      if (!r.ok() && made.ok())
        made = Status::InvalidArgument(Located(creations[i].path, creations[i].statement, r.error()));
    });
  }
  if (made.ok() && !specs.empty()) made = db.CreateIndexes(specs);
  for (const FullTextIndexSpec& spec : fulltext)
    if (made.ok()) made = db.CreateFullTextIndex(spec);
  if (!made.ok()) {
    undo.Undo();
    return made;
  }
  Status result = graph::LoadData(db, csv, jsonl, options, total_bytes, stats);
  if (!result.ok()) undo.Undo();
  return result;
}

// Collects the nodes and relationships a value holds.
void Collect(const Value& v, std::set<NodeId>* nodes, std::set<EdgeId>* edges) {
  switch (v.type()) {
    case Value::Type::kNode: nodes->insert(v.as_node_ref().id); return;
    case Value::Type::kEdge:
      edges->insert(v.as_edge_ref().id);
      nodes->insert(v.as_edge_ref().source);
      nodes->insert(v.as_edge_ref().target);
      return;
    case Value::Type::kPath:
      for (const Value& n : v.as_path().nodes) Collect(n, nodes, edges);
      for (const Value& e : v.as_path().edges) Collect(e, nodes, edges);
      return;
    case Value::Type::kList:
      for (const Value& x : v.as_list()) Collect(x, nodes, edges);
      return;
    case Value::Type::kMap:
      for (const auto& [k, x] : v.as_map()) Collect(x, nodes, edges);
      return;
    default: return;
  }
}

Result<graph::Selection> Select(Database& db, const ExportOptions& options) {
  graph::Selection sel;
  if (options.query.empty()) return sel;
  sel.everything = false;
  std::set<NodeId> nodes;
  std::set<EdgeId> edges;
  // In a transaction that is rolled back, whatever the query does: an
  // export writes nothing. Schema commands do not run in a transaction, so
  // they are refused before they run.
  std::string opening = query::OpeningWords(options.query);
  if (opening.starts_with("CREATE INDEX") || opening.starts_with("CREATE CONSTRAINT") || opening == "CREATE FULLTEXT" ||
      opening.starts_with("DROP INDEX") || opening.starts_with("DROP CONSTRAINT"))
    return Status::InvalidArgument("--query: an export's query must only read; this one changes the schema");
  Connection conn(db);
  if (Status s = conn.Begin(); !s.ok()) return s;
  QueryResult r = conn.Stream(options.query, options.params, [&](const std::vector<Value>& row) {
    for (const Value& v : row) Collect(v, &nodes, &edges);
    return true;
  });
  conn.Rollback();
  if (!r.ok()) return Status::InvalidArgument("--query: " + r.error().pretty);
  const QueryCounters& c = r.counters();
  if (c.nodes_created || c.nodes_deleted || c.relationships_created || c.relationships_deleted || c.properties_set ||
      c.properties_removed || c.labels_added || c.labels_removed)
    return Status::InvalidArgument("--query: an export's query must only read; this one writes (nothing was written)");
  sel.nodes.assign(nodes.begin(), nodes.end());
  sel.edges.assign(edges.begin(), edges.end());
  return sel;
}

}  // namespace

Result<LoadStats> Load(Database& db, const std::vector<LoadFile>& files, const LoadOptions& options) {
  auto started = std::chrono::steady_clock::now();
  LoadStats out;
  LoadStats* stats = &out;
  if (files.empty()) return Status::InvalidArgument("no files to load");
  std::vector<LoadFile> csv, jsonl, cypher;
  uint64_t total_bytes = 0;
  for (const LoadFile& f : files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(f.path, ec)) return Status::NotFound(f.path + ": no such file");
    total_bytes += std::filesystem::file_size(f.path, ec);
    FileFormat format = options.format == FileFormat::kAuto ? FormatOf(f.path) : options.format;
    switch (format) {
      case FileFormat::kCsv: csv.push_back(f); break;
      case FileFormat::kJsonl: jsonl.push_back(f); break;
      case FileFormat::kCypher: cypher.push_back(f); break;
      case FileFormat::kAuto:
        return Status::InvalidArgument(f.path + ": cannot tell the format from the extension; use .csv, .tsv, .jsonl, "
                                                ".cypher or give the format");
    }
  }
  Status result = csv.empty() && jsonl.empty()
                      ? LoadScripts(db, cypher, stats)
                      : LoadDataWithSchema(db, cypher, csv, jsonl, options, total_bytes, stats);
  if (!result.ok()) return result;
  stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

bool ParseExportFormat(const std::string& name, ExportFormat* format) {
  static const std::pair<const char*, ExportFormat> kNames[] = {{"jsonl", ExportFormat::kJsonl},
                                                                  {"csv", ExportFormat::kCsv},
                                                                  {"cypher", ExportFormat::kCypher},
                                                                  {"graphml", ExportFormat::kGraphml},
                                                                  {"dot", ExportFormat::kDot}};
  for (const auto& [n, f] : kNames)
    if (name == n) {
      *format = f;
      return true;
    }
  return false;
}

Result<ExportStats> Export(Database& db, const ExportOptions& options, std::ostream& out) {
  auto sel = Select(db, options);
  if (!sel.ok()) return sel.status();
  auto txn = db.Begin({.read_only = true});
  if (!txn.ok()) return txn.status();
  ExportStats stats;
  if (Status s = graph::WriteExport(*txn, *sel, db.Indexes(), options.format, out, &stats); !s.ok()) return s;
  return stats;
}

Result<ExportStats> ExportCsv(Database& db, const ExportOptions& options, const std::string& directory) {
  auto sel = Select(db, options);
  if (!sel.ok()) return sel.status();
  auto txn = db.Begin({.read_only = true});
  if (!txn.ok()) return txn.status();
  ExportStats stats;
  if (Status s = graph::WriteCsvExport(*txn, *sel, db.Indexes(), directory, &stats); !s.ok()) return s;
  return stats;
}

}  // namespace kg
