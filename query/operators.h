// Physical operators. Execution is push-based: a source pushes rows into the
// first operator, each operator pushes its output rows into the next, and
// Push returns false when nothing more is wanted (a LIMIT was reached, the
// caller stopped), which stops the work upstream. Blocking operators (sort,
// aggregation, eager) buffer and emit in Finish.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "query/ast.h"
#include "query/context.h"
#include "query/evaluator.h"
#include "query/matcher.h"
#include "query/value_ops.h"

namespace kg::query {

// Rows compared by Cypher equivalence (DISTINCT, grouping, UNION).
struct RowHash {
  size_t operator()(const Row& r) const {
    size_t h = 0;
    for (const Value& v : r) h = h * 31 + EquivalenceHash(v);
    return h;
  }
};
struct RowEquivalent {
  bool operator()(const Row& a, const Row& b) const {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!Equivalent(a[i], b[i])) return false;
    return true;
  }
};
using RowSet = std::unordered_set<Row, RowHash, RowEquivalent>;
template <class T>
using RowMap = std::unordered_map<Row, T, RowHash, RowEquivalent>;

class Operator {
 public:
  virtual ~Operator() = default;
  // Takes one input row (the operator may modify it). False: stop.
  virtual bool Push(Row& row) = 0;
  // End of input: flush buffered rows. False: stopped.
  virtual bool Finish() { return next_ ? FinishNext() : true; }
  virtual std::string Name() const = 0;
  virtual std::string Detail() const { return {}; }

  void set_next(Operator* next) { next_ = next; }
  Operator* next() const { return next_; }
  void set_profile(bool on) { profile_ = on; }
  // PROFILE figures. Time is measured around each row handed on, so an
  // operator's own time is its total minus the time of those after it.
  uint64_t rows_in = 0, rows_out = 0;
  double total_seconds = 0;       // this operator and everything after it
  double downstream_seconds = 0;  // the operators after it
  double estimate = -1;
  double self_seconds() const { return std::max(0.0, total_seconds - downstream_seconds); }

 protected:
  bool Emit(Row& row) {
    ++rows_out;
    if (!profile_) return next_->Push(row);
    auto start = std::chrono::steady_clock::now();
    bool go = next_->Push(row);
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    downstream_seconds += dt;
    next_->total_seconds += dt;
    return go;
  }
  bool FinishNext() {
    if (!profile_) return next_->Finish();
    auto start = std::chrono::steady_clock::now();
    bool go = next_->Finish();
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    downstream_seconds += dt;
    next_->total_seconds += dt;
    return go;
  }
  bool profile_ = false;
  Operator* next_ = nullptr;
};

using OperatorPtr = std::unique_ptr<Operator>;

struct Runtime {
  ExecContext& ctx;
  Evaluator& eval;
  bool profile = false;
};

// MATCH / OPTIONAL MATCH.
class MatchOp : public Operator {
 public:
  MatchOp(Runtime& rt, std::shared_ptr<PatternMatcher> matcher, bool optional, std::vector<int> new_slots, size_t width)
      : rt_(rt), matcher_(std::move(matcher)), optional_(optional), new_slots_(std::move(new_slots)), width_(width) {}
  bool Push(Row& row) override;
  std::string Name() const override { return optional_ ? "OptionalMatch" : "Match"; }
  std::string Detail() const override;

 private:
  Runtime& rt_;
  std::shared_ptr<PatternMatcher> matcher_;
  bool optional_;
  std::vector<int> new_slots_;
  size_t width_;
};

class FilterOp : public Operator {
 public:
  FilterOp(Runtime& rt, const Expr* predicate) : rt_(rt), predicate_(predicate) {}
  bool Push(Row& row) override;
  std::string Name() const override { return "Filter"; }
  std::string Detail() const override { return predicate_->text; }

 private:
  Runtime& rt_;
  const Expr* predicate_;
};

// CALL: runs the procedure for each row, each of its rows extending the
// input with the yielded fields (kept when the YIELD's WHERE holds).
class ProcedureCallOp : public Operator {
 public:
  ProcedureCallOp(Runtime& rt, const Clause* call) : rt_(rt), call_(call) {}
  bool Push(Row& row) override;
  std::string Name() const override { return "ProcedureCall"; }
  std::string Detail() const override;

 private:
  Runtime& rt_;
  const Clause* call_;
};

class UnwindOp : public Operator {
 public:
  UnwindOp(Runtime& rt, const Expr* list, int slot, size_t width) : rt_(rt), list_(list), slot_(slot), width_(width) {}
  bool Push(Row& row) override;
  std::string Name() const override { return "Unwind"; }
  std::string Detail() const override { return list_->text; }

 private:
  Runtime& rt_;
  const Expr* list_;
  int slot_;
  size_t width_;
};

// LOAD CSV [WITH HEADERS] FROM url AS row [FIELDTERMINATOR c]: one row per
// record, bound to a map of header -> string (WITH HEADERS; an empty
// unquoted field is null) or to a list of strings.
class LoadCsvOp : public Operator {
 public:
  LoadCsvOp(Runtime& rt, const Expr* url, int slot, size_t width, bool headers, char delimiter)
      : rt_(rt), url_(url), slot_(slot), width_(width), headers_(headers), delimiter_(delimiter) {}
  bool Push(Row& row) override;
  std::string Name() const override { return "LoadCSV"; }
  std::string Detail() const override { return url_->text; }

 private:
  Runtime& rt_;
  const Expr* url_;
  int slot_;
  size_t width_;
  bool headers_;
  char delimiter_;
};

// WITH / RETURN: projection, aggregation, DISTINCT, ORDER BY (top-k with a
// LIMIT), SKIP, LIMIT and WITH's WHERE, producing rows of the new scope.
struct ProjectionSpec {
  struct Item {
    const Expr* expr;
    int slot;  // in the extended row (old width + item index)
  };
  std::vector<Item> items;
  size_t old_width = 0;           // input row width
  size_t new_width = 0;           // output row width (items + hidden slots of the new scope)
  bool aggregate = false;
  std::vector<const Expr*> aggregates;  // aggregate calls, by their slot
  bool distinct = false;
  std::vector<std::pair<const Expr*, bool>> order;  // expr (in extended scope), descending
  const Expr* skip = nullptr;
  const Expr* limit = nullptr;
  const Expr* where = nullptr;    // evaluated on the extended row
};

class ProjectionOp : public Operator {
 public:
  ProjectionOp(Runtime& rt, ProjectionSpec spec);
  ~ProjectionOp() override;
  bool Push(Row& row) override;
  bool Finish() override;
  std::string Name() const override;
  std::string Detail() const override;

 private:
  struct Accumulator;
  bool Output(Row& extended);
  bool Drain();
  int64_t CountArg(const Expr* e, const char* what);
  void PrepareLimits();

  Runtime& rt_;
  ProjectionSpec spec_;
  bool limits_ready_ = false;
  int64_t skip_ = 0, limit_ = -1;
  int64_t seen_ = 0, emitted_ = 0;
  std::vector<Row> buffer_;  // for ORDER BY
  RowSet distinct_;
  // Aggregation: groups in order of first appearance.
  struct Group;
  std::unique_ptr<Group> NewGroup(Row extended) const;
  std::vector<std::unique_ptr<Group>> groups_;
  RowMap<size_t> group_index_;
  bool stopped_ = false;
};

// Buffers every row before passing any on, so a write clause never runs
// while a read before it is still scanning, and reads after it see all of it.
class EagerOp : public Operator {
 public:
  explicit EagerOp(MemoryBudget& memory) : memory_(memory) {}
  bool Push(Row& row) override {
    memory_.Hold(RowBytes(row));
    rows_.push_back(row);
    return true;
  }
  bool Finish() override;
  std::string Name() const override { return "Eager"; }

 private:
  MemoryBudget& memory_;
  std::vector<Row> rows_;
};

class CreateOp : public Operator {
 public:
  CreateOp(Runtime& rt, std::vector<MatchPart> parts, size_t width) : rt_(rt), parts_(std::move(parts)), width_(width) {}
  bool Push(Row& row) override;
  std::string Name() const override { return "Create"; }

 private:
  friend class MergeOp;
  Runtime& rt_;
  std::vector<MatchPart> parts_;  // not reordered: nodes and rels as written
  size_t width_;
};

class MergeOp : public Operator {
 public:
  MergeOp(Runtime& rt, std::shared_ptr<PatternMatcher> matcher, std::vector<MatchPart> create, const Clause* clause,
          size_t width)
      : rt_(rt), matcher_(std::move(matcher)), create_(rt, std::move(create), width), clause_(clause), width_(width) {}
  bool Push(Row& row) override;
  std::string Name() const override { return "Merge"; }

 private:
  Runtime& rt_;
  std::shared_ptr<PatternMatcher> matcher_;
  CreateOp create_;
  const Clause* clause_;
  size_t width_;
};

class SetOp : public Operator {
 public:
  SetOp(Runtime& rt, const std::vector<SetItem>* items) : rt_(rt), items_(items) {}
  bool Push(Row& row) override;
  std::string Name() const override { return "SetProperties"; }

 private:
  Runtime& rt_;
  const std::vector<SetItem>* items_;
};

class RemoveOp : public Operator {
 public:
  RemoveOp(Runtime& rt, const Clause* clause) : rt_(rt), clause_(clause) {}
  bool Push(Row& row) override;
  std::string Name() const override { return "Remove"; }

 private:
  Runtime& rt_;
  const Clause* clause_;
};

class DeleteOp : public Operator {
 public:
  DeleteOp(Runtime& rt, const Clause* clause) : rt_(rt), clause_(clause) {}
  bool Push(Row& row) override;
  bool Finish() override;
  std::string Name() const override { return clause_->detach ? "DetachDelete" : "Delete"; }

 private:
  Runtime& rt_;
  const Clause* clause_;
  std::vector<NodeId> nodes_;  // deleted at the end of the clause
  std::vector<EdgeId> edges_;
};

// Applies the SET items of one set-clause list to one row (shared by SET and MERGE).
void ApplySetItems(Runtime& rt, const std::vector<SetItem>& items, Row& row);

// Final stage: hands each row (the RETURN columns) to the caller.
class SinkOp : public Operator {
 public:
  explicit SinkOp(std::function<bool(Row&)> fn) : fn_(std::move(fn)) {}
  void set_fn(std::function<bool(Row&)> fn) { fn_ = std::move(fn); }
  bool Push(Row& row) override {
    ++rows_in;
    return fn_(row);
  }
  bool Finish() override { return true; }
  std::string Name() const override { return "ProduceResults"; }

 private:
  std::function<bool(Row&)> fn_;
};

// UNION: removes duplicate rows across every part (UNION ALL passes all).
class UnionOp : public Operator {
 public:
  UnionOp(bool distinct, MemoryBudget& memory) : distinct_(distinct), memory_(memory) {}
  bool Push(Row& row) override;
  bool Finish() override { return true; }  // the statement finishes the sink itself
  std::string Name() const override { return distinct_ ? "Union" : "UnionAll"; }

 private:
  bool distinct_;
  MemoryBudget& memory_;
  RowSet seen_;
};

}  // namespace kg::query
