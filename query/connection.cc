#include "kg/connection.h"
#include "kg/utf8.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>

#include <unistd.h>

#include "graph/graph.h"
#include "query/auto_params.h"
#include "query/binder.h"
#include "query/functions.h"
#include "query/lexer.h"
#include "query/parser.h"
#include "query/plan_cache.h"
#include "query/planner.h"
#include "query/procedures.h"

namespace kg {

class PreparedStatement::Impl {
 public:
  std::string text;
  QueryError error;  // code empty: parsed
  // The statement bound for each set of parameter names it is run with.
  query::PlanCache cache{16};
};

bool PreparedStatement::ok() const { return impl_ && impl_->error.code.empty(); }

const QueryError& PreparedStatement::error() const {
  static const QueryError kEmpty("ClientError", "Statement", false, "an empty prepared statement");
  return impl_ ? impl_->error : kEmpty;
}

const std::string& PreparedStatement::text() const {
  static const std::string kNone;
  return impl_ ? impl_->text : kNone;
}


class Connection::Impl {
 public:
  explicit Impl(Database& db) : db_(db) {}

  // Runs text; cache keeps its parsed and bound statement (the
  // connection's own cache unless given).
  QueryResult Run(std::string_view text, const QueryParams& params,
                  const std::function<bool(const std::vector<Value>&)>* on_row,
                  const std::function<void(const std::vector<std::string>&)>* on_columns = nullptr,
                  query::PlanCache* cache = nullptr);
  // Runs text as Run does, with autos: the literals text was written with,
  // which it now names as parameters (auto_params.h).
  QueryResult RunText(std::string_view text, const QueryParams& params,
                      const std::function<bool(const std::vector<Value>&)>* on_row,
                      const std::function<void(const std::vector<std::string>&)>* on_columns, query::PlanCache* cache,
                      const query::AutoParameters* autos);

  Database& db_;
  std::shared_ptr<graph::GraphTxn> explicit_;
  std::chrono::system_clock::time_point explicit_began_;  // date.transaction() in explicit_
  std::atomic<bool> cancel_{false};
  std::chrono::milliseconds timeout_{0};
  size_t memory_limit_ = Connection::DefaultMemoryLimit();
  std::string file_directory_;
  query::PlanCache cache_;

  // The index or constraint text creates; nullopt for any other statement
  // (or one that does not parse: running it says why).
  std::optional<IndexSpec> Creation(std::string_view text) const;
  // Makes r the failed result of e, raised by text.
  static void Fail(QueryResult* r, std::string_view text, const QueryError& e);

 private:
  void RunSchema(const query::SchemaCommand& cmd, QueryResult* result);
  Value Materialize(graph::GraphTxn& txn, const Value& v);
};

namespace {

std::string Pretty(std::string_view text, const QueryError& e) {
  std::string out = e.message;
  if (e.line <= 0) return out;
  out += " (line " + std::to_string(e.line) + ", column " + std::to_string(e.column) + ")\n";
  size_t start = 0;
  for (int line = 1; line < e.line && start < text.size(); ++line) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  std::string_view source = text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
  size_t at = static_cast<size_t>(e.column - 1);
  // A long line is shown as the stretch around the column, cut between
  // characters.
  constexpr size_t kContext = 100;
  std::string prefix, suffix;
  if (source.size() > 2 * kContext) {
    size_t from = at > kContext ? at - kContext : 0;
    while (from > 0 && from < source.size() && (static_cast<unsigned char>(source[from]) & 0xC0) == 0x80) --from;
    std::string_view window = Utf8Prefix(source.substr(std::min(from, source.size())), 2 * kContext);
    if (from > 0) prefix = "...";
    if (from + window.size() < source.size()) suffix = "...";
    source = window;
    at = at >= from ? at - from : 0;
  }
  out += prefix + ToValidUtf8(source) + suffix + "\n";
  // Columns count bytes; keep tabs so the caret lines up.
  std::string pad(prefix.size(), ' ');
  for (size_t i = 0; i < at && i < source.size(); ++i) pad.push_back(source[i] == '\t' ? '\t' : ' ');
  // The caret spans the whole offending token: a name, a number or a parameter.
  size_t length = static_cast<size_t>(std::max(1, e.length));
  if (length == 1 && at < source.size()) {
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); };
    size_t end = at;
    if (source[end] == '$') ++end;
    while (end < source.size() && word(source[end])) ++end;
    if (end > at + 1) length = end - at;
  }
  out += pad + std::string(std::min(length, source.size() > at ? source.size() - at : size_t{1}), '^');
  return out;
}


QueryError FromStatus(const Status& s, bool runtime) {
  switch (s.code()) {
    case StatusCode::kConflict: return query::ErrorAt("TransientError", "Conflict", runtime, s.message());
    case StatusCode::kBusy: return query::ErrorAt("TransientError", "Busy", runtime, s.message());
    case StatusCode::kConstraintViolation: return query::ErrorAt("ConstraintValidationFailed", "", runtime, s.message());
    case StatusCode::kReadOnly: return query::ErrorAt("ClientError", "ReadOnly", runtime, s.message());
    case StatusCode::kInvalidArgument: return query::ErrorAt("ClientError", "InvalidArgument", runtime, s.message());
    case StatusCode::kNotFound: return query::ErrorAt("ClientError", "NotFound", runtime, s.message());
    default: return query::ErrorAt("DatabaseError", StatusCodeName(s.code()), runtime, s.ToString());
  }
}

}  // namespace

void Connection::Impl::Fail(QueryResult* r, std::string_view text, const QueryError& e) {
  r->failed_ = true;
  r->error_ = e;
  // Whatever a message quotes, it is valid UTF-8 of a bounded length.
  constexpr size_t kMaxMessage = 8192;
  if (r->error_.message.size() > kMaxMessage) r->error_.message = std::string(Utf8Prefix(e.message, kMaxMessage)) + "...";
  r->error_.message = ToValidUtf8(r->error_.message);
  r->error_.pretty = Pretty(text, e);
  r->rows_.clear();
}

Value Connection::Impl::Materialize(graph::GraphTxn& txn, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNode: {
      const auto& ref = v.as_node_ref();
      if (ref.data) return v;
      graph::NodeData r;
      auto node = std::make_shared<Node>();
      node->id = ref.id;
      if (txn.ReadNode(ref.id, &r).ok()) *node = txn.ToNode(ref.id, r);
      return Value(Value::NodeRef{ref.id, std::move(node)});
    }
    case Value::Type::kEdge: {
      const auto& ref = v.as_edge_ref();
      if (ref.data) return v;
      graph::EdgeData r;
      auto edge = std::make_shared<Edge>();
      edge->id = ref.id;
      edge->source = ref.source;
      edge->target = ref.target;
      if (txn.ReadEdge(ref.id, &r).ok()) *edge = txn.ToEdge(ref.id, r);
      return Value(Value::EdgeRef{ref.id, ref.source, ref.target, std::move(edge)});
    }
    case Value::Type::kPath: {
      auto path = std::make_shared<Path>();
      for (const Value& n : v.as_path().nodes) path->nodes.push_back(Materialize(txn, n));
      for (const Value& e : v.as_path().edges) path->edges.push_back(Materialize(txn, e));
      return Value(std::shared_ptr<const Path>(std::move(path)));
    }
    case Value::Type::kList: {
      bool needs = false;
      for (const Value& e : v.as_list())
        if (e.is_node() || e.is_edge() || e.is_path() || e.is_list() || e.is_map()) needs = true;
      if (!needs) return v;
      ValueList out;
      for (const Value& e : v.as_list()) out.push_back(Materialize(txn, e));
      return Value(std::move(out));
    }
    case Value::Type::kMap: {
      ValueMap out;
      for (const auto& [k, e] : v.as_map()) out[k] = Materialize(txn, e);
      return Value(std::move(out));
    }
    default: return v;
  }
}

void Connection::Impl::RunSchema(const query::SchemaCommand& cmd, QueryResult* result) {
  using query::SchemaKind;
  if (explicit_)
    throw QueryError("ClientError", "SchemaInTransaction", false,
                     "index and constraint statements cannot run inside an explicit transaction");
  auto check = [](const Status& s) {
    if (!s.ok()) throw FromStatus(s, true);
  };
  auto exists = [&](const std::string& name) {
    for (const auto& i : db_.Indexes())
      if (i.name == name) return true;
    return false;
  };
  switch (cmd.kind) {
    case SchemaKind::kCreateIndex:
    case SchemaKind::kCreateConstraint: {
      bool unique = cmd.kind == SchemaKind::kCreateConstraint;
      size_t before = db_.Indexes().size();
      check(db_.CreateIndex({cmd.label, cmd.property, cmd.name, unique, cmd.if_not_exists}));
      if (db_.Indexes().size() > before) (unique ? result->counters_.constraints_added : result->counters_.indexes_added) = 1;
      return;
    }
    case SchemaKind::kCreateFullTextIndex: {
      FullTextIndexSpec spec;
      spec.name = cmd.name;
      spec.relationships = cmd.relationships;
      spec.labels = cmd.labels;
      spec.properties = cmd.properties;
      if (!cmd.analyzer.empty()) spec.analyzer = cmd.analyzer;
      spec.if_not_exists = cmd.if_not_exists;
      size_t before = db_.Indexes().size();
      check(db_.CreateFullTextIndex(spec));
      if (db_.Indexes().size() > before) result->counters_.indexes_added = 1;
      return;
    }
    case SchemaKind::kDropIndex:
    case SchemaKind::kDropConstraint: {
      if (!exists(cmd.name)) {
        if (cmd.if_exists) return;
        throw QueryError("ClientError", "NotFound", true, "no index or constraint named " + cmd.name);
      }
      check(db_.DropIndex(cmd.name));
      (cmd.kind == SchemaKind::kDropConstraint ? result->counters_.constraints_removed : result->counters_.indexes_removed) = 1;
      return;
    }
    case SchemaKind::kShowIndexes:
    case SchemaKind::kShowConstraints: {
      bool constraints = cmd.kind == SchemaKind::kShowConstraints;
      // A property index or constraint has one label and one property;
      // a full-text index lists its labels (or types) and properties.
      result->columns_ = {"name", "label", "property", "type"};
      if (!constraints) result->columns_.insert(result->columns_.end(), {"entityType", "labelsOrTypes", "properties", "options"});
      for (const auto& i : db_.Indexes()) {
        if (i.unique != constraints && !(i.unique && !constraints)) continue;
        auto list = [](const std::vector<std::string>& names) {
          ValueList out;
          for (const std::string& n : names) out.push_back(Value(n));
          return Value(std::move(out));
        };
        std::vector<Value> row{Value(i.name), Value(i.label), Value(i.property),
                               Value(constraints ? "UNIQUENESS" : i.fulltext ? "FULLTEXT" : i.unique ? "UNIQUE RANGE" : "RANGE")};
        if (!constraints) {
          row.push_back(Value(i.relationships ? "RELATIONSHIP" : "NODE"));
          row.push_back(list(i.labels));
          row.push_back(list(i.properties));
          ValueMap options;
          if (i.fulltext) options["indexConfig"] = Value(ValueMap{{"fulltext.analyzer", Value(i.analyzer)}});
          row.push_back(Value(std::move(options)));
        }
        result->rows_.push_back(std::move(row));
      }
      return;
    }
    case SchemaKind::kShowProcedures: {
      result->columns_ = {"name", "signature", "description"};
      for (const query::Procedure& p : query::Procedures())
        result->rows_.push_back({Value(std::string(p.name)), Value(query::Signature(p)), Value(std::string(p.description))});
      return;
    }
    case SchemaKind::kShowFunctions: {
      result->columns_ = {"name", "signature", "aggregating"};
      std::vector<const query::Function*> functions;
      for (const query::Function& f : query::Functions()) functions.push_back(&f);
      std::sort(functions.begin(), functions.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
      for (const query::Function* f : functions) {
        std::string args = f->max_args == query::kAnyCount ? "..." : "";
        if (f->max_args != query::kAnyCount)
          for (int i = 0; i < f->max_args; ++i)
            args += (i ? ", " : "") + std::string(i < f->min_args ? "arg" : "arg?") + std::to_string(i + 1);
        result->rows_.push_back({Value(std::string(f->name)), Value(std::string(f->name) + "(" + args + ")"),
                                 Value(f->kind == query::FunctionKind::kAggregate)});
      }
      return;
    }
    case SchemaKind::kNone: return;
  }
}

namespace {
// The failure of a statement whose literals cannot be parameters: a column
// is named by one.
constexpr const char* kKeepLiterals = "  literals";
}  // namespace

QueryResult Connection::Impl::Run(std::string_view text, const QueryParams& params,
                                  const std::function<bool(const std::vector<Value>&)>* on_row,
                                  const std::function<void(const std::vector<std::string>&)>* on_columns,
                                  query::PlanCache* cache) {
  // Statements run by text share a plan with those that differ from them
  // only in literals (a prepared statement has its parameters already).
  std::optional<query::AutoParameters> autos;
  if (!cache) {
    std::string opening = query::OpeningWords(text);
    if (!opening.starts_with("EXPLAIN") && !opening.starts_with("PROFILE")) autos = query::Parameterize(text);
    for (const auto& [name, value] : params)
      if (autos && query::AutoParameters::IsName(name)) autos.reset();
  }
  if (autos) {
    QueryParams all = params;
    for (size_t i = 0; i < autos->values.size(); ++i) all.emplace(query::AutoParameters::Name(i), autos->values[i]);
    bool handed = false;  // columns or rows went out: no second run
    std::function<bool(const std::vector<Value>&)> rows = [&](const std::vector<Value>& row) {
      handed = true;
      return (*on_row)(row);
    };
    std::function<void(const std::vector<std::string>&)> columns = [&](const std::vector<std::string>& names) {
      handed = true;
      (*on_columns)(names);
    };
    QueryResult r = RunText(autos->text, all, on_row ? &rows : nullptr, on_columns ? &columns : nullptr, &cache_, &*autos);
    if (r.ok()) return r;
    if (r.error_.code != kKeepLiterals && (handed || r.error_.runtime)) {
      r.error_ = autos->ToOriginal(r.error_, text);
      r.error_.pretty = Pretty(text, r.error_);
      return r;
    }
    // Failed to compile: the text as written says why.
  }
  return RunText(text, params, on_row, on_columns, cache ? cache : &cache_, nullptr);
}

QueryResult Connection::Impl::RunText(std::string_view text, const QueryParams& params,
                                      const std::function<bool(const std::vector<Value>&)>* on_row,
                                      const std::function<void(const std::vector<std::string>&)>* on_columns,
                                      query::PlanCache* cache, const query::AutoParameters* autos) {
  QueryResult result;
  auto start = std::chrono::steady_clock::now();
  cancel_ = false;
  std::shared_ptr<graph::GraphTxn> txn;
  bool auto_commit = !explicit_;
  try {
    std::string key = query::PlanCache::Key(text, params);
    std::shared_ptr<const query::CachedStatement> cached = cache->Find(key);
    if (cached && !cached->statement) throw QueryError(kKeepLiterals, "", false, "a column is named by a literal");
    std::optional<query::Statement> parsed;
    if (!cached) {
      parsed.emplace(query::Parse(text));
      if (parsed->schema.kind != query::SchemaKind::kNone) {
        RunSchema(parsed->schema, &result);
        result.seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return result;
      }
    }
    bool writes = cached ? cached->writes : query::Writes(*parsed);
    if (auto_commit) {
      // A statement that only reads takes no turn to write: it never waits.
      auto begun = graph::Begin(db_, !writes, &cancel_);
      if (!begun.ok()) throw FromStatus(begun.status(), true);
      txn = std::move(*begun);
    } else {
      txn = explicit_;
    }
    if (!auto_commit) txn->SetSavePoint();
    query::ExecContext ctx(*txn, params);
    if (!auto_commit) ctx.transaction_time = explicit_began_;
    ctx.cancel = &cancel_;
    if (timeout_.count() > 0) ctx.deadline = start + timeout_;
    ctx.memory.limit = memory_limit_;
    ctx.file_directory = file_directory_;
    query::EvalSupport support;
    query::Evaluator eval(ctx, support);
    // A cached statement whose plan no longer fits is planned again from
    // its bound tree; a new one is bound, and kept once it has planned.
    std::shared_ptr<query::CachedStatement> fresh;
    if (cached && !cached->Fits(*txn)) {
      fresh = std::make_shared<query::CachedStatement>();
      fresh->statement = cached->statement;
      fresh->writes = cached->writes;
      cached = nullptr;
      cache->CountReplan();
    }
    if (!cached && !fresh) {  // not found in the cache: parsed above
      query::Bind(*parsed, params);
      if (autos)
        for (const std::string& column : parsed->columns)
          if (column.find("$`  ") != std::string::npos) {
            cache->Put(key, std::make_shared<query::CachedStatement>());
            throw QueryError(kKeepLiterals, "", false, "a column is named by a literal");
          }
      fresh = std::make_shared<query::CachedStatement>();
      fresh->statement = std::make_shared<const query::Statement>(std::move(*parsed));
      fresh->writes = writes;
    }
    const query::Statement& st = cached ? *cached->statement : *fresh->statement;
    query::Runtime rt{ctx, eval, st.profile};
    query::Plan plan;
    if (cached) {
      query::BuildPlan(st, rt, support, &plan, &cached->facts);
    } else {
      query::BuildPlan(st, rt, support, &plan, nullptr, &fresh->facts);
      cache->Put(key, fresh);
    }
    eval.set_pattern_width(plan.pattern_width);
    result.columns_ = plan.columns;
    if (on_columns) (*on_columns)(plan.columns);
    if (st.explain) {
      result.plan_ = query::DescribePlan(plan, false);
      if (auto_commit) txn->Rollback();
      else txn->PopSavePoint();
      return result;
    }
    bool has_columns = !plan.columns.empty();
    plan.sink->set_fn([&](query::Row& row) {
      if (!has_columns) return true;
      std::vector<Value> out;
      out.reserve(plan.columns.size());
      for (size_t i = 0; i < plan.columns.size(); ++i) out.push_back(Materialize(*txn, row[i]));
      if (on_row) return (*on_row)(out);
      ctx.memory.Hold(query::RowBytes(out));
      result.rows_.push_back(std::move(out));
      return true;
    });
    for (query::Operator* head : plan.heads) {
      auto part_start = std::chrono::steady_clock::now();
      query::Row row;
      head->Push(row);
      head->Finish();
      head->total_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - part_start).count();
    }
    auto counts = ctx.effects.Compute();
    result.counters_.nodes_created = counts.nodes_created;
    result.counters_.nodes_deleted = counts.nodes_deleted;
    result.counters_.relationships_created = counts.relationships_created;
    result.counters_.relationships_deleted = counts.relationships_deleted;
    result.counters_.properties_set = counts.properties_set;
    result.counters_.properties_removed = counts.properties_removed;
    result.counters_.labels_added = counts.labels_added;
    result.counters_.labels_removed = counts.labels_removed;
    if (st.profile) result.plan_ = query::DescribePlan(plan, true);
    if (auto_commit) {
      Status s = txn->Commit();
      if (!s.ok()) throw FromStatus(s, true);
    } else {
      txn->PopSavePoint();
    }
  } catch (const QueryError& e) {
    if (txn) {
      if (auto_commit) txn->Rollback();
      else txn->RollbackToSavePoint();
    }
    Fail(&result, text, e);
  } catch (const std::bad_alloc&) {
    // Limits are checked before memory is taken; this is the machine
    // running out below them.
    result.rows_ = {};
    if (txn) {
      if (auto_commit) txn->Rollback();
      else txn->RollbackToSavePoint();
    }
    Fail(&result, text, query::ErrorAt("TransientError", "OutOfMemory", true,
                                       "the machine ran out of memory running the statement; nothing it wrote "
                                       "was kept (a lower memory limit fails such a statement sooner)"));
  } catch (const std::exception& e) {
    if (txn) {
      if (auto_commit) txn->Rollback();
      else txn->RollbackToSavePoint();
    }
    Fail(&result, text, query::ErrorAt("DatabaseError", "Internal", true, std::string("internal error: ") + e.what()));
  }
  result.seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::optional<IndexSpec> Connection::Impl::Creation(std::string_view text) const {
  using query::SchemaKind;
  // Most statements are told apart by their first words, without parsing.
  std::string opening = query::OpeningWords(text);
  if (opening != "CREATE INDEX" && opening != "CREATE CONSTRAINT") return std::nullopt;
  try {
    query::Statement st = query::Parse(text);
    const query::SchemaCommand& cmd = st.schema;
    if (cmd.kind != SchemaKind::kCreateIndex && cmd.kind != SchemaKind::kCreateConstraint) return std::nullopt;
    return IndexSpec{cmd.label, cmd.property, cmd.name, cmd.kind == SchemaKind::kCreateConstraint, cmd.if_not_exists};
  } catch (const QueryError&) {
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Connection::Connection(Database& db) : impl_(std::make_unique<Impl>(db)) {}
Connection::~Connection() {
  if (impl_->explicit_) impl_->explicit_->Rollback();
}

QueryResult Connection::Execute(std::string_view statement, const QueryParams& params) {
  return impl_->Run(statement, params, nullptr);
}

QueryResult Connection::Stream(std::string_view statement, const QueryParams& params,
                               const std::function<bool(const std::vector<Value>&)>& on_row) {
  return impl_->Run(statement, params, &on_row);
}

QueryResult Connection::Stream(std::string_view statement, const QueryParams& params,
                               const std::function<void(const std::vector<std::string>&)>& on_columns,
                               const std::function<bool(const std::vector<Value>&)>& on_row) {
  return impl_->Run(statement, params, &on_row, &on_columns);
}

PreparedStatement Connection::Prepare(std::string_view text) {
  PreparedStatement p;
  auto impl = std::make_shared<PreparedStatement::Impl>();
  impl->text = std::string(text);
  try {
    query::Parse(text);
  } catch (const QueryError& e) {
    impl->error = e;
    impl->error.pretty = Pretty(text, e);
  }
  p.impl_ = std::move(impl);
  return p;
}

namespace {
// The result of running a statement that did not parse when prepared.
QueryResult NotPrepared(const PreparedStatement& statement) {
  QueryResult r;
  Connection::Impl::Fail(&r, statement.text(), statement.error());
  return r;
}
}  // namespace

QueryResult Connection::Execute(const PreparedStatement& statement, const QueryParams& params) {
  if (!statement.ok()) return NotPrepared(statement);
  return impl_->Run(statement.impl_->text, params, nullptr, nullptr, &statement.impl_->cache);
}

QueryResult Connection::Stream(const PreparedStatement& statement, const QueryParams& params,
                               const std::function<bool(const std::vector<Value>&)>& on_row) {
  if (!statement.ok()) return NotPrepared(statement);
  return impl_->Run(statement.impl_->text, params, &on_row, nullptr, &statement.impl_->cache);
}

PlanCacheStats Connection::plan_cache_stats() const {
  auto s = impl_->cache_.stats();
  return {s.hits, s.misses, s.replans, s.entries};
}

void Connection::ExecuteScript(std::span<const ScriptStatement> statements, const QueryParams& params,
                               const std::function<void(size_t, const QueryResult&)>& on_result) {
  size_t i = 0;
  while (i < statements.size()) {
    std::vector<IndexSpec> specs;
    size_t end = i;
    if (!impl_->explicit_)
      for (; end < statements.size(); ++end) {
        auto spec = impl_->Creation(statements[end].text);
        if (!spec) break;
        specs.push_back(std::move(*spec));
      }
    if (specs.size() > 1) {
      auto start = std::chrono::steady_clock::now();
      std::vector<bool> added;
      if (impl_->db_.CreateIndexes(specs, &added).ok()) {
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        for (size_t k = 0; k < specs.size(); ++k) {
          QueryResult r;
          if (added[k]) (specs[k].unique ? r.counters_.constraints_added : r.counters_.indexes_added) = 1;
          r.seconds_ = seconds / static_cast<double>(specs.size());
          on_result(i + k, r);
        }
        i = end;
        continue;
      }
    }
    // One statement at a time: anything but a run of creations, or a run
    // that failed together (and so changed nothing).
    for (end = std::max(end, i + 1); i < end; ++i) {
      QueryResult r = impl_->Run(statements[i].text, params, nullptr);
      on_result(i, r);
      if (!r.ok()) return;
    }
  }
}

Status Connection::Begin(const TransactionOptions& options) {
  if (impl_->explicit_) return Status::InvalidArgument("a transaction is already open");
  impl_->cancel_ = false;
  auto txn = graph::Begin(impl_->db_, options.read_only, &impl_->cancel_);
  if (!txn.ok()) return txn.status();
  impl_->explicit_ = std::move(*txn);
  impl_->explicit_began_ = std::chrono::system_clock::now();
  return Status::OK();
}

Status Connection::Commit() {
  if (!impl_->explicit_) return Status::InvalidArgument("no transaction is open");
  auto txn = std::move(impl_->explicit_);
  return txn->Commit();
}

void Connection::Rollback() {
  if (!impl_->explicit_) return;
  impl_->explicit_->Rollback();
  impl_->explicit_.reset();
}

bool Connection::in_transaction() const { return impl_->explicit_ != nullptr; }
void Connection::Cancel() { impl_->cancel_ = true; }
void Connection::set_timeout(std::chrono::milliseconds limit) { impl_->timeout_ = limit; }
void Connection::set_memory_limit(size_t bytes) { impl_->memory_limit_ = bytes; }
size_t Connection::memory_limit() const { return impl_->memory_limit_; }
size_t Connection::DefaultMemoryLimit() {
  static const size_t quarter = [] {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page) / 4 : size_t{1} << 30;
  }();
  return quarter;
}
void Connection::set_file_directory(std::string dir) { impl_->file_directory_ = std::move(dir); }

}  // namespace kg
