// The interactive shell: statements ended by ';' (over several lines if
// need be) and ':' commands. Input comes from a LineSource, so the same
// Shell runs on a terminal (libedit), a script on standard input, or a
// test's string stream.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/output.h"
#include "kg/connection.h"
#include "kg/database.h"

namespace kg::cli {

class LineSource {
 public:
  virtual ~LineSource() = default;
  // Reads one line without its newline. False at the end of the input.
  // An interrupted read (Ctrl-C at the prompt) returns true with
  // *interrupted set.
  virtual bool ReadLine(const std::string& prompt, std::string* line, bool* interrupted) = 0;
  virtual void AddHistory(const std::string& entry) { (void)entry; }
};

class StreamLineSource : public LineSource {
 public:
  explicit StreamLineSource(std::istream& in) : in_(in) {}
  bool ReadLine(const std::string& prompt, std::string* line, bool* interrupted) override;

 private:
  std::istream& in_;
};

struct ShellOptions {
  bool interactive = false;  // prompts, a banner, and errors do not end the session
  Format format = Format::kTable;
  bool timing = true;
};

class Shell {
 public:
  Shell(Database& db, std::ostream& out, std::ostream& err, ShellOptions options);

  // Reads and runs until the input ends or :quit. Returns the exit status:
  // 0, or (non-interactive input, which stops there) 1 if a statement failed.
  int Run(LineSource& in);
  // Runs one complete statement or command line (as if typed). False on error.
  bool Execute(const std::string& text);
  bool quit() const { return quit_; }

  // Completion candidates for the word ending at the end of line_so_far.
  std::vector<std::string> Complete(std::string_view line_so_far) const;

  // Cancels the running statement (safe from a signal handler).
  void Cancel() { conn_.Cancel(); }
  Connection& connection() { return conn_; }

 private:
  bool Command(const std::string& line);
  bool Statement(const std::string& text);
  // Prints a statement's result (or its error); false when it failed.
  bool Show(const QueryResult& r);
  bool Source(const std::string& path);
  void Help();
  void Schema();
  bool Fail(const std::string& message);

  Database& db_;
  Connection conn_;
  std::ostream& out_;
  std::ostream& err_;
  ShellOptions options_;
  QueryParams params_;
  std::vector<std::string> procedures_;  // their names, for completion after CALL
  bool quit_ = false;
};

}  // namespace kg::cli
