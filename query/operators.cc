#include "query/operators.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "graph/csv.h"
#include "query/functions.h"
#include "query/procedures.h"

namespace kg::query {

namespace {

[[noreturn]] void Db(const Status& s) { throw ErrorAt("DatabaseError", "", true, s.ToString()); }

void Check(const Status& s) {
  if (s.ok()) return;
  if (s.code() == StatusCode::kConstraintViolation)
    throw ErrorAt("ConstraintValidationFailed", "", true, s.message());
  if (s.code() == StatusCode::kReadOnly) throw ErrorAt("ClientError", "ReadOnly", true, s.message());
  Db(s);
}

}  // namespace

// ---- Match, Filter, Unwind ----

std::string MatchOp::Detail() const {
  std::string out;
  for (const auto& line : matcher_->Describe()) out += (out.empty() ? "" : "; ") + line;
  return out;
}

bool MatchOp::Push(Row& row) {
  ++rows_in;
  if (row.size() < width_) row.resize(width_);
  bool matched = false;
  bool go = matcher_->Match(row, rt_.ctx, rt_.eval, [&](Row& r) {
    matched = true;
    return Emit(r);
  });
  if (!go) return false;
  if (optional_ && !matched) {
    for (int s : new_slots_) row[s] = Value();
    return Emit(row);
  }
  return true;
}

bool FilterOp::Push(Row& row) {
  ++rows_in;
  if (!rt_.eval.IsTrue(*predicate_, row)) return true;
  return Emit(row);
}

bool ProcedureCallOp::Push(Row& row) {
  ++rows_in;
  const Procedure& proc = *call_->proc;
  std::vector<Value> args;
  for (const auto& a : call_->call_args) args.push_back(rt_.eval.Eval(*a, row));
  args.resize(proc.args.size());
  if (row.size() < call_->width) row.resize(call_->width);
  bool more = true;
  std::function<bool(std::vector<Value>&)> emit = [&](std::vector<Value>& fields) {
    for (const YieldItem& y : call_->yields) row[y.slot] = fields[y.output];
    if (call_->where && !rt_.eval.IsTrue(*call_->where, row)) return true;
    more = Emit(row);
    return more;
  };
  ProcedureCall call{rt_.ctx, std::move(args), emit};
  proc.impl(call);
  return more;
}

std::string ProcedureCallOp::Detail() const {
  std::string out(call_->proc->name);
  for (const YieldItem& y : call_->yields) out += (&y == &call_->yields.front() ? " YIELD " : ", ") + y.alias;
  return out;
}

bool UnwindOp::Push(Row& row) {
  ++rows_in;
  if (Evaluator::IsRangeCall(*list_)) {
    // UNWIND range(...) steps through the values without building the list.
    Evaluator::Range range = rt_.eval.EvalRange(*list_, row);
    if (row.size() < width_) row.resize(width_);
    return range.Each([&](int64_t i) {
      rt_.ctx.CheckInterrupt();
      row[slot_] = Value(i);
      return Emit(row);
    });
  }
  Value list = rt_.eval.Eval(*list_, row);
  if (row.size() < width_) row.resize(width_);
  if (list.is_null()) return true;
  if (!list.is_list()) {
    row[slot_] = list;
    return Emit(row);
  }
  for (const Value& v : list.as_list()) {
    rt_.ctx.CheckInterrupt();
    row[slot_] = v;
    if (!Emit(row)) return false;
  }
  return true;
}

bool LoadCsvOp::Push(Row& row) {
  ++rows_in;
  Value url = rt_.eval.Eval(*url_, row);
  if (!url.is_string()) TypeError("InvalidArgumentType", "LOAD CSV FROM takes a string (a path or a file:// URL)", url_->pos);
  std::string path = url.as_string();
  if (path.starts_with("file://")) path.erase(0, 7);
  if (path.find("://") != std::string::npos)
    RuntimeError("ExternalResourceError", "UnsupportedScheme", "LOAD CSV reads local files only, not '" + url.as_string() + "'", url_->pos);
  std::filesystem::path full(path);
  if (full.is_relative() && !rt_.ctx.file_directory.empty()) full = std::filesystem::path(rt_.ctx.file_directory) / full;
  std::ifstream in(full, std::ios::binary);
  if (!in) RuntimeError("ExternalResourceError", "FileNotFound", "LOAD CSV: cannot open " + full.string(), url_->pos);
  graph::CsvReader reader(in, full.string(), delimiter_);
  std::vector<graph::CsvReader::Field> fields;
  std::vector<std::string> header;
  Status error;
  if (row.size() < width_) row.resize(width_);
  auto fail = [&] { RuntimeError("ExternalResourceError", "MalformedCsv", "LOAD CSV: " + error.message(), url_->pos); };
  if (headers_) {
    if (!reader.Next(&fields, &error)) return true;
    if (!error.ok()) fail();
    for (auto& f : fields) header.emplace_back(f.text);
  }
  while (reader.Next(&fields, &error)) {
    if (!error.ok()) fail();
    rt_.ctx.CheckInterrupt();
    if (headers_) {
      if (fields.size() == 1 && fields[0].text.empty() && !fields[0].quoted) continue;  // a blank line
      if (fields.size() > header.size())
        RuntimeError("ExternalResourceError", "MalformedCsv",
                     "LOAD CSV: " + reader.Where() + ": " + std::to_string(fields.size()) +
                         " fields, but the header has " + std::to_string(header.size()),
                     url_->pos);
      ValueMap m;
      for (size_t i = 0; i < header.size(); ++i) {
        if (i < fields.size() && (fields[i].quoted || !fields[i].text.empty())) m[header[i]] = Value(std::string(fields[i].text));
        else m[header[i]] = Value();
      }
      row[slot_] = Value(std::move(m));
    } else {
      ValueList l;
      for (auto& f : fields) l.push_back(Value(std::string(f.text)));
      row[slot_] = Value(std::move(l));
    }
    if (!Emit(row)) return false;
  }
  if (!error.ok()) fail();
  return true;
}

bool EagerOp::Finish() {
  std::vector<Row> rows = std::move(rows_);
  for (Row& r : rows)
    if (!Emit(r)) return false;
  return FinishNext();
}

// ---- Projection and aggregation ----

struct ProjectionOp::Accumulator {
  const Expr* call;
  std::string fn;  // the name, for messages
  Aggregate agg = Aggregate::kCount;
  RowSet seen;  // DISTINCT
  int64_t count = 0;
  Value sum = Value(int64_t{0});
  bool any = false;
  double mean = 0, m2 = 0;  // Welford, for avg and stDev
  Value best;
  ValueList values;
  Value percentile;

  void Add(Runtime& rt, Row& row) {
    if (call->star) {
      ++count;
      return;
    }
    Value v = rt.eval.Eval(*call->args[0], row);
    if (v.is_null()) return;
    if (call->distinct) {
      if (!seen.insert(Row{v}).second) return;
      rt.ctx.memory.Hold(ValueBytes(v), call->pos);
    }
    ++count;
    if (agg == Aggregate::kCount) return;
    if (agg == Aggregate::kCollect) {
      rt.ctx.memory.Hold(ValueBytes(v), call->pos);
      values.push_back(v);
      return;
    }
    if (agg == Aggregate::kMin || agg == Aggregate::kMax) {
      if (best.is_null()) best = v;
      else {
        int c = OrderCompare(v, best);
        if (agg == Aggregate::kMin ? c < 0 : c > 0) best = v;
      }
      return;
    }
    if (!v.is_number())
      throw ErrorAt("TypeError", "InvalidArgumentType", true,
                       fn + "() needs numbers, got " + CypherTypeName(v) + " " + v.ToString(), call->pos);
    if (agg == Aggregate::kSum) {
      sum = Arithmetic("+", sum, v);
      return;
    }
    if (agg == Aggregate::kPercentileCont || agg == Aggregate::kPercentileDisc) {
      if (percentile.is_null()) {
        percentile = rt.eval.Eval(*call->args[1], row);
        if (!percentile.is_number() || percentile.as_number() < 0 || percentile.as_number() > 1)
          throw ErrorAt("ArgumentError", "NumberOutOfRange", true,
                           fn + "() percentile must be a number between 0 and 1, got " + percentile.ToString(),
                           call->pos);
      }
      rt.ctx.memory.Hold(sizeof(Value), call->pos);
      values.push_back(v);
      return;
    }
    double x = v.as_number();
    double delta = x - mean;
    mean += delta / static_cast<double>(count);
    m2 += delta * (x - mean);
  }

  Value Result() const {
    if (agg == Aggregate::kCount) return Value(count);
    if (agg == Aggregate::kCollect) return Value(values);
    if (agg == Aggregate::kMin || agg == Aggregate::kMax) return best;
    if (agg == Aggregate::kSum) return sum;
    if (count == 0) return Value();
    if (agg == Aggregate::kAvg) return Value(mean);
    if (agg == Aggregate::kStDev) return Value(count < 2 ? 0.0 : std::sqrt(m2 / static_cast<double>(count - 1)));
    if (agg == Aggregate::kStDevP) return Value(std::sqrt(m2 / static_cast<double>(count)));
    ValueList sorted = values;
    std::sort(sorted.begin(), sorted.end(), [](const Value& a, const Value& b) { return OrderCompare(a, b) < 0; });
    double p = percentile.as_number();
    size_t n = sorted.size();
    if (agg == Aggregate::kPercentileDisc) {
      size_t idx = p == 0 ? 0 : static_cast<size_t>(std::ceil(p * static_cast<double>(n))) - 1;
      return sorted[std::min(idx, n - 1)];
    }
    double pos = p * static_cast<double>(n - 1);
    size_t lo = static_cast<size_t>(std::floor(pos));
    size_t hi = std::min(lo + 1, n - 1);
    double frac = pos - static_cast<double>(lo);
    return Value(sorted[lo].as_number() + (sorted[hi].as_number() - sorted[lo].as_number()) * frac);
  }
};

struct ProjectionOp::Group {
  Row extended;  // the group's first input row, extended with the key items
  std::vector<Accumulator> accumulators;
};

ProjectionOp::ProjectionOp(Runtime& rt, ProjectionSpec spec) : rt_(rt), spec_(std::move(spec)) {}

std::unique_ptr<ProjectionOp::Group> ProjectionOp::NewGroup(Row extended) const {
  auto g = std::make_unique<Group>();
  g->extended = std::move(extended);
  for (const Expr* call : spec_.aggregates) {
    Accumulator acc;
    acc.call = call;
    acc.fn = call->name;
    for (char& c : acc.fn) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    acc.agg = call->function ? call->function->aggregate : FindFunction(call->name)->aggregate;
    g->accumulators.push_back(std::move(acc));
  }
  return g;
}
ProjectionOp::~ProjectionOp() = default;

std::string ProjectionOp::Name() const {
  if (spec_.aggregate) return "EagerAggregation";
  if (!spec_.order.empty()) return spec_.limit ? "Top" : "Sort";
  if (spec_.distinct) return "Distinct";
  return "Projection";
}

std::string ProjectionOp::Detail() const {
  std::string out;
  for (const auto& it : spec_.items) out += (out.empty() ? "" : ", ") + it.expr->text;
  return out;
}

int64_t ProjectionOp::CountArg(const Expr* e, const char* what) {
  Row empty;
  Value v = rt_.eval.Eval(*e, empty);
  if (v.is_float() && v.as_float() == std::floor(v.as_float()))
    throw ErrorAt("SyntaxError", "InvalidArgumentType", true, std::string(what) + " must be an integer, got " + v.ToString(), e->pos);
  if (!v.is_int())
    throw ErrorAt("SyntaxError", "InvalidArgumentType", true,
                     std::string(what) + " must be a non-negative integer, got " + v.ToString(), e->pos);
  if (v.as_int() < 0)
    throw ErrorAt("SyntaxError", "NegativeIntegerArgument", true,
                     std::string(what) + " must not be negative, got " + v.ToString(), e->pos);
  return v.as_int();
}

void ProjectionOp::PrepareLimits() {
  if (limits_ready_) return;
  limits_ready_ = true;
  if (spec_.skip) skip_ = CountArg(spec_.skip, "SKIP");
  if (spec_.limit) limit_ = CountArg(spec_.limit, "LIMIT");
}

bool ProjectionOp::Push(Row& row) {
  ++rows_in;
  PrepareLimits();
  if (stopped_) return false;
  if (limit_ == 0 && !spec_.aggregate) return false;
  Row extended = row;
  extended.resize(spec_.old_width + spec_.items.size());
  if (spec_.aggregate) {
    Row key;
    for (const auto& it : spec_.items)
      if (!ContainsAggregate(*it.expr)) {
        extended[it.slot] = rt_.eval.Eval(*it.expr, extended);
        key.push_back(extended[it.slot]);
      }
    auto [pos, inserted] = group_index_.emplace(std::move(key), groups_.size());
    if (inserted) {
      rt_.ctx.memory.Hold(2 * RowBytes(extended) + 64 * spec_.items.size(), spec_.items.empty() ? Position{} : spec_.items[0].expr->pos);
      groups_.push_back(NewGroup(extended));
    }
    Group& g = *groups_[pos->second];
    for (auto& acc : g.accumulators) acc.Add(rt_, row);
    return true;
  }
  for (const auto& it : spec_.items) extended[it.slot] = rt_.eval.Eval(*it.expr, extended);
  return Output(extended);
}

bool ProjectionOp::Output(Row& extended) {
  if (spec_.distinct) {
    Row key;
    for (const auto& it : spec_.items) key.push_back(extended[it.slot]);
    size_t bytes = RowBytes(key);
    if (!distinct_.insert(std::move(key)).second) return true;
    rt_.ctx.memory.Hold(bytes, spec_.items.empty() ? Position{} : spec_.items[0].expr->pos);
  }
  if (!spec_.order.empty()) {
    rt_.ctx.memory.Hold(RowBytes(extended), spec_.items.empty() ? Position{} : spec_.items[0].expr->pos);
    buffer_.push_back(std::move(extended));
    return true;
  }
  if (seen_++ < skip_) return true;
  if (limit_ >= 0 && emitted_ >= limit_) {
    stopped_ = true;
    return false;
  }
  ++emitted_;
  bool go = true;
  if (!spec_.where || rt_.eval.IsTrue(*spec_.where, extended)) {
    Row out(spec_.new_width);
    for (size_t i = 0; i < spec_.items.size(); ++i) out[i] = std::move(extended[spec_.items[i].slot]);
    go = Emit(out);
  }
  if (limit_ >= 0 && emitted_ >= limit_) {
    stopped_ = true;
    return false;
  }
  return go;
}

bool ProjectionOp::Drain() {
  // ORDER BY: sort the buffer (keys computed once per row).
  std::vector<std::pair<Row, size_t>> keyed;
  keyed.reserve(buffer_.size());
  for (size_t i = 0; i < buffer_.size(); ++i) {
    Row keys;
    for (const auto& [e, desc] : spec_.order) keys.push_back(rt_.eval.Eval(*e, buffer_[i]));
    keyed.emplace_back(std::move(keys), i);
  }
  auto less = [&](const std::pair<Row, size_t>& a, const std::pair<Row, size_t>& b) {
    for (size_t k = 0; k < spec_.order.size(); ++k) {
      int c = OrderCompare(a.first[k], b.first[k]);
      if (spec_.order[k].second) c = -c;
      if (c) return c < 0;
    }
    return a.second < b.second;
  };
  size_t wanted = limit_ >= 0 ? static_cast<size_t>(skip_ + limit_) : keyed.size();
  if (wanted < keyed.size()) {
    std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(wanted), keyed.end(), less);
    keyed.resize(wanted);
  } else {
    std::sort(keyed.begin(), keyed.end(), less);
  }
  std::vector<Row> rows = std::move(buffer_);
  buffer_.clear();
  for (auto& [keys, i] : keyed) {
    if (seen_++ < skip_) continue;
    if (limit_ >= 0 && emitted_ >= limit_) break;
    ++emitted_;
    if (spec_.where && !rt_.eval.IsTrue(*spec_.where, rows[i])) continue;
    Row out(spec_.new_width);
    for (size_t k = 0; k < spec_.items.size(); ++k) out[k] = std::move(rows[i][spec_.items[k].slot]);
    if (!Emit(out)) return false;
  }
  return true;
}

bool ProjectionOp::Finish() {
  PrepareLimits();
  if (spec_.aggregate) {
    // No input at all and no grouping keys: one row of empty aggregates.
    bool keyless = std::none_of(spec_.items.begin(), spec_.items.end(),
                                [](const auto& it) { return !ContainsAggregate(*it.expr); });
    if (groups_.empty() && keyless) groups_.push_back(NewGroup(Row(spec_.old_width + spec_.items.size())));
    std::vector<std::unique_ptr<Group>> groups = std::move(groups_);
    bool go = true;
    for (auto& g : groups) {
      std::vector<Value> results;
      for (const auto& acc : g->accumulators) results.push_back(acc.Result());
      rt_.eval.set_aggregates(&results);
      for (const auto& it : spec_.items)
        if (ContainsAggregate(*it.expr)) g->extended[it.slot] = rt_.eval.Eval(*it.expr, g->extended);
      rt_.eval.set_aggregates(nullptr);
      if (stopped_ || !Output(g->extended)) {
        go = false;
        break;
      }
    }
    if (!go && spec_.order.empty()) return FinishNext();
  }
  if (!spec_.order.empty()) Drain();
  return FinishNext();
}

// ---- writes ----

namespace {

void CheckStorableProperty(const Value& v, const std::string& key, const Position& pos) {
  auto bad = [&](const std::string& why) {
    throw ErrorAt("TypeError", "InvalidPropertyType", true,
                     "property " + key + ": " + why, pos);
  };
  if (v.is_map()) bad("a map cannot be stored as a property value");
  if (v.is_node() || v.is_edge() || v.is_path()) bad("a " + CypherTypeName(v) + " cannot be stored as a property value");
  if (v.is_list()) {
    for (const Value& e : v.as_list()) {
      if (e.is_list() || e.is_map() || e.is_node() || e.is_edge() || e.is_path())
        bad("a list of " + CypherTypeName(e) + " values cannot be stored as a property value");
    }
  }
}

// Evaluates a pattern's property map for writing.
std::vector<std::pair<std::string, Value>> WriteProperties(Runtime& rt, const Expr* props, Row& row) {
  std::vector<std::pair<std::string, Value>> out;
  if (!props) return out;
  Value m = rt.eval.Eval(*props, row);
  if (m.is_null()) return out;
  if (!m.is_map()) throw ErrorAt("TypeError", "InvalidArgumentType", true, "properties must be a map", props->pos);
  for (const auto& [k, v] : m.as_map()) {
    if (v.is_null()) continue;
    CheckStorableProperty(v, k, props->pos);
    out.emplace_back(k, v);
  }
  return out;
}

}  // namespace

bool CreateOp::Push(Row& row) {
  ++rows_in;
  if (row.size() < width_) row.resize(width_);
  auto& txn = rt_.ctx.txn;
  for (const MatchPart& part : parts_) {
    for (const NodeStep& n : part.nodes) {
      if (n.bound) {
        if (!row[n.slot].is_node())
          throw ErrorAt("SemanticError", "CreateNullNode", true,
                           "cannot create a relationship to or from a null node");
        continue;
      }
      std::vector<uint32_t> labels;
      for (const auto& l : n.labels) {
        auto id = txn.InternLabel(l);
        Check(id.status());
        rt_.ctx.effects.BeforeLabelChange(*id);
        labels.push_back(*id);
      }
      graph::PropertyList props;
      for (auto& [k, v] : WriteProperties(rt_, n.properties, row)) {
        auto id = txn.InternKey(k);
        Check(id.status());
        props.emplace_back(*id, v);
      }
      size_t count = props.size();
      auto id = txn.CreateNode(std::move(labels), std::move(props));
      Check(id.status());
      rt_.ctx.effects.NodeCreated(*id, count);
      row[n.slot] = Value(Value::NodeRef{*id, nullptr});
    }
    for (size_t i = 0; i < part.rels.size(); ++i) {
      const RelStep& r = part.rels[i];
      NodeId left = row[part.nodes[i].slot].as_node_ref().id;
      NodeId right = row[part.nodes[i + 1].slot].as_node_ref().id;
      auto type = txn.InternType(r.types[0]);
      Check(type.status());
      graph::PropertyList props;
      for (auto& [k, v] : WriteProperties(rt_, r.properties, row)) {
        auto id = txn.InternKey(k);
        Check(id.status());
        props.emplace_back(*id, v);
      }
      NodeId src = r.direction == Direction::kIn ? right : left;
      NodeId dst = r.direction == Direction::kIn ? left : right;
      size_t count = props.size();
      auto id = txn.CreateEdge(src, *type, dst, std::move(props));
      Check(id.status());
      rt_.ctx.effects.EdgeCreated(*id, count);
      row[r.slot] = Value(Value::EdgeRef{*id, src, dst, nullptr});
    }
    if (part.path_slot >= 0) {
      auto path = std::make_shared<Path>();
      for (size_t i = 0; i < part.nodes.size(); ++i) {
        path->nodes.push_back(row[part.nodes[i].slot]);
        if (i < part.rels.size()) path->edges.push_back(row[part.rels[i].slot]);
      }
      row[part.path_slot] = Value(std::shared_ptr<const Path>(std::move(path)));
    }
  }
  return Emit(row);
}

bool MergeOp::Push(Row& row) {
  ++rows_in;
  if (row.size() < width_) row.resize(width_);
  // MERGE cannot match on null: it would create a duplicate every time.
  auto check_null = [&](const Expr* props) {
    if (!props) return;
    Value m = rt_.eval.Eval(*props, row);
    if (!m.is_map()) return;
    for (const auto& [k, v] : m.as_map())
      if (v.is_null())
        throw ErrorAt("SemanticError", "MergeReadOwnWrites", true,
                         "cannot MERGE with a null property value (" + k + ")", props->pos);
  };
  for (const auto& part : create_.parts_) {
    for (const auto& n : part.nodes) check_null(n.properties);
    for (const auto& r : part.rels) check_null(r.properties);
  }
  std::vector<Row> matches;
  matcher_->Match(row, rt_.ctx, rt_.eval, [&](Row& r) {
    matches.push_back(r);
    return true;
  });
  if (matches.empty()) {
    // Create, then continue with the created row.
    Row created = row;
    struct Capture : Operator {
      Row* out;
      bool Push(Row& r) override {
        *out = r;
        return true;
      }
      std::string Name() const override { return ""; }
    } capture;
    capture.out = &created;
    create_.set_next(&capture);
    create_.Push(created);
    ApplySetItems(rt_, clause_->on_create, created);
    return Emit(created);
  }
  for (Row& m : matches) {
    ApplySetItems(rt_, clause_->on_match, m);
    if (!Emit(m)) return false;
  }
  return true;
}

namespace {

// Sets key on a node or relationship, or removes it when value is null,
// remembering the old value for the side-effect counters. A null target and
// an element deleted earlier in the statement are skipped.
void WriteProperty(Runtime& rt, const Value& target, const std::string& key, const Value& value, const Position& pos) {
  if (target.is_null()) return;
  if (!target.is_node() && !target.is_edge())
    throw ErrorAt("TypeError", "InvalidArgumentType", true,
                     std::string(value.is_null() ? "cannot remove a property from " : "cannot set a property on ") +
                         CypherTypeName(target),
                     pos);
  auto& txn = rt.ctx.txn;
  uint32_t k;
  if (value.is_null()) {
    auto existing = txn.ResolveKey(key);
    if (!existing) return;  // a key never used: nothing to remove
    k = *existing;
  } else {
    CheckStorableProperty(value, key, pos);
    auto interned = txn.InternKey(key);
    Check(interned.status());
    k = *interned;
  }
  Status s;
  if (target.is_node()) {
    rt.ctx.effects.BeforeNodeProperty(target.as_node_ref().id, k);
    s = txn.SetNodeProperty(target.as_node_ref().id, k, value);
  } else {
    rt.ctx.effects.BeforeEdgeProperty(target.as_edge_ref().id, k);
    s = txn.SetEdgeProperty(target.as_edge_ref().id, k, value);
  }
  if (s.code() != StatusCode::kNotFound) Check(s);
}

}  // namespace

void ApplySetItems(Runtime& rt, const std::vector<SetItem>& items, Row& row) {
  auto& txn = rt.ctx.txn;
  for (const SetItem& item : items) {
    switch (item.kind) {
      case SetItem::Kind::kProperty: {
        Value target = rt.eval.Eval(*item.target->args[0], row);
        Value value = rt.eval.Eval(*item.value, row);
        WriteProperty(rt, target, item.target->name, value, item.pos);
        break;
      }
      case SetItem::Kind::kReplaceAll:
      case SetItem::Kind::kMerge: {
        Value target = rt.eval.Eval(*item.target, row);
        Value value = rt.eval.Eval(*item.value, row);
        if (target.is_null()) break;
        if (!target.is_node() && !target.is_edge())
          throw ErrorAt("TypeError", "InvalidArgumentType", true,
                           "cannot set properties on " + CypherTypeName(target), item.pos);
        ValueMap props;
        if (value.is_map()) {
          props = value.as_map();
        } else if (value.is_node() || value.is_edge()) {
          props = rt.eval.ElementProperties(value);
        } else if (!value.is_null()) {
          throw ErrorAt("TypeError", "InvalidArgumentType", true,
                           "SET " + item.var + " needs a map, got " + CypherTypeName(value), item.pos);
        }
        if (item.kind == SetItem::Kind::kReplaceAll)
          for (const auto& [k, v] : rt.eval.ElementProperties(target))
            if (!props.count(k)) WriteProperty(rt, target, k, Value(), item.pos);
        for (const auto& [k, v] : props) WriteProperty(rt, target, k, v, item.pos);
        break;
      }
      case SetItem::Kind::kLabels: {
        Value target = rt.eval.Eval(*item.target, row);
        if (target.is_null()) break;
        if (!target.is_node())
          throw ErrorAt("TypeError", "InvalidArgumentType", true, "cannot set labels on " + CypherTypeName(target), item.pos);
        for (const auto& l : item.labels) {
          auto id = txn.InternLabel(l);
          Check(id.status());
          rt.ctx.effects.BeforeLabelChange(*id);
          Status s = txn.SetNodeLabel(target.as_node_ref().id, *id, true);
          if (s.code() != StatusCode::kNotFound) Check(s);
        }
        break;
      }
    }
  }
}

bool SetOp::Push(Row& row) {
  ++rows_in;
  ApplySetItems(rt_, *items_, row);
  return Emit(row);
}

bool RemoveOp::Push(Row& row) {
  ++rows_in;
  auto& txn = rt_.ctx.txn;
  for (const RemoveItem& item : clause_->remove_items) {
    if (item.is_labels) {
      Value target = rt_.eval.Eval(*item.property, row);
      if (target.is_null()) continue;
      if (!target.is_node())
        throw ErrorAt("TypeError", "InvalidArgumentType", true, "cannot remove labels from " + CypherTypeName(target), item.pos);
      for (const auto& l : item.labels) {
        auto id = txn.ResolveLabel(l);
        if (!id) continue;
        rt_.ctx.effects.BeforeLabelChange(*id);
        Status s = txn.SetNodeLabel(target.as_node_ref().id, *id, false);
        if (s.code() != StatusCode::kNotFound) Check(s);
      }
      continue;
    }
    WriteProperty(rt_, rt_.eval.Eval(*item.property->args[0], row), item.property->name, Value(), item.pos);
  }
  return Emit(row);
}

bool DeleteOp::Push(Row& row) {
  ++rows_in;
  auto delete_edge = [&](EdgeId id) {
    graph::EdgeData r;
    if (rt_.eval.LoadEdge(id, &r)) edges_.push_back(id);
  };
  for (const auto& e : clause_->delete_exprs) {
    Value v = rt_.eval.Eval(*e, row);
    if (v.is_null()) continue;
    if (v.is_node()) {
      nodes_.push_back(v.as_node_ref().id);
    } else if (v.is_edge()) {
      delete_edge(v.as_edge_ref().id);
    } else if (v.is_path()) {
      for (const Value& r : v.as_path().edges) delete_edge(r.as_edge_ref().id);
      for (const Value& n : v.as_path().nodes) nodes_.push_back(n.as_node_ref().id);
    } else {
      throw ErrorAt("TypeError", "InvalidArgumentType", true,
                       "DELETE needs a node, relationship or path, got " + CypherTypeName(v), e->pos);
    }
  }
  return Emit(row);
}

bool DeleteOp::Finish() {
  auto& txn = rt_.ctx.txn;
  std::sort(nodes_.begin(), nodes_.end());
  nodes_.erase(std::unique(nodes_.begin(), nodes_.end()), nodes_.end());
  std::vector<std::pair<NodeId, graph::NodeData>> nodes;  // those still there
  for (NodeId id : nodes_) {
    graph::NodeData r;
    if (rt_.eval.LoadNode(id, &r)) nodes.emplace_back(id, std::move(r));
  }
  nodes_.clear();
  // The relationships go first, all at once (adjacency blocks they share
  // are rewritten once): those deleted by name, then those of detached nodes.
  if (clause_->detach)
    for (const auto& [id, r] : nodes)
      Check(txn.Expand(id, Direction::kBoth, std::nullopt, [&](const graph::AdjacentEdge& e, bool) {
        edges_.push_back(e.edge);
        return true;
      }));
  Check(txn.DeleteEdges(edges_, [&](EdgeId id, const graph::EdgeData& r) { rt_.ctx.effects.BeforeEdgeDelete(id, r); }));
  edges_.clear();
  for (const auto& [id, r] : nodes) {
    rt_.ctx.effects.BeforeNodeDelete(id, r);
    for (uint32_t l : r.labels) rt_.ctx.effects.BeforeLabelChange(l);
    Status s = txn.DeleteNode(id, false);
    if (s.code() == StatusCode::kConstraintViolation)
      throw ErrorAt("ConstraintVerificationFailed", "DeleteConnectedNode", true,
                       "cannot delete node " + std::to_string(id) +
                           " because it still has relationships; to delete them as well, use DETACH DELETE");
    Check(s);
  }
  return FinishNext();
}

bool UnionOp::Push(Row& row) {
  ++rows_in;
  if (distinct_) {
    if (!seen_.insert(row).second) return true;
    memory_.Hold(RowBytes(row));
  }
  return Emit(row);
}

}  // namespace kg::query
