#include "cli/shell.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "kg/check.h"
#include "kg/export.h"
#include "kg/load.h"
#include "kg/json.h"
#include "kg/script.h"

namespace kg::cli {
namespace {

constexpr const char* kHelp =
    "Statements end with ';' and may span lines. Commands:\n"
    "  :help                         this text\n"
    "  :schema                       labels and relationship types with counts, property keys, indexes\n"
    "                                (SHOW PROCEDURES and SHOW FUNCTIONS list what CALL and expressions can use)\n"
    "  :param NAME => VALUE          set a parameter ($NAME); VALUE is a Cypher expression\n"
    "  :params                       list the parameters\n"
    "  :begin / :commit / :rollback  an explicit transaction (it holds the turn to write)\n"
    "  :source FILE                  run the statements in FILE\n"
    "  :format table|csv|json|typed  how results print\n"
    "  :timing on|off                show how long each statement took\n"
    "  :explain QUERY / :profile QUERY\n"
    "  :load FILE...                 load CSV, JSON Lines or Cypher files (atomic)\n"
    "  :export FORMAT PATH [QUERY]   export the graph or a query's subgraph (jsonl, csv, cypher, graphml, dot)\n"
    "  :quit                         leave (Ctrl-D also); Ctrl-C cancels the running statement\n";

constexpr const char* kCommands[] = {":help", ":schema", ":param", ":params", ":begin", ":commit", ":rollback",
                                     ":source", ":format", ":timing", ":explain", ":profile", ":load", ":export",
                                     ":quit"};

constexpr const char* kKeywords[] = {
    "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH", "UNWIND", "CREATE", "MERGE", "SET", "REMOVE", "DELETE",
    "DETACH", "ORDER", "BY", "SKIP", "LIMIT", "DISTINCT", "AS", "AND", "OR", "NOT", "XOR", "IN", "IS", "NULL",
    "TRUE", "FALSE", "CASE", "WHEN", "THEN", "ELSE", "END", "UNION", "ALL", "EXPLAIN", "PROFILE", "CONTAINS",
    "STARTS", "ENDS", "ASC", "DESC", "INDEX", "CONSTRAINT", "LOAD", "CSV", "HEADERS", "FROM", "count", "collect",
    "sum", "avg", "min", "max", "size", "labels", "type", "keys", "properties", "nodes", "relationships",
    "length", "shortestPath", "allShortestPaths", "coalesce", "toString", "toInteger", "exists", "id", "CALL",
    "YIELD", "SHOW", "PROCEDURES", "FUNCTIONS"};

std::string Trim(std::string s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

bool StreamLineSource::ReadLine(const std::string&, std::string* line, bool* interrupted) {
  *interrupted = false;
  if (!std::getline(in_, *line)) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

Shell::Shell(Database& db, std::ostream& out, std::ostream& err, ShellOptions options)
    : db_(db), conn_(db), out_(out), err_(err), options_(options) {
  QueryResult procedures = conn_.Execute("SHOW PROCEDURES");
  if (procedures.ok())
    for (const auto& row : procedures.rows()) procedures_.push_back(row.at(0).as_string());
}

bool Shell::Fail(const std::string& message) {
  err_ << message << (message.ends_with('\n') ? "" : "\n");
  return false;
}

int Shell::Run(LineSource& in) {
  std::string buffer, line;
  bool failed = false;
  while (!quit_) {
    bool interrupted = false;
    // In a transaction on a database open for writing, the shell holds the
    // turn to write, and says so.
    std::string prompt = !buffer.empty()              ? "   ...> "
                         : !conn_.in_transaction()    ? "kg> "
                         : db_.read_only()            ? "kg(tx)> "
                                                      : "kg(tx, writing)> ";
    if (!in.ReadLine(prompt, &line, &interrupted)) break;
    if (interrupted) {  // Ctrl-C at the prompt drops the statement being typed
      buffer.clear();
      continue;
    }
    if (buffer.empty()) {
      std::string t = Trim(line);
      if (t.empty()) continue;
      if (t[0] == ':') {
        in.AddHistory(t);
        if (!Command(t)) {
          failed = true;
          if (!options_.interactive) break;
        }
        continue;
      }
    }
    buffer += (buffer.empty() ? "" : "\n") + line;
    if (!IsCompleteStatement(buffer)) continue;
    in.AddHistory(buffer);
    std::string text = std::move(buffer);
    buffer.clear();
    if (!Execute(text)) {
      failed = true;
      if (!options_.interactive) break;
    }
  }
  if (!quit_ && !Trim(buffer).empty() && !failed) {
    // The input ended inside a statement without its ';': run it anyway.
    if (!Statement(buffer)) failed = true;
  }
  if (conn_.in_transaction()) {
    conn_.Rollback();
    err_ << "the open transaction was rolled back\n";
  }
  if (options_.interactive) out_ << "\n";
  return failed && !options_.interactive ? 1 : 0;
}

bool Shell::Execute(const std::string& text) {
  std::string t = Trim(text);
  if (t.empty()) return true;
  if (t[0] == ':') return Command(t);
  bool ok = true;
  conn_.ExecuteScript(SplitStatements(t), params_, [&](size_t, const QueryResult& r) { ok = Show(r) && ok; });
  return ok;
}

bool Shell::Statement(const std::string& text) { return Show(conn_.Execute(text, params_)); }

bool Shell::Show(const QueryResult& r) {
  if (!r.ok()) return Fail(FormatError(r, options_.format == Format::kTable || options_.format == Format::kCsv ? Format::kTable : options_.format));
  std::string s = FormatResult(r, options_.format);
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (options_.timing && options_.format == Format::kTable) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " (%.1f ms)", r.seconds() * 1000);
    s += buf;
  }
  out_ << s << "\n";
  out_.flush();
  return true;
}

bool Shell::Source(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(":source: cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  conn_.set_file_directory(std::filesystem::path(path).parent_path().string());
  bool ok = true;
  std::vector<ScriptStatement> statements = SplitStatements(buffer.str());
  conn_.ExecuteScript(statements, params_, [&](size_t i, const QueryResult& r) {
    if (!Show(r)) {
      err_ << path << ":" << statements[i].line << ": the statement starting here failed; the rest of the file was not run\n";
      ok = false;
    }
  });
  conn_.set_file_directory("");
  return ok;
}

void Shell::Help() { out_ << kHelp; }

void Shell::Schema() {
  auto txn = db_.Begin({.read_only = true});
  if (!txn.ok()) {
    Fail(txn.status().ToString());
    return;
  }
  out_ << "Labels:\n";
  for (const std::string& l : db_.Labels()) {
    auto n = txn->CountNodes(l);
    if (n.ok() && *n > 0) out_ << "  :" << l << "  " << *n << "\n";
  }
  out_ << "Relationship types:\n";
  for (const std::string& t : db_.EdgeTypes()) {
    auto n = txn->CountEdges(t);
    if (n.ok() && *n > 0) out_ << "  :" << t << "  " << *n << "\n";
  }
  out_ << "Property keys:\n  ";
  size_t width = 2;
  for (const std::string& k : db_.PropertyKeys()) {
    if (width + k.size() > 78) {
      out_ << "\n  ";
      width = 2;
    }
    out_ << k << " ";
    width += k.size() + 1;
  }
  out_ << "\nIndexes and constraints:\n";
  for (const IndexInfo& i : db_.Indexes()) {
    if (!i.fulltext) {
      out_ << "  " << i.name << "  " << (i.unique ? "UNIQUE " : "") << "(:" << i.label << " {" << i.property << "})\n";
      continue;
    }
    std::string labels, keys;
    for (const std::string& l : i.labels) labels += (labels.empty() ? ":" : "|") + l;
    for (const std::string& k : i.properties) keys += (keys.empty() ? "" : ", ") + k;
    out_ << "  " << i.name << "  FULLTEXT " << i.analyzer << " "
         << (i.relationships ? "()-[" + labels + "]-()" : "(" + labels + ")") << " [" << keys << "]\n";
  }
}

bool Shell::Command(const std::string& line) {
  size_t space = line.find_first_of(" \t");
  std::string cmd = line.substr(0, space);
  std::string rest = space == std::string::npos ? "" : Trim(line.substr(space));
  if (cmd == ":quit" || cmd == ":exit" || cmd == ":q") {
    quit_ = true;
    return true;
  }
  if (cmd == ":help" || cmd == ":h" || cmd == ":?") {
    Help();
    return true;
  }
  if (cmd == ":schema") {
    Schema();
    return true;
  }
  if (cmd == ":param") {
    size_t arrow = rest.find("=>");
    std::string name = Trim(rest.substr(0, arrow == std::string::npos ? rest.find(' ') : arrow));
    std::string expr = arrow == std::string::npos ? "" : Trim(rest.substr(arrow + 2));
    if (name.empty() || expr.empty()) return Fail("usage: :param NAME => VALUE   (e.g. :param province => 'Yunnan')");
    if (name[0] == '$') name.erase(0, 1);
    QueryResult r = conn_.Execute("RETURN " + expr + " AS value", params_);
    if (!r.ok()) return Fail(":param: " + FormatError(r, Format::kTable));
    params_[name] = r.rows()[0][0];
    out_ << "$" << name << " = " << r.rows()[0][0].ToString() << "\n";
    return true;
  }
  if (cmd == ":params") {
    if (params_.empty()) out_ << "(no parameters)\n";
    for (const auto& [k, v] : params_) out_ << "$" << k << " = " << v.ToString() << "\n";
    return true;
  }
  if (cmd == ":begin") {
    // Waits while another process writes; Ctrl-C gives up the wait.
    if (Status s = conn_.Begin(); !s.ok()) return Fail(":begin: " + s.message());
    out_ << (db_.read_only() ? "transaction open"
                             : "transaction open, holding the turn to write (other processes' writes wait)")
         << "; :commit or :rollback ends it\n";
    return true;
  }
  if (cmd == ":commit") {
    if (Status s = conn_.Commit(); !s.ok()) return Fail(":commit: " + s.message());
    out_ << "committed\n";
    return true;
  }
  if (cmd == ":rollback") {
    if (!conn_.in_transaction()) return Fail(":rollback: no transaction is open");
    conn_.Rollback();
    out_ << "rolled back\n";
    return true;
  }
  if (cmd == ":source") {
    if (rest.empty()) return Fail("usage: :source FILE");
    return Source(rest);
  }
  if (cmd == ":format") {
    if (!ParseFormat(rest, &options_.format)) return Fail("usage: :format table|csv|json|typed");
    return true;
  }
  if (cmd == ":timing") {
    if (rest != "on" && rest != "off") return Fail("usage: :timing on|off");
    options_.timing = rest == "on";
    return true;
  }
  if (cmd == ":explain" || cmd == ":profile") {
    if (rest.empty()) return Fail("usage: " + cmd + " QUERY");
    if (rest.back() == ';') rest.pop_back();
    return Statement((cmd == ":explain" ? "EXPLAIN " : "PROFILE ") + rest);
  }
  if (cmd == ":load") {
    if (conn_.in_transaction()) return Fail(":load runs in a transaction of its own; :commit or :rollback first");
    std::vector<LoadFile> files;
    for (const std::string& w : Words(rest)) files.push_back({w});
    if (files.empty()) return Fail("usage: :load FILE...");
    auto stats = Load(db_, files);
    if (!stats.ok()) return Fail(":load: " + stats.status().message() + "\nnothing was loaded");
    out_ << "loaded " << stats->nodes << " nodes, " << stats->relationships << " relationships in " << stats->seconds
         << " s\n";
    return true;
  }
  if (cmd == ":export") {
    std::vector<std::string> w = Words(rest);
    ExportOptions options;
    if (w.size() < 2 || !ParseExportFormat(w[0], &options.format))
      return Fail("usage: :export jsonl|csv|cypher|graphml|dot PATH [QUERY]");
    size_t path_at = rest.find(w[1], w[0].size());
    options.query = Trim(rest.substr(path_at + w[1].size()));
    if (!options.query.empty() && options.query.back() == ';') options.query.pop_back();
    options.params = params_;
    Result<ExportStats> stats = Status::OK();
    if (options.format == ExportFormat::kCsv) {
      stats = ExportCsv(db_, options, w[1]);
    } else {
      std::ofstream f(w[1], std::ios::binary | std::ios::trunc);
      if (!f) return Fail(":export: cannot write " + w[1]);
      stats = Export(db_, options, f);
    }
    if (!stats.ok()) return Fail(":export: " + stats.status().message());
    out_ << "exported " << stats->nodes << " nodes, " << stats->relationships << " relationships to " << w[1] << "\n";
    return true;
  }
  return Fail("unknown command " + cmd + "; :help lists the commands");
}

namespace {

std::string AsciiUpperCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::vector<std::string> Shell::Complete(std::string_view line) const {
  size_t start = line.size();
  while (start > 0) {
    char c = line[start - 1];
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c == ':' && start == 1)) --start;
    else break;
  }
  std::string word(line.substr(start));
  char before = start > 0 ? line[start - 1] : '\0';
  // After CALL, a procedure name: its dotted part typed so far stays, the
  // candidates are the rest of each name that goes on from it.
  size_t dotted = start;
  while (dotted > 0 && (std::isalnum(static_cast<unsigned char>(line[dotted - 1])) || line[dotted - 1] == '_' ||
                        line[dotted - 1] == '.'))
    --dotted;
  size_t kw_end = dotted;
  while (kw_end > 0 && std::isspace(static_cast<unsigned char>(line[kw_end - 1]))) --kw_end;
  bool after_call = kw_end < dotted && kw_end >= 4 && AsciiUpperCopy(line.substr(kw_end - 4, 4)) == "CALL" &&
                    (kw_end == 4 || !std::isalnum(static_cast<unsigned char>(line[kw_end - 5])));
  std::vector<std::string> pool;
  if (after_call) {
    std::string typed(line.substr(dotted, start - dotted));
    for (const std::string& p : procedures_)
      if (AsciiUpperCopy(p).starts_with(AsciiUpperCopy(typed))) pool.push_back(p.substr(typed.size()));
  } else if (!word.empty() && word[0] == ':') {
    for (const char* c : kCommands) pool.push_back(c);
  } else if (before == ':') {
    pool = db_.Labels();
    for (auto& t : db_.EdgeTypes()) pool.push_back(t);
  } else if (before == '.' || before == '{' || before == '$') {
    pool = db_.PropertyKeys();
    if (before == '$')
      for (const auto& [k, v] : params_) pool.push_back(k);
  } else {
    for (const char* k : kKeywords) pool.push_back(k);
  }
  std::vector<std::string> out;
  for (const std::string& p : pool) {
    if (p.size() < word.size()) continue;
    bool match = true;
    for (size_t i = 0; i < word.size() && match; ++i)
      match = std::toupper(static_cast<unsigned char>(p[i])) == std::toupper(static_cast<unsigned char>(word[i]));
    if (match) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace kg::cli
