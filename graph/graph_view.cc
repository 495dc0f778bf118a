#include "kg/graph_view.h"

#include <algorithm>
#include <unordered_map>

#include "graph/access.h"
#include "graph/transaction_impl.h"

namespace kg {

class GraphView::Impl {
 public:
  Impl(std::shared_ptr<graph::GraphTxn> txn, const GraphFilter& filter)
      : txn_(std::move(txn)), direction_(filter.direction) {
    filter_types_ = !filter.edge_types.empty();
    for (const auto& t : filter.edge_types)
      if (auto id = txn_->ResolveType(t)) types_.push_back(*id);
    std::sort(types_.begin(), types_.end());
    filter_labels_ = !filter.labels.empty();
    for (const auto& l : filter.labels)
      if (auto id = txn_->ResolveLabel(l)) labels_.push_back(*id);
    std::sort(labels_.begin(), labels_.end());
  }

  const std::vector<NodeId>& Vertices() {
    if (vertices_loaded_) return vertices_;
    vertices_loaded_ = true;
    auto add = [&](NodeId id) {
      vertices_.push_back(id);
      return true;
    };
    if (!filter_labels_) {
      Note(txn_->ScanNodes(add));
    } else {
      for (uint32_t label : labels_) Note(txn_->ScanLabel(label, add));
      std::sort(vertices_.begin(), vertices_.end());
      vertices_.erase(std::unique(vertices_.begin(), vertices_.end()), vertices_.end());
    }
    index_.reserve(vertices_.size());
    for (size_t i = 0; i < vertices_.size(); ++i) index_.emplace(vertices_[i], i);
    return vertices_;
  }

  size_t IndexOf(NodeId n) {
    Vertices();
    auto it = index_.find(n);
    return it == index_.end() ? vertices_.size() : it->second;
  }

  bool Contains(NodeId n) {
    if (!filter_labels_) return true;
    auto [it, inserted] = member_.emplace(n, false);
    if (inserted) {
      graph::NodeData record;
      Status s = txn_->ReadNode(n, &record);
      if (s.ok()) {
        for (uint32_t l : record.labels)
          if (std::binary_search(labels_.begin(), labels_.end(), l)) it->second = true;
      } else if (s.code() != StatusCode::kNotFound) {
        Note(s);
      }
    }
    return it->second;
  }

  // The edges the view shows at n: leaving n (outgoing) or entering it,
  // oriented as the view's direction says.
  const std::vector<ViewEdge>& Edges(NodeId n, bool outgoing) {
    auto& cache = outgoing ? out_ : in_;
    auto [it, inserted] = cache.try_emplace(n);
    if (!inserted) return it->second;
    std::vector<ViewEdge>& edges = it->second;
    if (filter_types_ && types_.empty()) return edges;
    // Stored direction(s) to read: as stored for kOut, swapped for kIn, both for kBoth.
    Direction stored = direction_ == Direction::kBoth ? Direction::kBoth
                       : (direction_ == Direction::kOut) == outgoing ? Direction::kOut
                                                                      : Direction::kIn;
    auto add = [&](const graph::AdjacentEdge& e, bool) {
      if (filter_types_ && !std::binary_search(types_.begin(), types_.end(), e.type)) return true;
      // anchor is n; the view edge leaves n when asked for out-edges.
      edges.push_back(outgoing ? ViewEdge{e.edge, e.anchor, e.neighbor} : ViewEdge{e.edge, e.neighbor, e.anchor});
      return true;
    };
    std::optional<uint32_t> only_type;
    if (filter_types_ && types_.size() == 1) only_type = types_[0];
    Note(txn_->Expand(n, stored, only_type, add));
    if (filter_labels_)
      std::erase_if(edges, [&](const ViewEdge& e) { return !Contains(outgoing ? e.target : e.source); });
    return edges;
  }

  double EdgeNumber(const ViewEdge& e, const std::string& k, double missing) {
    if (k != weight_key_) {
      weight_key_ = k;
      weights_.clear();
      weight_key_id_ = txn_->ResolveKey(k);
    }
    auto [it, inserted] = weights_.emplace(e.id, missing);
    if (inserted && weight_key_id_) {
      graph::EdgeData record;
      Status s = txn_->ReadEdge(e.id, &record);
      if (s.ok()) {
        if (const Value* v = graph::FindProperty(record.properties, *weight_key_id_); v && v->is_number())
          it->second = v->as_number();
      } else {
        Note(s);
      }
    }
    return it->second;
  }

  Status status() const { return error_; }

 private:
  void Note(const Status& s) {
    if (!s.ok() && error_.ok()) error_ = s;
  }

  std::shared_ptr<graph::GraphTxn> txn_;
  Direction direction_;
  bool filter_types_ = false, filter_labels_ = false;
  std::vector<uint32_t> types_, labels_;
  bool vertices_loaded_ = false;
  std::vector<NodeId> vertices_;
  std::unordered_map<NodeId, size_t> index_;
  std::unordered_map<NodeId, bool> member_;
  std::unordered_map<NodeId, std::vector<ViewEdge>> out_, in_;
  std::string weight_key_;
  std::optional<uint32_t> weight_key_id_;
  std::unordered_map<EdgeId, double> weights_;
  Status error_;
};

GraphView::GraphView(const Transaction& txn, const GraphFilter& filter)
    : impl_(std::make_unique<Impl>(internal::Access::Shared(txn), filter)) {}
GraphView::GraphView(std::shared_ptr<graph::GraphTxn> txn, const GraphFilter& filter)
    : impl_(std::make_unique<Impl>(std::move(txn), filter)) {}
GraphView::~GraphView() = default;
GraphView::GraphView(GraphView&&) noexcept = default;

const std::vector<NodeId>& GraphView::Vertices() const { return impl_->Vertices(); }
std::size_t GraphView::IndexOf(NodeId n) const { return impl_->IndexOf(n); }
bool GraphView::Contains(NodeId n) const { return impl_->Contains(n); }
const std::vector<ViewEdge>& GraphView::OutEdges(NodeId n) const { return impl_->Edges(n, true); }
const std::vector<ViewEdge>& GraphView::InEdges(NodeId n) const { return impl_->Edges(n, false); }
double GraphView::EdgeNumber(const ViewEdge& e, const std::string& k, double missing) const {
  return impl_->EdgeNumber(e, k, missing);
}
Status GraphView::status() const { return impl_->status(); }

}  // namespace kg
