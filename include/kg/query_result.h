// QueryResult: what running one Cypher statement produced: columns and rows
// of values, the side effects, and, for a statement that failed, the error.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kg/value.h"

namespace kg {

// Side effects with openCypher's observable-difference meaning: what differs
// between the graph before and after the statement (creating and deleting
// one node in the same statement counts neither).
struct QueryCounters {
  int64_t nodes_created = 0;
  int64_t nodes_deleted = 0;
  int64_t relationships_created = 0;
  int64_t relationships_deleted = 0;
  int64_t properties_set = 0;
  int64_t properties_removed = 0;
  int64_t labels_added = 0;
  int64_t labels_removed = 0;
  int64_t indexes_added = 0;
  int64_t indexes_removed = 0;
  int64_t constraints_added = 0;
  int64_t constraints_removed = 0;
};

// Why a statement failed: what a failed QueryResult holds, and what the
// engine throws inside kg while it parses, plans and runs a statement.
struct QueryError {
  std::string code;     // SyntaxError, SemanticError, TypeError, ArgumentError, ...
  std::string detail;   // UndefinedVariable, InvalidArgumentType, ... or empty
  bool runtime = false; // raised while running (false: while compiling)
  std::string message;  // one line
  int line = 0;         // 1-based; 0 when the error has no position
  int column = 0;
  int length = 1;       // characters of the offending token, under the caret
  // The message, the offending source line and a caret under the token:
  //   Variable `x` not defined (line 1, column 8)
  //   RETURN x
  //          ^
  std::string pretty;

  QueryError() = default;
  QueryError(std::string code, std::string detail, bool runtime, std::string message, int line = 0, int column = 0)
      : code(std::move(code)), detail(std::move(detail)), runtime(runtime), message(std::move(message)), line(line),
        column(column) {}
};

class QueryResult {
 public:
  bool ok() const { return !failed_; }
  const QueryError& error() const { return error_; }
  // Column names in projection order; empty for a statement without RETURN.
  const std::vector<std::string>& columns() const { return columns_; }
  // Rows in result order; nodes, relationships and paths carry their data.
  // Empty when the rows were streamed to a callback instead.
  const std::vector<std::vector<Value>>& rows() const { return rows_; }
  const QueryCounters& counters() const { return counters_; }
  // EXPLAIN and PROFILE: the plan as an indented tree; otherwise empty.
  const std::string& plan() const { return plan_; }
  double seconds() const { return seconds_; }

 private:
  friend class Connection;  // the engine fills results in
  QueryError error_;
  bool failed_ = false;
  std::vector<std::string> columns_;
  std::vector<std::vector<Value>> rows_;
  QueryCounters counters_;
  std::string plan_;
  double seconds_ = 0;
};

}  // namespace kg
