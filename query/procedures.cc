#include "query/procedures.h"

#include <algorithm>
#include <map>
#include <set>

#include "graph/graph.h"
#include "kg/algorithms.h"
#include "query/context.h"
#include "query/lexer.h"
#include "query/query_error.h"
#include "query/value_ops.h"

namespace kg::query {
namespace {

[[noreturn]] void Fail(const std::string& detail, const std::string& message) {
  throw ErrorAt("ProcedureCallFailed", detail, true, message);
}

bool Emit(ProcedureCall& call, std::vector<Value> row) {
  call.ctx.CheckInterrupt();
  return call.emit(row);
}

// ---- db.* ----

// The names of kind in use: a label some node has, a type some
// relationship has (every property key, used or not, as Neo4j does).
void EmitNames(ProcedureCall& call, graph::NameKind kind) {
  graph::GraphTxn& txn = call.ctx.txn;
  for (const auto& [id, name] : txn.Names(kind)) {
    if (kind != graph::NameKind::kKey) {
      auto n = kind == graph::NameKind::kLabel ? txn.CountNodes(id) : txn.CountEdges(id);
      if (!n.ok()) Fail("", n.status().message());
      if (*n == 0) continue;
    }
    if (!Emit(call, {Value(name)})) return;
  }
}

void Labels(ProcedureCall& call) { EmitNames(call, graph::NameKind::kLabel); }
void RelationshipTypes(ProcedureCall& call) { EmitNames(call, graph::NameKind::kType); }
void PropertyKeys(ProcedureCall& call) { EmitNames(call, graph::NameKind::kKey); }

void Indexes(ProcedureCall& call) {
  graph::GraphTxn& txn = call.ctx.txn;
  for (const auto& i : txn.Indexes()) {
    std::string label = txn.Name(graph::NameKind::kLabel, i.label), key = txn.Name(graph::NameKind::kKey, i.key);
    if (!Emit(call, {Value(i.name), Value(i.unique ? "UNIQUENESS" : "RANGE"), Value(ValueList{Value(label)}),
                     Value(ValueList{Value(key)})}))
      return;
  }
}

void TextIndexes(ProcedureCall& call) {
  graph::GraphTxn& txn = call.ctx.txn;
  for (const auto& i : txn.TextIndexes()) {
    ValueList labels, keys;
    for (uint32_t l : i.labels)
      labels.push_back(Value(txn.Name(i.relationships ? graph::NameKind::kType : graph::NameKind::kLabel, l)));
    for (uint32_t k : i.keys) keys.push_back(Value(txn.Name(graph::NameKind::kKey, k)));
    if (!Emit(call, {Value(i.name), Value("FULLTEXT"), Value(std::move(labels)), Value(std::move(keys))})) return;
  }
}

void AllIndexes(ProcedureCall& call) {
  Indexes(call);
  TextIndexes(call);
}

// ---- db.index.fulltext.* ----

void FullTextQuery(ProcedureCall& call, bool relationships) {
  graph::GraphTxn& txn = call.ctx.txn;
  for (size_t i = 0; i < 2; ++i)
    if (!call.args[i].is_string())
      throw ErrorAt("SyntaxError", "InvalidArgumentType", true,
                    std::string(i == 0 ? "the index name" : "the query") + " must be a string, not " +
                        CypherTypeName(call.args[i]));
  const std::string& name = call.args[0].as_string();
  int64_t skip = 0, limit = INT64_MAX;
  if (!call.args[2].is_null()) {
    if (!call.args[2].is_map()) Fail("InvalidArgument", "the options must be a map, not " + CypherTypeName(call.args[2]));
    for (const auto& [k, v] : call.args[2].as_map()) {
      if (k != "skip" && k != "limit")
        Fail("InvalidArgument", "unknown full-text query option '" + k + "' (there are: limit, skip)");
      if (!v.is_int() || v.as_int() < 0)
        Fail("InvalidArgument", "the option " + k + " must be a non-negative integer, not " + v.ToString());
      (k == "skip" ? skip : limit) = v.as_int();
    }
  }
  bool found = false;
  for (const auto& i : txn.TextIndexes())
    if (i.name == name) {
      found = true;
      if (i.relationships != relationships)
        Fail("InvalidArgument", "full-text index " + name + " is an index of " +
                                    (i.relationships ? "relationships: use db.index.fulltext.queryRelationships"
                                                     : "nodes: use db.index.fulltext.queryNodes"));
    }
  if (!found) Fail("IndexNotFound", "there is no full-text index called " + name);
  ExecContext* ctx = &call.ctx;
  auto hits = txn.TextSearch(name, call.args[1].as_string(), static_cast<size_t>(skip), static_cast<size_t>(limit),
                             [ctx] { return ctx->Interrupted() ? Status::Aborted("interrupted") : Status::OK(); });
  if (!hits.ok()) {
    call.ctx.ThrowIfInterrupted();
    Fail(hits.status().code() == StatusCode::kInvalidArgument ? "InvalidArgument" : "", hits.status().message());
  }
  for (const auto& h : *hits) {
    Value element;
    if (relationships) {
      graph::EdgeData e;
      if (Status s = txn.ReadEdge(h.element, &e); !s.ok()) Fail("", s.message());
      element = Value(Value::EdgeRef{h.element, e.source, e.target, nullptr});
    } else {
      element = Value(Value::NodeRef{h.element, nullptr});
    }
    if (!Emit(call, {std::move(element), Value(h.score)})) return;
  }
}

void QueryNodes(ProcedureCall& call) { FullTextQuery(call, false); }
void QueryRelationships(ProcedureCall& call) { FullTextQuery(call, true); }

void Analyzers(ProcedureCall& call) {
  const std::pair<const char*, const char*> analyzers[] = {
      {"standard", "Words by Unicode's word boundaries, case and accents folded; Chinese and Japanese characters one "
                   "term each (any run of them is found as a phrase)"},
      {"english", "standard, then English possessives and stop words dropped and Snowball's English stemmer"},
      {"cjk", "standard, with Chinese and Japanese text also indexed as overlapping pairs of characters"}};
  for (auto [name, description] : analyzers)
    if (!Emit(call, {Value(name), Value(description)})) return;
}

// Per combination of labels of the nodes (or per type of the
// relationships), each key with the types of its values and whether every
// element has it.
void SchemaProperties(ProcedureCall& call, bool nodes) {
  graph::GraphTxn& txn = call.ctx.txn;
  struct Seen {
    std::set<std::string> types;
    int64_t count = 0;
  };
  struct Group {
    int64_t elements = 0;
    std::map<std::string, Seen> keys;
  };
  std::map<std::vector<std::string>, Group> groups;  // by labels, or by {type}
  auto note = [&](std::vector<std::string> names, graph::PropertySpan props) {
    Group& g = groups[std::move(names)];
    ++g.elements;
    for (const auto& [key, value] : props) {
      Seen& seen = g.keys[txn.Name(graph::NameKind::kKey, key)];
      seen.types.insert(CypherTypeName(value));
      ++seen.count;
    }
  };
  Status s;
  if (nodes) {
    s = txn.ScanNodes([&](NodeId id) {
      call.ctx.CheckInterrupt();
      graph::NodeData n;
      if (!txn.ReadNode(id, &n).ok()) return true;
      std::vector<std::string> labels;
      for (uint32_t l : n.labels) labels.push_back(txn.Name(graph::NameKind::kLabel, l));
      note(std::move(labels), n.properties);
      return true;
    });
  } else {
    s = txn.ScanEdges([&](EdgeId id, uint32_t type, NodeId, NodeId) {
      call.ctx.CheckInterrupt();
      graph::EdgeData e;
      if (!txn.ReadEdge(id, &e).ok()) return true;
      note({txn.Name(graph::NameKind::kType, type)}, e.properties);
      return true;
    });
  }
  if (!s.ok()) Fail("", s.message());
  for (const auto& group_entry : groups) {
    const auto& names = group_entry.first;
    const auto& g = group_entry.second;
    std::string group;  // ":`A`:`B`", as Neo4j names it
    ValueList labels;
    for (const std::string& n : names) {
      group += ":`" + n + "`";
      labels.push_back(Value(n));
    }
    auto row = [&](const std::string* key, const Seen* seen) {
      std::vector<Value> out{Value(group)};
      if (nodes) out.push_back(Value(labels));
      out.push_back(key ? Value(*key) : Value());
      if (seen) {
        ValueList types;
        for (const auto& t : seen->types) types.push_back(Value(t));
        out.push_back(Value(std::move(types)));
      } else {
        out.push_back(Value());
      }
      out.push_back(Value(seen && seen->count == g.elements));
      return Emit(call, std::move(out));
    };
    if (g.keys.empty() && !row(nullptr, nullptr)) return;
    for (const auto& [key, seen] : g.keys)
      if (!row(&key, &seen)) return;
  }
}

void NodeTypeProperties(ProcedureCall& call) { SchemaProperties(call, true); }
void RelTypeProperties(ProcedureCall& call) { SchemaProperties(call, false); }

// ---- algo.*: a projection given as a config map ----

struct Projection {
  GraphFilter filter;
  std::string weight;  // empty: unweighted
  double damping = 0.85;
  int iterations = 20;
  double tolerance = 0;  // 0: every iteration
};

std::vector<std::string> StringList(const Value& v, const std::string& key) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (v.is_string()) return {v.as_string()};
  if (!v.is_list()) Fail("InvalidArgument", "config." + key + " must be a list of strings");
  for (const Value& e : v.as_list()) {
    if (!e.is_string()) Fail("InvalidArgument", "config." + key + " must be a list of strings");
    out.push_back(e.as_string());
  }
  return out;
}

Projection ReadConfig(const Value& config, Direction default_direction) {
  Projection p;
  p.filter.direction = default_direction;
  if (config.is_null()) return p;
  if (!config.is_map()) Fail("InvalidArgument", "the config must be a map");
  for (const auto& [key, v] : config.as_map()) {
    if (key == "labels") {
      p.filter.labels = StringList(v, key);
    } else if (key == "types" || key == "relationshipTypes") {
      p.filter.edge_types = StringList(v, key);
    } else if (key == "direction") {
      std::string d = v.is_string() ? AsciiUpper(v.as_string()) : "";
      if (d == "OUT" || d == "OUTGOING") p.filter.direction = Direction::kOut;
      else if (d == "IN" || d == "INCOMING") p.filter.direction = Direction::kIn;
      else if (d == "BOTH" || d == "UNDIRECTED") p.filter.direction = Direction::kBoth;
      else Fail("InvalidArgument", "config.direction must be 'OUT', 'IN' or 'BOTH'");
    } else if (key == "weight" || key == "weightProperty") {
      if (!v.is_null() && !v.is_string()) Fail("InvalidArgument", "config.weight must be a property name");
      if (v.is_string()) p.weight = v.as_string();
    } else if (key == "damping" || key == "dampingFactor") {
      if (!v.is_number()) Fail("InvalidArgument", "config.damping must be a number");
      p.damping = v.as_number();
    } else if (key == "tolerance") {
      if (!v.is_number() || !(v.as_number() >= 0)) Fail("InvalidArgument", "config.tolerance must be a number >= 0");
      p.tolerance = v.as_number();
    } else if (key == "iterations" || key == "maxIterations") {
      if (!v.is_int() || v.as_int() < 1 || v.as_int() > 1000000)
        Fail("InvalidArgument", "config.iterations must be a positive integer");
      p.iterations = static_cast<int>(v.as_int());
    } else {
      Fail("InvalidArgument", "unknown config key '" + key +
                                  "' (known: labels, types, direction, weight, damping, iterations, tolerance)");
    }
  }
  return p;
}

NodeId NodeArgument(const Value& v, const char* what) {
  if (v.is_node()) return v.as_node_ref().id;
  if (v.is_int() && v.as_int() >= 0) return static_cast<NodeId>(v.as_int());
  Fail("InvalidArgument", std::string(what) + " must be a node");
}

// An algorithm's failure; one it was stopped for is the statement's
// cancellation or time limit.
void Check(ExecContext& ctx, const Status& s) {
  if (s.code() == StatusCode::kAborted) ctx.ThrowIfInterrupted();
  if (!s.ok()) Fail(s.code() == StatusCode::kNotFound ? "NotFound" : "", s.message());
}

// The projection of a call's config, stopping with the statement.
Projection Config(ProcedureCall& call, const Value& config, Direction default_direction) {
  Projection p = ReadConfig(config, default_direction);
  ExecContext* ctx = &call.ctx;
  p.filter.stop = [ctx] { return ctx->Interrupted(); };
  return p;
}

Value NodeValue(NodeId id) { return Value(Value::NodeRef{id, nullptr}); }

void PageRankProc(ProcedureCall& call) {
  Projection p = Config(call, call.args[0], Direction::kOut);
  std::vector<NodeScore> scores;
  Check(call.ctx, graph::WithTransaction(call.ctx.txn, [&](const Transaction& t) {
    auto r = PageRank(t, p.filter, p.damping, p.iterations, p.tolerance);
    if (r.ok()) scores = std::move(*r);
    return r.status();
  }));
  for (const NodeScore& s : scores)
    if (!Emit(call, {NodeValue(s.node), Value(s.score)})) return;
}

void BetweennessProc(ProcedureCall& call) {
  Projection p = Config(call, call.args[0], Direction::kOut);
  std::vector<NodeScore> scores;
  Check(call.ctx, graph::WithTransaction(call.ctx.txn, [&](const Transaction& t) {
    auto r = BetweennessCentrality(t, p.filter);
    if (r.ok()) scores = std::move(*r);
    return r.status();
  }));
  for (const NodeScore& s : scores)
    if (!Emit(call, {NodeValue(s.node), Value(s.score)})) return;
}

void WccProc(ProcedureCall& call) {
  Projection p = Config(call, call.args[0], Direction::kBoth);
  std::vector<std::vector<NodeId>> components;
  Check(call.ctx, graph::WithTransaction(call.ctx.txn, [&](const Transaction& t) {
    auto r = WeaklyConnectedComponents(t, p.filter);
    if (r.ok()) components = std::move(*r);
    return r.status();
  }));
  // A component is named by its smallest node id.
  for (const auto& c : components) {
    NodeId id = c.empty() ? 0 : *std::min_element(c.begin(), c.end());
    for (NodeId n : c)
      if (!Emit(call, {NodeValue(n), Value(static_cast<int64_t>(id))})) return;
  }
}

void KHopProc(ProcedureCall& call) {
  NodeId source = NodeArgument(call.args[0], "source");
  if (!call.args[1].is_int() || call.args[1].as_int() < 0) Fail("InvalidArgument", "k must be a non-negative integer");
  int k = static_cast<int>(std::min<int64_t>(call.args[1].as_int(), 1 << 30));
  Projection p = Config(call, call.args[2], Direction::kOut);
  std::vector<HopDistance> reached;
  Check(call.ctx, graph::WithTransaction(call.ctx.txn, [&](const Transaction& t) {
    auto r = KHopNeighborhood(t, source, k, p.filter);
    if (r.ok()) reached = std::move(*r);
    return r.status();
  }));
  for (const HopDistance& h : reached)
    if (!Emit(call, {NodeValue(h.node), Value(static_cast<int64_t>(h.hops))})) return;
}

void DijkstraProc(ProcedureCall& call) {
  NodeId source = NodeArgument(call.args[0], "source"), target = NodeArgument(call.args[1], "target");
  Projection p = Config(call, call.args[2], Direction::kOut);
  std::optional<Path> path;
  Check(call.ctx, graph::WithTransaction(call.ctx.txn, [&](const Transaction& t) {
    auto r = p.weight.empty() ? ShortestPath(t, source, target, p.filter)
                              : CheapestPath(t, source, target, p.weight, p.filter);
    if (r.ok()) path = std::move(*r);
    return r.status();
  }));
  if (!path) return;
  double cost = p.weight.empty() ? static_cast<double>(path->length()) : PathWeight(*path, p.weight);
  Emit(call, {Value(std::make_shared<const Path>(std::move(*path))), Value(cost)});
}

constexpr ProcedureField kLabelOut[] = {{"label", "STRING"}};
constexpr ProcedureField kTypeOut[] = {{"relationshipType", "STRING"}};
constexpr ProcedureField kKeyOut[] = {{"propertyKey", "STRING"}};
constexpr ProcedureField kIndexOut[] = {
    {"name", "STRING"}, {"type", "STRING"}, {"labelsOrTypes", "LIST<STRING>"}, {"properties", "LIST<STRING>"}};
constexpr ProcedureField kNodeTypeOut[] = {{"nodeType", "STRING"},
                                           {"nodeLabels", "LIST<STRING>"},
                                           {"propertyName", "STRING?"},
                                           {"propertyTypes", "LIST<STRING>?"},
                                           {"mandatory", "BOOLEAN"}};
constexpr ProcedureField kRelTypeOut[] = {
    {"relType", "STRING"}, {"propertyName", "STRING?"}, {"propertyTypes", "LIST<STRING>?"}, {"mandatory", "BOOLEAN"}};
constexpr ProcedureField kConfigArg[] = {{"config", "MAP?"}};
constexpr ProcedureField kScoreOut[] = {{"node", "NODE"}, {"score", "FLOAT"}};
constexpr ProcedureField kComponentOut[] = {{"node", "NODE"}, {"component", "INTEGER"}};
constexpr ProcedureField kKHopArgs[] = {{"source", "NODE"}, {"k", "INTEGER"}, {"config", "MAP?"}};
constexpr ProcedureField kKHopOut[] = {{"node", "NODE"}, {"distance", "INTEGER"}};
constexpr ProcedureField kDijkstraArgs[] = {{"source", "NODE"}, {"target", "NODE"}, {"config", "MAP?"}};
constexpr ProcedureField kDijkstraOut[] = {{"path", "PATH"}, {"cost", "FLOAT"}};
constexpr ProcedureField kTextArgs[] = {{"indexName", "STRING"}, {"queryString", "STRING"}, {"options", "MAP?"}};
constexpr ProcedureField kTextNodeOut[] = {{"node", "NODE"}, {"score", "FLOAT"}};
constexpr ProcedureField kTextRelOut[] = {{"relationship", "RELATIONSHIP"}, {"score", "FLOAT"}};
constexpr ProcedureField kAnalyzerOut[] = {{"analyzer", "STRING"}, {"description", "STRING"}};

template <size_t N>
constexpr std::span<const ProcedureField> F(const ProcedureField (&a)[N]) {
  return {a, N};
}
constexpr std::span<const ProcedureField> kNone;

// In name order.
const Procedure kProcedures[] = {
    {"algo.betweenness", F(kConfigArg), 0, F(kScoreOut),
     "Betweenness centrality (Brandes, unnormalized) of each node of the projection", &BetweennessProc},
    {"algo.dijkstra", F(kDijkstraArgs), 2, F(kDijkstraOut),
     "The path of least total config.weight from source to target (fewest relationships without a weight)",
     &DijkstraProc},
    {"algo.kHop", F(kKHopArgs), 2, F(kKHopOut), "The nodes within k hops of source, with their distance", &KHopProc},
    {"algo.pageRank", F(kConfigArg), 0, F(kScoreOut),
     "PageRank of each node (config.damping 0.85, config.iterations 20, config.tolerance 0), scores summing to 1", &PageRankProc},
    {"algo.wcc", F(kConfigArg), 0, F(kComponentOut),
     "Weakly connected components: each node with its component, named by its smallest node id", &WccProc},
    {"db.index.fulltext.listAvailableAnalyzers", kNone, 0, F(kAnalyzerOut),
     "The analyzers a full-text index can use (OPTIONS {indexConfig: {`fulltext.analyzer`: ...}})", &Analyzers},
    {"db.index.fulltext.queryNodes", F(kTextArgs), 2, F(kTextNodeOut),
     "The nodes of a full-text index matching a query (Lucene's syntax), best BM25 score first; options limit, skip",
     &QueryNodes},
    {"db.index.fulltext.queryRelationships", F(kTextArgs), 2, F(kTextRelOut),
     "The relationships of a full-text index matching a query, best BM25 score first; options limit, skip",
     &QueryRelationships},
    {"db.indexes", kNone, 0, F(kIndexOut), "The property, unique and full-text indexes", &AllIndexes},
    {"db.labels", kNone, 0, F(kLabelOut), "The labels of the nodes", &Labels},
    {"db.propertyKeys", kNone, 0, F(kKeyOut), "Every property key", &PropertyKeys},
    {"db.relationshipTypes", kNone, 0, F(kTypeOut), "The types of the relationships", &RelationshipTypes},
    {"db.schema.nodeTypeProperties", kNone, 0, F(kNodeTypeOut),
     "Per combination of labels, each property key with its value types and whether every node has it",
     &NodeTypeProperties},
    {"db.schema.relTypeProperties", kNone, 0, F(kRelTypeOut),
     "Per relationship type, each property key with its value types and whether every relationship has it",
     &RelTypeProperties},
};

}  // namespace

const Procedure* FindProcedure(std::string_view name) {
  std::string folded = AsciiUpper(name);
  for (const Procedure& p : kProcedures)
    if (AsciiUpper(p.name) == folded) return &p;
  return nullptr;
}

std::span<const Procedure> Procedures() { return kProcedures; }

std::string Signature(const Procedure& p) {
  std::string s = std::string(p.name) + "(";
  for (size_t i = 0; i < p.args.size(); ++i) {
    if (i) s += ", ";
    s += std::string(p.args[i].name) + " :: " + std::string(p.args[i].type);
    if (i >= p.required_args) s += " = null";
  }
  s += ") :: (";
  for (size_t i = 0; i < p.outputs.size(); ++i) {
    if (i) s += ", ";
    s += std::string(p.outputs[i].name) + " :: " + std::string(p.outputs[i].type);
  }
  return s + ")";
}

}  // namespace kg::query
