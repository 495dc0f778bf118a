#include "graph/export.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/property_map/function_property_map.hpp>

#include "graph/csv.h"
#include "graph/json_writer.h"
#include "graph/text.h"
#include "kg/json.h"

namespace kg::graph {
namespace {

// Visits the selected nodes, then the selected relationships.
Status ForEachNode(const Transaction& txn, const Selection& sel, const std::function<Status(const Node&)>& fn) {
  auto one = [&](NodeId id) -> Status {
    auto n = txn.GetNode(id);
    if (!n.ok()) return n.status();
    return fn(*n);
  };
  if (!sel.everything) {
    for (NodeId id : sel.nodes)
      if (Status s = one(id); !s.ok()) return s;
    return Status::OK();
  }
  auto c = txn.ScanNodes();
  for (; c.Valid(); c.Next())
    if (Status s = one(c.id()); !s.ok()) return s;
  return c.status();
}

Status ForEachEdge(const Transaction& txn, const Selection& sel, const std::function<Status(const Edge&)>& fn) {
  auto one = [&](EdgeId id) -> Status {
    auto e = txn.GetEdge(id);
    if (!e.ok()) return e.status();
    return fn(*e);
  };
  if (!sel.everything) {
    for (EdgeId id : sel.edges)
      if (Status s = one(id); !s.ok()) return s;
    return Status::OK();
  }
  auto c = txn.ScanEdges();
  for (; c.Valid(); c.Next())
    if (Status s = one(c.edge().id); !s.ok()) return s;
  return c.status();
}

// JSON that parses back to the same value: non-finite floats as typed values.
void AppendExactJson(std::string* out, const Value& v) {
  if (v.is_float() && !std::isfinite(v.as_float())) {
    out->append("{\"$type\":\"Float\",\"_value\":\"").append(FloatText(v.as_float())).append("\"}");
  } else if (v.is_temporal()) {
    AppendTypedJson(out, v);  // {"$type":"Date","_value":"2021-03-01"}
  } else if (v.is_list()) {
    AppendJsonArray(out, v.as_list(), AppendExactJson);
  } else {
    AppendJson(out, v);
  }
}

void AppendProperties(std::string* out, const Properties& props) { AppendJsonObject(out, props, AppendExactJson); }

Status Jsonl(const Transaction& txn, const Selection& sel, const std::vector<IndexInfo>& schema, std::ostream& out,
             ExportStats* stats) {
  std::string line;
  auto strings = [](std::string* o, const std::string& s) { AppendJsonString(o, s); };
  for (const IndexInfo& i : schema) {
    if (i.fulltext) {
      line = "{\"type\":\"fulltext\",\"name\":";
      AppendJsonString(&line, i.name);
      line += i.relationships ? ",\"entityType\":\"RELATIONSHIP\",\"labelsOrTypes\":" : ",\"entityType\":\"NODE\",\"labelsOrTypes\":";
      AppendJsonArray(&line, i.labels, strings);
      line += ",\"properties\":";
      AppendJsonArray(&line, i.properties, strings);
      line += ",\"analyzer\":";
      AppendJsonString(&line, i.analyzer);
      line += "}\n";
      out << line;
      continue;
    }
    line = i.unique ? "{\"type\":\"constraint\",\"name\":" : "{\"type\":\"index\",\"name\":";
    AppendJsonString(&line, i.name);
    line += ",\"label\":";
    AppendJsonString(&line, i.label);
    line += ",\"property\":";
    AppendJsonString(&line, i.property);
    line += "}\n";
    out << line;
  }
  Status s = ForEachNode(txn, sel, [&](const Node& n) {
    line = "{\"type\":\"node\",\"id\":\"" + std::to_string(n.id) + "\",\"labels\":";
    AppendJsonArray(&line, n.labels, [](std::string* o, const std::string& l) { AppendJsonString(o, l); });
    line += ",\"properties\":";
    AppendProperties(&line, n.properties);
    line += "}\n";
    out << line;
    ++stats->nodes;
    return Status::OK();
  });
  if (!s.ok()) return s;
  return ForEachEdge(txn, sel, [&](const Edge& e) {
    line = "{\"type\":\"relationship\",\"id\":\"" + std::to_string(e.id) + "\",\"label\":";
    AppendJsonString(&line, e.type);
    line += ",\"start\":{\"id\":\"" + std::to_string(e.source) + "\"},\"end\":{\"id\":\"" + std::to_string(e.target) +
            "\"},\"properties\":";
    AppendProperties(&line, e.properties);
    line += "}\n";
    out << line;
    ++stats->relationships;
    return Status::OK();
  });
}

// ---- Cypher ----

std::string Name(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  return out + "`";
}

void AppendCypher(std::string* out, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: out->append("null"); return;
    case Value::Type::kBool: out->append(v.as_bool() ? "true" : "false"); return;
    case Value::Type::kInt:
      // The smallest integer has no positive literal.
      if (v.as_int() == INT64_MIN) out->append("(-9223372036854775807 - 1)");
      else out->append(std::to_string(v.as_int()));
      return;
    case Value::Type::kFloat: {
      double d = v.as_float();
      if (std::isnan(d)) out->append("(0.0 / 0.0)");
      else if (std::isinf(d)) out->append(d > 0 ? "(1.0 / 0.0)" : "(-1.0 / 0.0)");
      else out->append(FloatText(d));
      return;
    }
    case Value::Type::kString: AppendQuotedEscaped(out, v.as_string(), '\''); return;
    case Value::Type::kList:
      out->push_back('[');
      for (size_t i = 0; i < v.as_list().size(); ++i) {
        if (i) out->append(", ");
        AppendCypher(out, v.as_list()[i]);
      }
      out->push_back(']');
      return;
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration: out->append(v.ToString()); return;  // date('2021-03-01')
    default: out->append("null"); return;  // maps and elements are not property values
  }
}

void AppendCypherMap(std::string* out, const Properties& props) {
  out->push_back('{');
  bool first = true;
  for (const auto& [k, v] : props) {
    if (!first) out->append(", ");
    first = false;
    out->append(Name(k)).append(": ");
    AppendCypher(out, v);
  }
  out->push_back('}');
}

constexpr const char* kMarkLabel = "`_KgExport`";
constexpr const char* kMarkKey = "`_kg_export_id`";
constexpr size_t kBatch = 500;

// The statement that makes an index or constraint again.
std::string SchemaStatement(const IndexInfo& i) {
  if (i.fulltext) {
    std::string names, keys;
    for (const std::string& l : i.labels) names += (names.empty() ? "" : "|") + Name(l);
    for (const std::string& p : i.properties) keys += (keys.empty() ? "e." : ", e.") + Name(p);
    std::string analyzer;
    AppendQuotedEscaped(&analyzer, i.analyzer, '\'');
    return "CREATE FULLTEXT INDEX " + Name(i.name) + " IF NOT EXISTS FOR " +
           (i.relationships ? "()-[e:" + names + "]-()" : "(e:" + names + ")") + " ON EACH [" + keys +
           "] OPTIONS {indexConfig: {`fulltext.analyzer`: " + analyzer + "}};\n";
  }
  if (i.unique)
    return "CREATE CONSTRAINT " + Name(i.name) + " IF NOT EXISTS FOR (n:" + Name(i.label) + ") REQUIRE n." +
           Name(i.property) + " IS UNIQUE;\n";
  return "CREATE INDEX " + Name(i.name) + " IF NOT EXISTS FOR (n:" + Name(i.label) + ") ON (n." + Name(i.property) +
         ");\n";
}

Status Cypher(const Transaction& txn, const Selection& sel, const std::vector<IndexInfo>& schema, std::ostream& out,
              ExportStats* stats) {
  out << "// kg export: load with `kg load FILE.cypher`. Nodes carry a temporary label and id\n"
         "// while relationships find their ends; both are removed at the end.\n";
  for (const IndexInfo& i : schema) out << SchemaStatement(i);
  out << "CREATE INDEX _kg_export_id IF NOT EXISTS FOR (n:" << kMarkLabel << ") ON (n." << kMarkKey << ");\n";
  std::string batch_head, rows;
  size_t in_batch = 0;
  auto flush = [&] {
    if (in_batch == 0) return;
    out << "UNWIND [" << rows << "] AS row\n" << batch_head << ";\n";
    rows.clear();
    in_batch = 0;
  };
  Status s = ForEachNode(txn, sel, [&](const Node& n) {
    std::string head = "CREATE (n:" + std::string(kMarkLabel);
    for (const std::string& l : n.labels) head += ":" + Name(l);
    head += " {" + std::string(kMarkKey) + ": row.id}) SET n += row.p";
    if (head != batch_head || in_batch == kBatch) {
      flush();
      batch_head = head;
    }
    if (in_batch++) rows += ",\n  ";
    rows += "{id: " + std::to_string(n.id) + ", p: ";
    AppendCypherMap(&rows, n.properties);
    rows += "}";
    ++stats->nodes;
    return Status::OK();
  });
  if (!s.ok()) return s;
  flush();
  s = ForEachEdge(txn, sel, [&](const Edge& e) {
    std::string head = "MATCH (a:" + std::string(kMarkLabel) + " {" + kMarkKey + ": row.s}), (b:" + kMarkLabel + " {" +
                       kMarkKey + ": row.e})\nCREATE (a)-[r:" + Name(e.type) + "]->(b) SET r += row.p";
    if (head != batch_head || in_batch == kBatch) {
      flush();
      batch_head = head;
    }
    if (in_batch++) rows += ",\n  ";
    rows += "{s: " + std::to_string(e.source) + ", e: " + std::to_string(e.target) + ", p: ";
    AppendCypherMap(&rows, e.properties);
    rows += "}";
    ++stats->relationships;
    return Status::OK();
  });
  if (!s.ok()) return s;
  flush();
  out << "MATCH (n:" << kMarkLabel << ") REMOVE n:" << kMarkLabel << ", n." << kMarkKey << ";\n";
  out << "DROP INDEX _kg_export_id IF EXISTS;\n";
  return Status::OK();
}

// ---- GraphML and DOT through Boost.Graph's writers ----

// A property column: its GraphML type is the one all its values share
// (long, double, boolean), else string.
struct Column {
  enum Kind { kLong, kDouble, kBool, kString, kUnset } kind = kUnset;
  void See(const Value& v) {
    Kind k = v.is_int() ? kLong : v.is_float() ? kDouble : v.is_bool() ? kBool : kString;
    if (kind == kUnset) kind = k;
    else if (kind != k) kind = (kind == kLong && k == kDouble) || (kind == kDouble && k == kLong) ? kDouble : kString;
  }
};

std::string Text(const Value& v) { return v.is_string() ? v.as_string() : v.ToString(); }

struct VertexData {
  NodeId id = 0;
  std::vector<std::string> labels;
  Properties props;
};
struct EdgeData {
  EdgeId id = 0;
  std::string type;
  Properties props;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, VertexData, EdgeData>;

Status BuildGraph(const Transaction& txn, const Selection& sel, Graph* g, ExportStats* stats) {
  std::unordered_map<NodeId, Graph::vertex_descriptor> vertex;
  Status s = ForEachNode(txn, sel, [&](const Node& n) {
    vertex[n.id] = boost::add_vertex(VertexData{n.id, n.labels, n.properties}, *g);
    ++stats->nodes;
    return Status::OK();
  });
  if (!s.ok()) return s;
  return ForEachEdge(txn, sel, [&](const Edge& e) {
    auto a = vertex.find(e.source), b = vertex.find(e.target);
    if (a == vertex.end() || b == vertex.end()) return Status::OK();  // an end outside the selection
    boost::add_edge(a->second, b->second, EdgeData{e.id, e.type, e.properties}, *g);
    ++stats->relationships;
    return Status::OK();
  });
}

template <class Descriptor, class Data, class Getter>
void AddColumns(boost::dynamic_properties& dp, const std::map<std::string, Column>& columns, Getter data,
                const std::string& prefix) {
  for (const auto& column : columns) {
    const std::string& key = column.first;
    const Column& col = column.second;
    auto get = [data, key](Descriptor d) -> const Value* {
      const Data& x = data(d);
      auto it = x.props.find(key);
      return it == x.props.end() ? nullptr : &it->second;
    };
    std::string name = prefix + key;
    switch (col.kind) {
      case Column::kLong:
        dp.property(name, boost::make_function_property_map<Descriptor>([get](Descriptor d) {
          const Value* v = get(d);
          return v ? static_cast<long>(v->as_int()) : 0L;
        }));
        break;
      case Column::kDouble:
        dp.property(name, boost::make_function_property_map<Descriptor>([get](Descriptor d) {
          const Value* v = get(d);
          return !v ? 0.0 : v->is_int() ? static_cast<double>(v->as_int()) : v->as_float();
        }));
        break;
      case Column::kBool:
        dp.property(name, boost::make_function_property_map<Descriptor>([get](Descriptor d) {
          const Value* v = get(d);
          return v && v->as_bool();
        }));
        break;
      default:
        dp.property(name, boost::make_function_property_map<Descriptor>([get](Descriptor d) {
          const Value* v = get(d);
          return v ? Text(*v) : std::string();
        }));
    }
  }
}

std::string LabelText(const std::vector<std::string>& labels) {
  std::string s;
  for (const auto& l : labels) s += ":" + l;
  return s;
}

// XML 1.0 has no way to write U+0000-U+001F (but tab, line feed and
// carriage return), U+FFFE and U+FFFF, not even as character references.
// The first such character in s, or -1.
int64_t XmlForbidden(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return c;
    if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(s[i + 2]) == 0xBE || static_cast<unsigned char>(s[i + 2]) == 0xBF))
      return static_cast<unsigned char>(s[i + 2]) == 0xBE ? 0xFFFE : 0xFFFF;
  }
  return -1;
}

// Refuses, naming the element and the property, a graph GraphML cannot hold
// (rather than writing a file no XML parser reads).
Status CheckXml(const Graph& g) {
  auto check = [](std::string_view s, const std::string& where) -> Status {
    int64_t c = XmlForbidden(s);
    if (c < 0) return Status::OK();
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
    return Status::InvalidArgument("GraphML cannot hold " + std::string(code) + " (XML 1.0 forbids it), found in " +
                                   where + "; export this graph as jsonl or cypher instead");
  };
  auto props = [&](const auto& map, const std::string& element) -> Status {
    for (const auto& [k, v] : map) {
      if (Status s = check(k, "a property name of " + element); !s.ok()) return s;
      if (Status s = check(Text(v), "property '" + ToValidUtf8(k) + "' of " + element); !s.ok()) return s;
    }
    return Status::OK();
  };
  for (auto v : boost::make_iterator_range(boost::vertices(g))) {
    std::string element = "node " + std::to_string(g[v].id);
    for (const auto& l : g[v].labels)
      if (Status s = check(l, "a label of " + element); !s.ok()) return s;
    if (Status s = props(g[v].props, element); !s.ok()) return s;
  }
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    std::string element = "a " + g[e].type + " relationship";
    if (Status s = check(g[e].type, "a relationship type"); !s.ok()) return s;
    if (Status s = props(g[e].props, element); !s.ok()) return s;
  }
  return Status::OK();
}

Status GraphmlOrDot(const Transaction& txn, const Selection& sel, bool graphml, std::ostream& out, ExportStats* stats) {
  Graph g;
  if (Status s = BuildGraph(txn, sel, &g, stats); !s.ok()) return s;
  if (graphml)
    if (Status s = CheckXml(g); !s.ok()) return s;
  using V = Graph::vertex_descriptor;
  using E = Graph::edge_descriptor;
  std::map<std::string, Column> vcols, ecols;
  for (V v : boost::make_iterator_range(boost::vertices(g)))
    for (const auto& [k, val] : g[v].props) vcols[k].See(val);
  for (E e : boost::make_iterator_range(boost::edges(g)))
    for (const auto& [k, val] : g[e].props) ecols[k].See(val);
  boost::dynamic_properties dp(boost::ignore_other_properties);
  if (graphml) {
    dp.property("labels", boost::make_function_property_map<V>([&g](V v) { return LabelText(g[v].labels); }));
    dp.property("kg_id", boost::make_function_property_map<V>([&g](V v) { return static_cast<long>(g[v].id); }));
    dp.property("label", boost::make_function_property_map<E>([&g](E e) { return g[e].type; }));
    AddColumns<V, VertexData>(dp, vcols, [&g](V v) -> const VertexData& { return g[v]; }, "");
    // Edge keys live in the same GraphML key namespace as vertex keys only
    // when they are declared for="edge"; the writer declares them so.
    AddColumns<E, EdgeData>(dp, ecols, [&g](E e) -> const EdgeData& { return g[e]; }, "");
    boost::write_graphml(out, g, dp, true);
    return out ? Status::OK() : Status::IOError("writing GraphML failed");
  }
  // DOT: each node shows its labels and a name-like property, each edge its type.
  dp.property("node_id", boost::make_function_property_map<V>([&g](V v) { return "n" + std::to_string(g[v].id); }));
  dp.property("label", boost::make_function_property_map<V>([&g](V v) {
    const VertexData& d = g[v];
    std::string text = LabelText(d.labels);
    for (const char* key : {"name", "title", "id", "code"}) {
      auto it = d.props.find(key);
      if (it != d.props.end()) {
        text += (text.empty() ? "" : "\\n") + Text(it->second);  // DOT's line break
        break;
      }
    }
    return text.empty() ? "n" + std::to_string(d.id) : text;
  }));
  dp.property("label", boost::make_function_property_map<E>([&g](E e) { return g[e].type; }));
  boost::write_graphviz_dp(out, g, dp, "node_id");
  return out ? Status::OK() : Status::IOError("writing DOT failed");
}

// ---- CSV in the neo4j-admin header convention ----


// The CSV type of a value: int, float, boolean, string, date, localtime,
// time, localdatetime, datetime, duration, or those with []; empty when CSV
// cannot hold it (a list mixing types, a list of lists).
std::string CsvType(const Value& v) {
  if (v.is_int()) return "int";
  if (v.is_float()) return "float";
  if (v.is_bool()) return "boolean";
  if (v.is_string()) return "string";
  if (v.is_temporal()) return TemporalTypeName(v.type());
  if (v.is_list()) {
    std::string t;
    for (const Value& x : v.as_list()) {
      std::string xt = CsvType(x);
      if (xt.empty() || xt.ends_with("[]")) return "";
      if (t.empty()) t = xt;
      else if (t != xt) return "";
    }
    return (t.empty() ? "string" : t) + "[]";
  }
  return "";
}

std::string CsvText(const Value& v) {
  if (v.is_float()) return FloatText(v.as_float());
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_string()) return v.as_string();
  if (v.is_temporal()) return TemporalText(v);
  std::string out;
  for (size_t i = 0; i < v.as_list().size(); ++i) {
    if (i) out.push_back(';');
    for (char c : CsvText(v.as_list()[i])) {
      if (c == ';' || c == '\\') out.push_back('\\');  // the loader reads "\;" and "\\" back
      out.push_back(c);
    }
  }
  return out;
}

// A file per group: its columns (key -> CSV type) fixed by a first pass.
struct CsvGroup {
  std::vector<std::pair<std::string, std::string>> columns;
  std::ofstream out;
  std::string path;
};

// The group of an element: its labels (or type) and the type of each key
// whose values differ in type between elements of the same labels.
std::string GroupKey(const std::string& base, const Properties& props, const std::set<std::string>& mixed) {
  std::string key = base;
  for (const auto& [k, v] : props)
    if (mixed.count(k)) key += "\x01" + k + ":" + CsvType(v);
  return key;
}

std::string FileSafe(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '_');
  return out.empty() ? "none" : out;
}

Status Csv(const Transaction& txn, const Selection& sel, const std::vector<IndexInfo>& schema,
           const std::string& directory, ExportStats* stats) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return Status::IOError(directory + ": " + ec.message());
  if (!schema.empty()) {
    std::string path = (std::filesystem::path(directory) / "schema.cypher").string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << "// The indexes and constraints of the CSV files beside this one; kg load makes them first.\n";
    for (const IndexInfo& i : schema) out << SchemaStatement(i);
    out.close();
    if (!out) return Status::IOError(path + ": writing failed");
    stats->files.push_back(path);
  }
  std::set<std::string> used_paths;
  for (bool nodes : {true, false}) {
    // Pass 1: the types of every key, per label set or type.
    std::map<std::string, std::map<std::string, std::set<std::string>>> types;  // base -> key -> csv types
    auto base_of_node = [](const Node& n) {
      std::string b;
      for (const auto& l : n.labels) b += (b.empty() ? "" : ";") + l;
      return b;
    };
    std::string bad;
    auto see = [&](const std::string& base, const Properties& props, const std::string& what) {
      for (const auto& [k, v] : props) {
        std::string t = CsvType(v);
        if (t.empty() && bad.empty()) bad = what + " has property " + k + " = " + v.ToString() + ", which CSV cannot hold (a list must hold one type); export as jsonl";
        types[base][k].insert(t);
      }
    };
    Status s = nodes ? ForEachNode(txn, sel, [&](const Node& n) {
      see(base_of_node(n), n.properties, "node " + std::to_string(n.id));
      return Status::OK();
    })
                     : ForEachEdge(txn, sel, [&](const Edge& e) {
                         see(e.type, e.properties, "relationship " + std::to_string(e.id));
                         return Status::OK();
                       });
    if (!s.ok()) return s;
    if (!bad.empty()) return Status::InvalidArgument(bad);
    std::map<std::string, std::set<std::string>> mixed;  // base -> keys with several types
    for (const auto& [base, keys] : types)
      for (const auto& [k, ts] : keys)
        if (ts.size() > 1) mixed[base].insert(k);
    // Pass 2: write, opening a file per group when first seen.
    std::map<std::string, CsvGroup> groups;
    auto group_for = [&](const std::string& base, const Properties& props) -> Result<CsvGroup*> {
      std::string key = GroupKey(base, props, mixed[base]);
      auto [it, added] = groups.try_emplace(key);
      CsvGroup& g = it->second;
      if (!added) return &g;
      for (const auto& [k, ts] : types[base]) {
        std::string t = *ts.begin();
        if (ts.size() > 1) {
          auto p = props.find(k);
          if (p == props.end()) continue;  // this group has no value for the mixed key
          t = CsvType(p->second);
        }
        g.columns.emplace_back(k, t);
      }
      std::string name = (nodes ? "nodes_" : "relationships_") + FileSafe(base);
      g.path = (std::filesystem::path(directory) / (name + ".csv")).string();
      for (int n = 2; used_paths.count(g.path); ++n)
        g.path = (std::filesystem::path(directory) / (name + "_" + std::to_string(n) + ".csv")).string();
      used_paths.insert(g.path);
      g.out.open(g.path, std::ios::binary | std::ios::trunc);
      if (!g.out) return Status::IOError(g.path + ": cannot write the file");
      stats->files.push_back(g.path);
      std::string header = nodes ? ":ID,:LABEL" : ":START_ID,:END_ID,:TYPE";
      for (const auto& [k, t] : g.columns) header += "," + CsvField(k + ":" + t);
      g.out << header << "\n";
      return &g;
    };
    auto write = [&](CsvGroup& g, std::string line, const Properties& props) {
      for (const auto& [k, t] : g.columns) {
        line.push_back(',');
        auto p = props.find(k);
        if (p == props.end()) continue;  // empty field: no property
        std::string text = CsvText(p->second);
        line += CsvField(text, text.empty());
      }
      g.out << line << "\n";
    };
    s = nodes ? ForEachNode(txn, sel, [&](const Node& n) {
      std::string base = base_of_node(n);
      auto g = group_for(base, n.properties);
      if (!g.ok()) return g.status();
      write(**g, std::to_string(n.id) + "," + CsvField(base), n.properties);
      ++stats->nodes;
      return Status::OK();
    })
              : ForEachEdge(txn, sel, [&](const Edge& e) {
                  auto g = group_for(e.type, e.properties);
                  if (!g.ok()) return g.status();
                  write(**g, std::to_string(e.source) + "," + std::to_string(e.target) + "," + CsvField(e.type),
                        e.properties);
                  ++stats->relationships;
                  return Status::OK();
                });
    if (!s.ok()) return s;
    for (auto& [k, g] : groups) {
      g.out.close();
      if (!g.out) return Status::IOError(g.path + ": writing failed");
    }
  }
  return Status::OK();
}

}  // namespace

Status WriteExport(const Transaction& txn, const Selection& selection, const std::vector<IndexInfo>& schema,
                   ExportFormat format, std::ostream& out, ExportStats* stats) {
  switch (format) {
    case ExportFormat::kJsonl: return Jsonl(txn, selection, schema, out, stats);
    case ExportFormat::kCypher: return Cypher(txn, selection, schema, out, stats);
    case ExportFormat::kGraphml: return GraphmlOrDot(txn, selection, true, out, stats);
    case ExportFormat::kDot: return GraphmlOrDot(txn, selection, false, out, stats);
    case ExportFormat::kCsv: return Status::InvalidArgument("CSV export writes a directory of files; give -o DIR");
  }
  return Status::InvalidArgument("unknown export format");
}

Status WriteCsvExport(const Transaction& txn, const Selection& selection, const std::vector<IndexInfo>& schema,
                      const std::string& directory, ExportStats* stats) {
  return Csv(txn, selection, schema, directory, stats);
}

}  // namespace kg::graph
