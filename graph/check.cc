// `kg check`: the storage format (storage/check.h), then, through the graph
// interface, what the records say of one another: relationships' ends
// exist; each relationship is in its source's outgoing and its target's
// incoming adjacency and nothing else is; the label lists hold exactly the
// nodes with each label; every index holds exactly one entry per node it
// covers, under the node's value, and unique ones no value twice; every
// full-text index holds exactly the postings its elements' text gives,
// and its statistics match; the maintained counts match. All of it in one
// snapshot.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "graph/access.h"
#include "graph/database_impl.h"
#include "graph/transaction_impl.h"
#include "kg/check.h"
#include "storage/check.h"

namespace kg {
namespace {

constexpr size_t kMaxProblems = 100;

using AdjacencyKey = std::tuple<NodeId, uint32_t, NodeId, EdgeId>;  // anchor, type, other end, relationship

class Checker {
 public:
  explicit Checker(const graph::GraphTxn& g) : g_(g) {}

  Status Run(CheckReport* report) {
    if (Status s = Nodes(); !s.ok()) return s;
    if (Status s = Edges(); !s.ok()) return s;
    if (Status s = Adjacency(Direction::kOut, "outgoing adjacency", "start", "end", expected_out_); !s.ok()) return s;
    if (Status s = Adjacency(Direction::kIn, "incoming adjacency", "end", "start", expected_in_); !s.ok()) return s;
    if (Status s = Labels(); !s.ok()) return s;
    if (Status s = Indexes(); !s.ok()) return s;
    if (Status s = TextIndexes(); !s.ok()) return s;
    if (Status s = Counts(); !s.ok()) return s;
    report->nodes = nodes_.size();
    report->relationships = edges_;
    report->index_entries = index_entries_;
    return Status::OK();
  }

  std::vector<std::string> problems;

 private:
  void Problem(std::string what) {
    if (problems.size() < kMaxProblems) problems.push_back(std::move(what));
  }
  // A damaged part of the store stops that part of the check only: the
  // format check has said where.
  Status Scanned(Status s, const std::string& what) {
    if (s.ok() || s.code() != StatusCode::kCorruption) return s;
    Problem(what + ": " + s.message());
    return Status::OK();
  }

  // What a full-text index should hold of one element: the sum of its
  // postings' hashes, and its fields' lengths.
  struct TextExpected {
    uint64_t hash = 0, count = 0;
  };
  struct TextIndexState {
    graph::GraphTxn::TextIndexDef def;
    std::unordered_map<uint64_t, TextExpected> expected, present;
    std::vector<std::pair<int64_t, int64_t>> stats;  // per field: elements, length
  };
  static uint64_t Hash(std::string_view k) { return std::hash<std::string_view>{}(k) * 0x9E3779B97F4A7C15ull + 1; }
  void ExpectText(bool relationships, uint64_t element, std::span<const uint32_t> labels, graph::PropertySpan props) {
    for (TextIndexState& t : text_) {
      if (t.def.relationships != relationships) continue;
      bool covered = false;
      for (uint32_t l : labels)
        covered = covered || std::find(t.def.labels.begin(), t.def.labels.end(), l) != t.def.labels.end();
      if (!covered) continue;
      std::vector<std::string> keys = g_.TextPostingsOf(t.def.id, element, props);
      if (keys.empty()) continue;
      TextExpected& e = t.expected[element];
      std::vector<uint32_t> lengths(t.def.keys.size(), 0);
      for (const std::string& k : keys) {
        e.hash += Hash(k);
        ++e.count;
        storage::key::TextPosting p;
        if (storage::key::ParseTextPosting(k, &p) && p.field < lengths.size()) lengths[p.field] = p.length;
      }
      for (size_t f = 0; f < lengths.size(); ++f)
        if (lengths[f] > 0) {
          ++t.stats[f].first;
          t.stats[f].second += lengths[f];
        }
    }
  }

  Status Nodes() {
    for (auto& def : g_.TextIndexes()) {
      TextIndexState t;
      t.stats.assign(def.keys.size(), {0, 0});
      t.def = std::move(def);
      text_.push_back(std::move(t));
    }
    bool node_text = false, edge_text = false;
    for (const TextIndexState& t : text_) (t.def.relationships ? edge_text : node_text) = true;
    edge_text_ = edge_text;
    std::vector<graph::GraphTxn::IndexDef> indexes = g_.Indexes();
    Status failed;
    Status s = g_.ScanNodes([&](NodeId id) {
      graph::NodeData node;
      if (Status r = g_.ReadNode(id, &node); !r.ok()) {
        if (r.code() == StatusCode::kCorruption) return true;  // the format check has said so
        failed = r;
        return false;
      }
      nodes_.insert(id);
      if (node_text) ExpectText(false, id, node.labels, node.properties);
      for (uint32_t l : node.labels) {
        ++label_counts_[l];
        with_label_[l].push_back(id);
      }
      for (const auto& index : indexes)
        if (node.HasLabel(index.label))
          if (const Value* v = graph::FindProperty(node.properties, index.key)) {
            expected_index_[index.id].emplace(id, *v);
            ++index_entries_;
          }
      return true;
    });
    if (!failed.ok()) return failed;
    return Scanned(s, "nodes");
  }

  Status Edges() {
    Status s = g_.ScanEdges([&](EdgeId id, uint32_t type, NodeId source, NodeId target) {
      ++edges_;
      ++type_counts_[type];
      std::string name = "relationship " + std::to_string(id);
      if (!nodes_.count(source)) Problem(name + ": its start node " + std::to_string(source) + " does not exist");
      if (!nodes_.count(target)) Problem(name + ": its end node " + std::to_string(target) + " does not exist");
      if (edge_text_) {
        graph::EdgeData edge;
        if (g_.ReadEdge(id, &edge).ok()) ExpectText(true, id, std::span<const uint32_t>(&type, 1), edge.properties);
      }
      expected_out_.emplace_back(source, type, target, id);
      expected_in_.emplace_back(target, type, source, id);
      return true;
    });
    return Scanned(s, "relationships");
  }

  // Compares two sorted lists, naming what only one of them has.
  template <class T, class Describe>
  void Compare(const std::vector<T>& present, const std::vector<T>& expected, const std::string& what,
               Describe describe) {
    auto want = expected.begin();
    for (const T& k : present) {
      while (want != expected.end() && *want < k) Problem(what + ": missing entry for " + describe(*want++));
      if (want != expected.end() && *want == k) {
        ++want;
        continue;
      }
      Problem(what + ": stray entry for " + describe(k));
    }
    while (want != expected.end()) Problem(what + ": missing entry for " + describe(*want++));
  }

  Status Adjacency(Direction side, const std::string& what, const char* anchor, const char* other,
                   std::vector<AdjacencyKey>& expected) {
    std::vector<AdjacencyKey> present;
    Status s = g_.ScanAdjacency(side, std::nullopt, [&](const graph::AdjacentEdge& e) {
      present.emplace_back(e.anchor, e.type, e.neighbor, e.edge);
      return true;
    });
    if (Status r = Scanned(s, what); !r.ok() || !s.ok()) return r;
    std::sort(present.begin(), present.end());
    std::sort(expected.begin(), expected.end());
    Compare(present, expected, what, [&](const AdjacencyKey& k) {
      return "relationship " + std::to_string(std::get<3>(k)) + " (" + anchor + " " + std::to_string(std::get<0>(k)) +
             ", " + other + " " + std::to_string(std::get<2>(k)) + ")";
    });
    return Status::OK();
  }

  Status Labels() {
    for (const auto& named : g_.Names(graph::NameKind::kLabel)) {
      const auto& label = named.first;
      const std::string& name = named.second;
      std::vector<NodeId> present;
      Status s = g_.ScanLabel(label, [&](NodeId id) {
        present.push_back(id);
        return true;
      });
      if (Status r = Scanned(s, "label index"); !r.ok()) return r;
      if (!s.ok()) continue;
      const std::vector<NodeId>& expected = with_label_[label];  // in id order, as scanned
      Compare(present, expected, "label index",
              [&](NodeId id) { return "node " + std::to_string(id) + " and label " + name; });
    }
    return Status::OK();
  }

  Status Indexes() {
    for (const auto& index : g_.Indexes()) {
      std::map<NodeId, Value>& expected = expected_index_[index.id];
      std::unordered_set<NodeId> found;
      std::string where = " in index " + index.name;
      bool first = true;
      Value previous_value;
      NodeId previous_node = 0;
      Status s = g_.IndexEntries(index.id, [&](const Value& v, NodeId node) {
        auto it = expected.find(node);
        if (it == expected.end() || !(it->second == v) || !found.insert(node).second)
          Problem("property index: stray entry for node " + std::to_string(node) + where);
        // Entries come in value order: a value twice is side by side.
        if (index.unique && !first && v == previous_value)
          Problem("unique constraint " + index.name + ": nodes " + std::to_string(previous_node) + " and " +
                  std::to_string(node) + " share a value");
        first = false;
        previous_value = v;
        previous_node = node;
        return true;
      });
      if (Status r = Scanned(s, "property index"); !r.ok()) return r;
      if (!s.ok()) continue;
      for (const auto& [node, value] : expected)
        if (!found.count(node)) Problem("property index: missing entry for node " + std::to_string(node) + where);
    }
    return Status::OK();
  }

  Status TextIndexes() {
    for (TextIndexState& t : text_) {
      std::string where = "full-text index " + t.def.name;
      const char* element = t.def.relationships ? "relationship " : "node ";
      std::map<std::pair<uint8_t, std::string>, int64_t> frequencies;  // of the postings there
      Status s = g_.TextPostings(t.def.id, [&](std::string_view k) {
        storage::key::TextPosting p;
        if (!storage::key::ParseTextPosting(k, &p)) return true;  // the format check has said so
        ++frequencies[{p.field, std::string(p.term)}];
        TextExpected& e = t.present[p.element];
        e.hash += Hash(k);
        ++e.count;
        return true;
      });
      if (Status r = Scanned(s, where); !r.ok()) return r;
      if (!s.ok()) continue;
      for (const auto& [id, present] : t.present) {
        auto it = t.expected.find(id);
        if (it == t.expected.end())
          Problem(where + ": stray entries for " + element + std::to_string(id));
        else if (it->second.hash != present.hash || it->second.count != present.count)
          Problem(where + ": the entries of " + element + std::to_string(id) + " do not match its text");
      }
      for (const auto& [id, expected] : t.expected)
        if (!t.present.count(id)) Problem(where + ": missing entries for " + element + std::to_string(id));
      // The stored document frequencies count the postings there (a term
      // no element has any more may keep a count of 0).
      size_t wrong = 0;
      std::string example;
      Status counted = g_.TextTermCounts(t.def.id, [&](uint8_t field, std::string_view term, int64_t n) {
        auto it = frequencies.find({field, std::string(term)});
        int64_t actual = it == frequencies.end() ? 0 : it->second;
        if (it != frequencies.end()) frequencies.erase(it);
        if (n != actual && wrong++ == 0)
          example = "'" + std::string(term) + "' counted " + std::to_string(n) + ", found " + std::to_string(actual);
      });
      if (!counted.ok()) return counted;
      wrong += frequencies.size();
      if (example.empty() && !frequencies.empty())
        example = "'" + frequencies.begin()->first.second + "' not counted, found " +
                  std::to_string(frequencies.begin()->second);
      if (wrong > 0)
        Problem(where + ": " + std::to_string(wrong) + " terms' document frequencies are wrong (" + example + ")");
      for (size_t f = 0; f < t.stats.size(); ++f) {
        auto stored = g_.TextFieldStats(t.def.id, static_cast<uint8_t>(f));
        if (!stored.ok()) return stored.status();
        if (*stored != t.stats[f])
          Problem(where + ": the statistics of field " + g_.Name(graph::NameKind::kKey, t.def.keys[f]) + " say " +
                  std::to_string(stored->first) + " elements of " + std::to_string(stored->second) +
                  " terms, but there are " + std::to_string(t.stats[f].first) + " of " +
                  std::to_string(t.stats[f].second));
      }
    }
    return Status::OK();
  }

  Status Counts() {
    auto compare = [&](Result<int64_t> stored, int64_t actual, const std::string& what) -> Status {
      if (!stored.ok()) return stored.status();
      if (*stored != actual)
        Problem(what + ": the stored count is " + std::to_string(*stored) + " but there are " + std::to_string(actual));
      return Status::OK();
    };
    if (Status s = compare(g_.CountNodes(std::nullopt), static_cast<int64_t>(nodes_.size()), "nodes"); !s.ok())
      return s;
    if (Status s = compare(g_.CountEdges(std::nullopt), static_cast<int64_t>(edges_), "relationships"); !s.ok())
      return s;
    for (const auto& [label, name] : g_.Names(graph::NameKind::kLabel))
      if (Status s = compare(g_.CountNodes(label), label_counts_[label], "label " + name); !s.ok()) return s;
    for (const auto& [type, name] : g_.Names(graph::NameKind::kType))
      if (Status s = compare(g_.CountEdges(type), type_counts_[type], "relationship type " + name); !s.ok())
        return s;
    return Status::OK();
  }

  const graph::GraphTxn& g_;
  std::unordered_set<NodeId> nodes_;
  uint64_t edges_ = 0;
  uint64_t index_entries_ = 0;
  std::unordered_map<uint32_t, int64_t> label_counts_, type_counts_;
  std::unordered_map<uint32_t, std::vector<NodeId>> with_label_;
  std::unordered_map<uint32_t, std::map<NodeId, Value>> expected_index_;
  std::vector<AdjacencyKey> expected_out_, expected_in_;
  std::vector<TextIndexState> text_;
  bool edge_text_ = false;
};

}  // namespace

Result<CheckReport> Check(Database& db) {
  Transaction::Impl txn(internal::Access::Of(db).store, /*read_only=*/true);
  CheckReport out;
  if (Status s = storage::CheckFormat(txn.kv(), &out.problems, kMaxProblems); !s.ok()) return s;
  Checker checker(txn);
  if (Status s = checker.Run(&out); !s.ok()) return s;
  for (std::string& p : checker.problems)
    if (out.problems.size() < kMaxProblems) out.problems.push_back(std::move(p));
  return out;
}

}  // namespace kg
