// kg: the command-line program, a client of the public API in include/kg/.
// Exit status: 0 success, 1 a statement, load or database error, 2 a usage error.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/line_editor.h"
#include "cli/output.h"
#include "cli/shell.h"
#include "kg/kg.h"
#include "server/bolt_server.h"

#ifndef KG_DATASETS_DIR
#define KG_DATASETS_DIR ""
#endif

// `kg example wordnet`, in wordnet.cc.
int Wordnet(kg::Database& db, const std::string& source);

namespace {

using kg::cli::Format;

constexpr const char* kUsage =
    "usage: kg [DIR]                                   open the shell on the database in DIR\n"
    "       kg shell [--db DIR] [--read-only] [--busy-timeout MS] [--timeout SECONDS] [--max-memory SIZE]\n"
    "       kg query [--db DIR] [--read-only] [--busy-timeout MS] [--timeout SECONDS] [--max-memory SIZE]\n"
    "                [--format table|csv|json|typed] [--param NAME=JSON]...\n"
    "                (QUERY | --file FILE)\n"
    "       kg load [--db DIR] [--format csv|jsonl|cypher] [--nodes FILE]... [--relationships FILE]...\n"
    "               [--skip-bad N] [--rejects FILE] [--no-compact] [FILE]...\n"
    "       kg export [--db DIR] --format jsonl|csv|cypher|graphml|dot [-o PATH] [--query QUERY] [--param NAME=JSON]...\n"
    "       kg check [--db DIR]\n"
    "       kg serve [--db DIR] [--read-only] [--busy-timeout MS] [--timeout SECONDS] [--max-memory SIZE]\n"
    "               [--listen HOST:PORT]\n"
    "               [--auth USER:PASSWORD | --auth-file FILE]\n"
    "               [--max-connections N] [--idle-timeout SECONDS] [--max-message-bytes N]\n"
    "                                                    serve the database to Neo4j drivers over Bolt\n"
    "                                                    (default 127.0.0.1:7687; port 0: any free port)\n"
    "       kg example [NAME] [--db DIR] [--no-question] [--wordnet-dir DIR]\n"
    "                                                    load an example dataset (no NAME: list them)\n"
    "       kg --version\n"
    "Without --db, the database is $KG_DB, else ~/.local/share/kg/default. Any number of processes\n"
    "open it at once, each statement seeing every commit made before it began. Reads never wait;\n"
    "writers take turns: a write waits while another process writes, at most --busy-timeout MS\n"
    "(default 5000; every subcommand takes it), then fails as busy, naming that process.\n"
    "--read-only (kg check and kg export always) needs no write access to the directory.\n"
    "A commit returns once it is on disk; --no-sync (every subcommand takes it) skips that wait,\n"
    "so that a power loss may lose the last commits (a killed process still loses none).\n"
    "A statement fails when it runs longer than --timeout SECONDS (default: no limit) or would hold\n"
    "more memory than --max-memory SIZE (bytes, or with K, M or G; default: a quarter of the\n"
    "machine's memory; 0: no limit), and its writes are undone.\n";

// Every 4 KiB of heap a process touches for the first time costs a page
// fault, which on virtual machines is much of what a short statement in a
// fresh process spends (blocks read into the cache, rows, plans). So the
// heap grows in one step of 64 MiB, which the kernel is asked to back with
// transparent huge pages (in its madvise mode): a fault per 2 MiB. The step
// is address space only; pages are made as they are touched. The heap is
// not trimmed below it, so that it stays advised. KG_HUGE_PAGES=0 leaves
// the heap as glibc makes it.
void HugePagesForHeap() {
  if (const char* off = std::getenv("KG_HUGE_PAGES"); off && std::string_view(off) == "0") return;
  constexpr size_t kStep = size_t{64} << 20, kHuge = size_t{2} << 20;
  ::mallopt(M_TOP_PAD, static_cast<int>(kStep));
  ::mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * kStep));
  auto* before = static_cast<char*>(::sbrk(0));
  // Allocations below the mmap threshold until the heap grows (by the pad).
  std::vector<void*> taken;
  char* after = before;
  while (after == before && taken.size() < 64) {
    taken.push_back(std::malloc(64 << 10));
    after = static_cast<char*>(::sbrk(0));
  }
  for (void* p : taken) std::free(p);
  if (before == reinterpret_cast<char*>(-1) || after <= before) return;
  auto* from = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(before) + kHuge - 1) & ~(kHuge - 1));
  if (after > from) ::madvise(from, static_cast<size_t>(after - from), MADV_HUGEPAGE);
}

int Usage(const std::string& problem) {
  std::cerr << "kg: " << problem << "\n" << kUsage;
  return 2;
}

std::string DefaultDb() {
  if (const char* env = std::getenv("KG_DB"); env && *env) return env;
  std::string base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) base = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home) base = std::string(home) + "/.local/share";
  else base = ".";
  return base + "/kg/default";
}

// The example datasets: $KG_DATASETS when set; else those installed beside
// this program (PREFIX/share/kg/datasets for PREFIX/bin/kg); else those of
// the source tree it was built from.
std::string DatasetsDir() {
  if (const char* env = std::getenv("KG_DATASETS"); env && *env) return env;
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    std::filesystem::path installed = self.parent_path().parent_path() / "share" / "kg" / "datasets";
    if (std::filesystem::is_directory(installed, ec)) return installed.string();
  }
  return KG_DATASETS_DIR;
}

// Options shared by the subcommands, parsed in one place.
struct Args {
  std::string db;
  std::optional<std::chrono::milliseconds> busy_timeout;  // --busy-timeout MS
  bool no_sync = false;                                    // --no-sync
  std::optional<std::chrono::milliseconds> timeout;       // --timeout SECONDS
  std::optional<size_t> max_memory;                        // --max-memory SIZE
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // in order

  std::string Get(const std::string& name) const {
    for (const auto& [k, v] : options)
      if (k == name) return v;
    return "";
  }
  bool Has(const std::string& name) const {
    for (const auto& [k, v] : options)
      if (k == name) return true;
    return false;
  }
};

// "1048576", "512M", "2G", "1.5g": bytes.
std::optional<size_t> ParseSize(const std::string& text) {
  char* end = nullptr;
  double n = std::strtod(text.c_str(), &end);
  if (text.empty() || end == text.c_str() || !(n >= 0)) return std::nullopt;
  std::string unit = end;
  double scale = 1;
  if (unit == "K" || unit == "k") scale = 1024.0;
  else if (unit == "M" || unit == "m") scale = 1024.0 * 1024;
  else if (unit == "G" || unit == "g") scale = 1024.0 * 1024 * 1024;
  else if (!unit.empty()) return std::nullopt;
  if (n * scale > 1e18) return std::nullopt;
  return static_cast<size_t>(n * scale);
}

// --timeout and --max-memory on a connection (the memory limit's default is
// the library's: a quarter of the machine's memory).
void ApplyLimits(const Args& args, kg::Connection& conn) {
  if (args.timeout) conn.set_timeout(*args.timeout);
  if (args.max_memory) conn.set_memory_limit(*args.max_memory);
}

// Parses args; options listed in with_value take a value. Returns false
// (after printing usage) on an unknown option or a missing value.
bool ParseArgs(const std::vector<std::string>& args, const std::vector<std::string>& with_value,
               const std::vector<std::string>& flags, Args* out, int* status) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {  // kg load --help: the usage, and nothing else done
      std::cout << kUsage;
      *status = 0;
      return false;
    }
    bool takes = std::find(with_value.begin(), with_value.end(), a) != with_value.end();
    bool flag = std::find(flags.begin(), flags.end(), a) != flags.end();
    if (a == "--busy-timeout") {
      char* end = nullptr;
      long long ms = i + 1 < args.size() ? std::strtoll(args[i + 1].c_str(), &end, 10) : -1;
      if (i + 1 >= args.size() || args[i + 1].empty() || *end != '\0' || ms < 0) {
        *status = Usage("--busy-timeout needs a number of milliseconds");
        return false;
      }
      out->busy_timeout = std::chrono::milliseconds(ms);
      ++i;
    } else if (a == "--no-sync") {
      out->no_sync = true;
    } else if (a == "--timeout") {
      char* end = nullptr;
      double seconds = i + 1 < args.size() ? std::strtod(args[i + 1].c_str(), &end) : -1;
      if (i + 1 >= args.size() || args[i + 1].empty() || *end != '\0' || !(seconds >= 0) || seconds > 1e9) {
        *status = Usage("--timeout needs a number of seconds (0: no limit)");
        return false;
      }
      out->timeout = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000 + 0.5));
      ++i;
    } else if (a == "--max-memory") {
      auto bytes = i + 1 < args.size() ? ParseSize(args[i + 1]) : std::nullopt;
      if (!bytes) {
        *status = Usage("--max-memory needs a size: bytes, or a number with K, M or G (0: no limit)");
        return false;
      }
      out->max_memory = *bytes;
      ++i;
    } else if (a == "--db" || takes) {
      if (i + 1 >= args.size()) {
        *status = Usage(a + " needs a value");
        return false;
      }
      // An option where a value belongs is a slip (kg shell --db --read-only),
      // not a directory to make; ./--name names one that begins so.
      if (args[i + 1].size() > 1 && args[i + 1][0] == '-' && args[i + 1] != "-") {
        *status = Usage(a + " needs a value, not the option " + args[i + 1]);
        return false;
      }
      if (a == "--db") out->db = args[++i];
      else out->options.emplace_back(a, args[++i]);
    } else if (flag) {
      out->options.emplace_back(a, "");
    } else if (a.size() > 1 && a[0] == '-' && a != "-") {
      *status = Usage("unknown option " + a);
      return false;
    } else {
      out->positional.push_back(a);
    }
  }
  if (out->db.empty()) out->db = DefaultDb();
  return true;
}

// A read-only open needs no write access to the directory.
std::unique_ptr<kg::Database> OpenDb(const Args& args, bool read_only = false) {
  const std::string& dir = args.db;
  kg::Options options;
  options.read_only = read_only;
  if (args.busy_timeout) options.busy_timeout = *args.busy_timeout;
  options.sync_commits = !args.no_sync;
  std::error_code ec;
  if (!read_only) std::filesystem::create_directories(dir, ec);
  auto db = kg::Database::Open(dir, options);
  if (!db.ok()) {
    std::cerr << "kg: " << dir << ": " << db.status().ToString() << "\n";
    return nullptr;
  }
  return std::move(*db);
}

bool ParseParams(const Args& args, kg::QueryParams* params, int* status) {
  for (const auto& [k, v] : args.options) {
    if (k != "--param") continue;
    size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      *status = Usage("--param needs NAME=JSON, got '" + v + "'");
      return false;
    }
    auto parsed = kg::ParseJson(std::string_view(v).substr(eq + 1));
    if (!parsed.ok()) {
      *status = Usage("--param " + v.substr(0, eq) + ": " + parsed.status().message());
      return false;
    }
    (*params)[v.substr(0, eq)] = *parsed;
  }
  return true;
}

int Query(const std::vector<std::string>& argv) {
  Args args;
  int status = 0;
  if (!ParseArgs(argv, {"--format", "--file", "--param"}, {"--read-only"}, &args, &status)) return status;
  Format format = Format::kTable;
  if (args.Has("--format") && !kg::cli::ParseFormat(args.Get("--format"), &format))
    return Usage("--format takes table, csv, json or typed");
  kg::QueryParams params;
  if (!ParseParams(args, &params, &status)) return status;
  std::string file = args.Get("--file");
  if (args.positional.size() > 1) return Usage("more than one query given (quote the query)");
  bool have_query = args.positional.size() == 1;
  if (have_query == !file.empty()) return Usage("give either a QUERY or --file FILE");

  auto db = OpenDb(args, args.Has("--read-only"));
  if (!db) return 1;
  kg::Connection conn(*db);
  ApplyLimits(args, conn);
  std::vector<kg::ScriptStatement> statements;
  if (have_query) {
    statements.push_back({args.positional[0], 1});
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
    statements = kg::SplitStatements(buffer.str());
  }
  std::string out;
  bool failed = false;
  conn.ExecuteScript(statements, params, [&](size_t i, const kg::QueryResult& r) {
    if (!r.ok()) {
      failed = true;
      std::cout << out;
      out.clear();
      if (format == Format::kJson || format == Format::kTyped) std::cout << kg::cli::FormatError(r, format) << "\n";
      if (!have_query)
        std::cerr << "kg: " << file << ":" << statements[i].line << ": statement " << (i + 1) << " failed:\n";
      std::cerr << kg::cli::FormatError(r, Format::kTable) << "\n";
      return;
    }
    out += kg::cli::FormatResult(r, format);
    if (format == Format::kJson || format == Format::kTyped) out += "\n";
    if (out.size() > (1 << 16)) {
      std::cout << out;
      out.clear();
    }
  });
  std::cout << out;
  std::cout.flush();
  return failed ? 1 : 0;
}

// A progress line on a terminal: bytes, rows and rows per second.
struct ProgressBar {
  bool enabled = isatty(2) != 0;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  void operator()(const kg::LoadProgress& p) const {
    if (!enabled) return;
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double fraction = p.total_bytes ? static_cast<double>(p.bytes) / static_cast<double>(p.total_bytes) : 0;
    int filled = static_cast<int>(fraction * 30);
    char buf[160];
    std::snprintf(buf, sizeof buf, "\r[%-30s] %3.0f%%  %llu rows  %.0f rows/s ", std::string(filled, '#').c_str(),
                  fraction * 100, static_cast<unsigned long long>(p.rows), s > 0 ? p.rows / s : 0.0);
    std::cerr << buf << std::flush;
  }
  void Done() const {
    if (enabled) std::cerr << "\r" << std::string(79, ' ') << "\r";
  }
};

int Load(const std::vector<std::string>& argv) {
  Args args;
  int status = 0;
  if (!ParseArgs(argv, {"--nodes", "--relationships", "--format", "--skip-bad", "--rejects"}, {"--no-compact"}, &args,
                 &status))
    return status;
  std::vector<kg::LoadFile> files;
  for (const auto& [k, v] : args.options) {
    if (k == "--nodes") files.push_back({v, kg::LoadFile::Kind::kNodes});
    if (k == "--relationships") files.push_back({v, kg::LoadFile::Kind::kRelationships});
  }
  for (const std::string& p : args.positional) files.push_back({p});
  if (files.empty()) return Usage("no files to load");
  kg::LoadOptions options;
  if (args.Has("--format")) {
    std::string f = args.Get("--format");
    if (f == "csv") options.format = kg::FileFormat::kCsv;
    else if (f == "jsonl") options.format = kg::FileFormat::kJsonl;
    else if (f == "cypher") options.format = kg::FileFormat::kCypher;
    else return Usage("--format takes csv, jsonl or cypher");
  }
  if (args.Has("--skip-bad")) {
    char* end = nullptr;
    options.max_bad = std::strtoull(args.Get("--skip-bad").c_str(), &end, 10);
    if (*end != '\0' || options.max_bad == 0) return Usage("--skip-bad takes a positive number of rows");
  }
  options.rejects_path = args.Get("--rejects");
  ProgressBar bar;
  options.progress = [&bar](const kg::LoadProgress& p) { bar(p); };
  auto db = OpenDb(args);
  if (!db) return 1;
  auto loaded = kg::Load(*db, files, options);
  bar.Done();
  if (!loaded.ok()) {
    std::cerr << "kg load: " << loaded.status().message() << "\nkg load: nothing was loaded\n";
    return 1;
  }
  const kg::LoadStats& stats = *loaded;
  // A large load is compacted once, so reads start from a settled store.
  if (!args.Has("--no-compact") && !stats.bulk && stats.nodes + stats.relationships > 100000)
    if (kg::Status c = db->Compact(); !c.ok()) std::cerr << "kg load: compaction failed: " << c.ToString() << "\n";
  std::cerr << "kg load: " << stats.nodes << " nodes, " << stats.relationships << " relationships";
  if (stats.statements) std::cerr << " (" << stats.statements << " statements)";
  std::cerr << " in " << stats.seconds << " s\n";
  if (stats.rejected)
    std::cerr << "kg load: " << stats.rejected << " bad rows skipped; they and the reasons are in " << stats.rejects_path
              << "\n";
  return 0;
}

int Export(const std::vector<std::string>& argv) {
  Args args;
  int status = 0;
  if (!ParseArgs(argv, {"--format", "-o", "--output", "--query", "--param"}, {}, &args, &status)) return status;
  kg::ExportOptions options;
  if (!kg::ParseExportFormat(args.Get("--format"), &options.format))
    return Usage("--format takes jsonl, csv, cypher, graphml or dot");
  if (!args.positional.empty()) return Usage("unexpected argument " + args.positional[0]);
  options.query = args.Get("--query");
  if (!ParseParams(args, &options.params, &status)) return status;
  std::string path = args.Has("-o") ? args.Get("-o") : args.Get("--output");
  auto db = OpenDb(args, /*read_only=*/true);
  if (!db) return 1;
  kg::Result<kg::ExportStats> s = kg::Status::OK();
  if (options.format == kg::ExportFormat::kCsv) {
    if (path.empty()) return Usage("a CSV export is a directory of files: give -o DIR");
    s = kg::ExportCsv(*db, options, path);
  } else if (path.empty() || path == "-") {
    s = kg::Export(*db, options, std::cout);
  } else {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) {
      std::cerr << "kg export: cannot write " << path << "\n";
      return 1;
    }
    s = kg::Export(*db, options, out);
  }
  if (!s.ok()) {
    std::cerr << "kg export: " << s.status().message() << "\n";
    return 1;
  }
  const kg::ExportStats& stats = *s;
  std::cerr << "kg export: " << stats.nodes << " nodes, " << stats.relationships << " relationships";
  if (!path.empty() && path != "-") std::cerr << " to " << path;
  std::cerr << "\n";
  return 0;
}

int Check(const std::vector<std::string>& argv) {
  Args args;
  int status = 0;
  if (!ParseArgs(argv, {}, {}, &args, &status)) return status;
  if (!std::filesystem::exists(args.db)) {
    std::cerr << "kg check: " << args.db << ": no such database\n";
    return 1;
  }
  auto db = OpenDb(args, /*read_only=*/true);
  if (!db) return 1;
  auto report = kg::Check(*db);
  if (!report.ok()) {
    std::cerr << "kg check: " << report.status().ToString() << "\n";
    return 1;
  }
  std::cout << args.db << ": " << report->nodes << " nodes, " << report->relationships << " relationships, "
            << report->index_entries << " index entries\n";
  for (const std::string& p : report->problems) std::cout << "problem: " << p << "\n";
  std::cout << (report->ok() ? "ok\n" : std::to_string(report->problems.size()) + " problems found\n");
  return report->ok() ? 0 : 1;
}

// ---- kg serve ----

std::atomic<bool> g_stop_serving{false};

extern "C" void StopServing(int) { g_stop_serving.store(true); }

int Serve(const std::vector<std::string>& argv) {
  Args args;
  int status = 0;
  if (!ParseArgs(argv, {"--listen", "--auth", "--auth-file", "--max-connections", "--idle-timeout", "--max-message-bytes"},
                 {"--read-only"}, &args, &status))
    return status;
  if (!args.positional.empty()) return Usage("unexpected argument " + args.positional[0]);
  kg::server::ServeOptions options;
  options.log = &std::cerr;
  if (args.timeout) options.statement_timeout = *args.timeout;
  if (args.max_memory) options.memory_limit = *args.max_memory;
  if (args.Has("--listen")) {
    std::string listen = args.Get("--listen");
    size_t colon = listen.rfind(':');
    if (colon == std::string::npos) return Usage("--listen takes HOST:PORT, got '" + listen + "'");
    options.host = listen.substr(0, colon);
    if (options.host.size() > 1 && options.host.front() == '[' && options.host.back() == ']')
      options.host = options.host.substr(1, options.host.size() - 2);
    char* end = nullptr;
    long port = std::strtol(listen.c_str() + colon + 1, &end, 10);
    if (*end != '\0' || colon + 1 == listen.size() || port < 0 || port > 65535)
      return Usage("--listen: '" + listen.substr(colon + 1) + "' is not a port");
    options.port = static_cast<uint16_t>(port);
  }
  std::string auth = args.Get("--auth");
  if (args.Has("--auth-file")) {
    if (args.Has("--auth")) return Usage("give --auth or --auth-file, not both");
    std::ifstream in(args.Get("--auth-file"));
    if (!in || !std::getline(in, auth)) {
      std::cerr << "kg serve: cannot read " << args.Get("--auth-file") << "\n";
      return 1;
    }
  }
  if (args.Has("--auth") || args.Has("--auth-file")) {
    size_t colon = auth.find(':');
    if (colon == std::string::npos || colon == 0) return Usage("the credentials take the form USER:PASSWORD");
    options.user = auth.substr(0, colon);
    options.password = auth.substr(colon + 1);
  }
  auto positive = [&](const char* name, long* out) {
    if (!args.Has(name)) return true;
    char* end = nullptr;
    std::string v = args.Get(name);
    *out = std::strtol(v.c_str(), &end, 10);
    return *end == '\0' && !v.empty() && *out > 0;
  };
  long max_connections = static_cast<long>(options.max_connections), idle = 600;
  long max_message = static_cast<long>(options.max_message_bytes);
  if (!positive("--max-connections", &max_connections)) return Usage("--max-connections takes a positive number");
  if (!positive("--max-message-bytes", &max_message)) return Usage("--max-message-bytes takes a positive number");
  options.max_message_bytes = static_cast<size_t>(max_message);
  if (!positive("--idle-timeout", &idle)) return Usage("--idle-timeout takes a positive number of seconds");
  options.max_connections = static_cast<size_t>(max_connections);
  options.idle_timeout = std::chrono::seconds(idle);

  auto db = OpenDb(args, args.Has("--read-only"));
  if (!db) return 1;
  struct sigaction action {};
  action.sa_handler = StopServing;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  kg::Status s = kg::server::Serve(*db, options, &g_stop_serving, [&](uint16_t port) {
    std::cout << "kg serve: " << args.db << " on bolt://" << options.host << ":" << port
              << (options.user.empty() ? " (no authentication)" : "") << std::endl;
  });
  if (!s.ok()) {
    std::cerr << "kg serve: " << s.ToString() << "\n";
    return 1;
  }
  std::cerr << "kg serve: stopped\n";
  return 0;
}

// ---- Example datasets ----

struct Example {
  const char* name;
  const char* description;
  std::vector<const char*> scripts;     // relative to the datasets directory, in load order
  std::vector<const char*> loaded_if;   // per script: a query returning a count > 0 once it is loaded
  const char* question;                 // a file of statements to run after loading, or nullptr
};

const std::vector<Example>& Examples() {
  static const std::vector<Example> kExamples = {
      {"china-divisions", "China's provinces, prefectures and counties (NBS 2023 codes; MIT/WTFPL)",
       {"china-divisions/load.cypher"},
       {"MATCH (c:Country {name: 'China'}) RETURN count(c)"},
       nullptr},
      {"minmetals", "China Minmetals' 2021 poverty-alleviation press release, linked to the real counties",
       {"china-divisions/load.cypher", "minmetals/load.cypher"},
       {"MATCH (c:Country {name: 'China'}) RETURN count(c)",
        "MATCH (d:Document {id: 'minmetals-2021-03-01'}) RETURN count(d)"},
       "minmetals/question.cypher"},
      {"wordnet", "Princeton WordNet 3.0 from Debian's wordnet-base (synsets, lemmas, all pointers)", {}, {}, nullptr},
  };
  return kExamples;
}

int RunExample(const std::vector<std::string>& argv) {
  Args args;
  int status = 0;
  if (!ParseArgs(argv, {"--wordnet-dir"}, {"--no-question"}, &args, &status)) return status;
  if (args.positional.empty()) {
    std::cout << "Example datasets (kg example NAME [--db DIR]):\n";
    for (const Example& e : Examples()) std::cout << "  " << e.name << std::string(18 - std::strlen(e.name), ' ') << e.description << "\n";
    std::cout << "Their files are in " << DatasetsDir() << " (set KG_DATASETS to use others).\n";
    return 0;
  }
  const Example* example = nullptr;
  for (const Example& e : Examples())
    if (args.positional[0] == e.name) example = &e;
  if (!example) return Usage("no example named '" + args.positional[0] + "'; `kg example` lists them");
  auto db = OpenDb(args);
  if (!db) return 1;
  std::cerr << "kg example " << example->name << ": database " << args.db << "\n";
  if (std::string(example->name) == "wordnet") {
    std::string dir = args.Has("--wordnet-dir") ? args.Get("--wordnet-dir") : "/usr/share/wordnet";
    return Wordnet(*db, dir);
  }
  std::string datasets = DatasetsDir();
  kg::Connection conn(*db);
  ApplyLimits(args, conn);
  std::vector<kg::LoadFile> files;
  for (size_t i = 0; i < example->scripts.size(); ++i) {
    kg::QueryResult r = conn.Execute(example->loaded_if[i]);
    if (r.ok() && !r.rows().empty() && r.rows()[0][0].is_int() && r.rows()[0][0].as_int() > 0) continue;
    files.push_back({(std::filesystem::path(datasets) / example->scripts[i]).string()});
  }
  if (files.empty()) {
    std::cerr << "kg example " << example->name << ": already loaded\n";
  } else {
    auto stats = kg::Load(*db, files);
    if (!stats.ok()) {
      std::cerr << "kg example: " << stats.status().message() << "\nkg example: nothing was loaded\n";
      return 1;
    }
    std::cerr << "kg example " << example->name << ": loaded " << stats->nodes << " nodes, " << stats->relationships
              << " relationships in " << stats->seconds << " s\n";
  }
  if (!example->question || args.Has("--no-question")) return 0;
  // The example's own question, with the sentences that answer it.
  std::string path = (std::filesystem::path(datasets) / example->question).string();
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  for (const kg::ScriptStatement& st : kg::SplitStatements(buffer.str())) {
    // Comments before the statement are the question in words; the answer
    // prints one field per line, so whole sentences show.
    std::istringstream lines(st.text);
    std::string question, query;
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("//")) question += line.substr(line.size() > 2 && line[2] == ' ' ? 3 : 2) + "\n";
      else query += line + "\n";
    }
    std::cout << "\n" << question << "\n" << query.substr(0, query.size() - 1) << ";\n\n";
    kg::QueryResult r = conn.Execute(st.text);
    if (!r.ok()) {
      std::cerr << kg::cli::FormatError(r, Format::kTable) << "\n";
      return 1;
    }
    size_t width = 0;
    for (const std::string& c : r.columns()) width = std::max(width, c.size());
    for (const auto& row : r.rows()) {
      for (size_t i = 0; i < row.size(); ++i)
        std::cout << r.columns()[i] << ":" << std::string(width + 2 - r.columns()[i].size(), ' ')
                  << (row[i].is_null() ? "null" : kg::cli::CellText(row[i])) << "\n";
      std::cout << "\n";
    }
    std::cout << r.rows().size() << (r.rows().size() == 1 ? " answer\n" : " answers\n");
  }
  return 0;
}

// ---- The shell ----

kg::cli::Shell* g_shell = nullptr;

void OnInterrupt(int) {
  if (g_shell) g_shell->Cancel();
}

int RunShell(const Args& args, bool read_only = false) {
  bool interactive = isatty(0) != 0;
  auto db = OpenDb(args, read_only);
  if (!db) return 1;
  kg::cli::Shell shell(*db, std::cout, std::cerr, {.interactive = interactive, .timing = interactive});
  ApplyLimits(args, shell.connection());
  if (!interactive) {
    kg::cli::StreamLineSource in(std::cin);
    return shell.Run(in);
  }
  std::cout << "kg 0.1.0 shell on " << args.db << "\n"
            << "Statements end with ';'. :help lists the commands, :quit (or Ctrl-D) leaves.\n";
  g_shell = &shell;
  struct sigaction sa {};
  sa.sa_handler = &OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a read at the prompt returns, and the line is dropped
  sigaction(SIGINT, &sa, nullptr);
  std::string history;
  if (const char* home = std::getenv("HOME"); home && *home) history = std::string(home) + "/.kg_history";
  kg::cli::EditLineSource in("kg", history, [&shell](std::string_view line) { return shell.Complete(line); });
  int rc = shell.Run(in);
  g_shell = nullptr;
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // A bulk load holds its large arrays in huge pages of its own and keeps
  // its memory bounded; the heap's would only add to its peak.
  if (args.empty() || args[0] != "load") HugePagesForHeap();
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!args.empty() && args[0] == "--version") {
    std::cout << "kg 0.1.0\n";
    return 0;
  }
  if (args.empty()) {
    Args defaults;
    defaults.db = DefaultDb();
    return RunShell(defaults);
  }
  std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "query") return Query(rest);
  if (command == "load") return Load(rest);
  if (command == "export") return Export(rest);
  if (command == "check") return Check(rest);
  if (command == "serve") return Serve(rest);
  if (command == "example") return RunExample(rest);
  if (command == "shell") {
    Args a;
    int status = 0;
    if (!ParseArgs(rest, {}, {"--read-only"}, &a, &status)) return status;
    if (!a.positional.empty()) return Usage("kg shell takes --db DIR, --read-only and --busy-timeout MS");
    return RunShell(a, a.Has("--read-only"));
  }
  if (command[0] == '-') return Usage("unknown option " + command);
  if (args.size() > 1) return Usage("unknown command '" + command + "'");
  Args dir;  // kg DIR
  dir.db = command;
  return RunShell(dir);
}
