// Full-text indexes in transactions: each change of an element writes its
// postings and field statistics in the same batch as the element itself,
// and searches read them through the transaction, its own writes included.
#include <algorithm>

#include "storage/varint.h"

#include "graph/transaction_impl.h"

namespace kg {

using storage::CounterKind;
using storage::IndexRecord;
using storage::Keyspace;
namespace key = storage::key;
namespace fulltext = graph::fulltext;

namespace graph {

bool TextIndexCovers(const IndexRecord& index, std::span<const uint32_t> labels) {
  for (uint32_t l : labels)
    if (std::find(index.labels.begin(), index.labels.end(), l) != index.labels.end()) return true;
  return false;
}

namespace {

fulltext::Analyzer AnalyzerOf(const IndexRecord& index) {
  return fulltext::AnalyzerByName(index.analyzer).value_or(fulltext::Analyzer::kStandard);
}

std::vector<const Value*> FieldValues(const IndexRecord& index, PropertySpan props) {
  std::vector<const Value*> fields;
  for (uint32_t k : index.properties) fields.push_back(FindProperty(props, k));
  return fields;
}

bool SameFields(const IndexRecord& index, PropertySpan a, PropertySpan b) {
  for (uint32_t k : index.properties) {
    const Value* x = FindProperty(a, k);
    const Value* y = FindProperty(b, k);
    if ((x == nullptr) != (y == nullptr) || (x && !(*x == *y))) return false;
  }
  return true;
}

}  // namespace

fulltext::Document TextDocument(const IndexRecord& index, PropertySpan props) {
  std::vector<const Value*> fields = FieldValues(index, props);
  return fulltext::Analyze(AnalyzerOf(index), fields);
}

void ForEachTextPosting(const IndexRecord& index, uint64_t element, const fulltext::Document& doc,
                        FunctionRef<void(std::string_view)> fn) {
  std::string k;
  for (const fulltext::FieldTerm& t : doc.terms) {
    k.clear();
    key::AppendTextPosting(&k, index.id, t.term, t.field, element, doc.lengths[t.field], t.positions);
    fn(k);
  }
}

TextIndexBuilder::TextIndexBuilder(const IndexRecord& index, size_t budget,
                                   std::function<Status(std::string_view)> overflow)
    : index_(index), budget_(budget), overflow_(std::move(overflow)), stats_(index.properties.size()) {}

Status TextIndexBuilder::Add(uint64_t element, PropertySpan props) {
  fulltext::Document doc = TextDocument(index_, props);
  std::string term_key, suffix;
  for (const fulltext::FieldTerm& t : doc.terms) {
    term_key.assign(t.term);
    term_key.push_back('\0');
    term_key.push_back(static_cast<char>(t.field));
    // The key's tail after its field, as AppendTextPosting writes it.
    suffix.clear();
    key::AppendTextPosting(&suffix, 0, "", 0, element, doc.lengths[t.field], t.positions);
    std::string_view tail = std::string_view(suffix).substr(4 + 1 + 1);
    std::string& list = postings_[term_key];
    if (list.empty()) bytes_ += term_key.size() + 64;
    // Each posting: its tail's size, then the tail.
    char size_buf[10];
    char* end = storage::PutVarint(size_buf, tail.size());
    list.append(size_buf, static_cast<size_t>(end - size_buf));
    list.append(tail);
    bytes_ += tail.size() + 1;
    ++count_;
  }
  for (size_t f = 0; f < doc.lengths.size(); ++f)
    if (doc.lengths[f] > 0) {
      ++stats_[f].first;
      stats_[f].second += doc.lengths[f];
    }
  if (bytes_ >= budget_) return Flush(overflow_);
  return Status::OK();
}

Status TextIndexBuilder::Flush(const std::function<Status(std::string_view)>& fn) {
  std::vector<std::pair<std::string_view, std::string*>> terms;
  terms.reserve(postings_.size());
  for (auto& [k, v] : postings_) terms.emplace_back(k, &v);
  std::sort(terms.begin(), terms.end());
  std::string k;
  for (const auto& [term_key, list] : terms) {
    std::string_view rest = *list;
    while (!rest.empty()) {
      uint64_t size = 0;
      if (!storage::GetVarint(&rest, &size) || size > rest.size()) return Status::Internal("a malformed posting list");
      k.clear();
      key::PutU32(&k, index_.id);
      k.append(term_key);
      k.append(rest.substr(0, size));
      rest.remove_prefix(size);
      if (Status s = fn(k); !s.ok()) return s;
    }
  }
  postings_.clear();
  bytes_ = 0;
  return Status::OK();
}

Status TextIndexBuilder::Finish(const std::function<Status(std::string_view)>& fn) { return Flush(fn); }

}  // namespace graph

bool Transaction::Impl::HasTextIndexes(bool relationships) const {
  for (const IndexRecord& r : kv_.catalog().indexes)
    if (r.fulltext && r.relationships == relationships) return true;
  return false;
}

void Transaction::Impl::UpdateText(bool relationships, uint64_t element, std::span<const uint32_t> old_labels,
                                   graph::PropertySpan old_props, std::span<const uint32_t> new_labels,
                                   graph::PropertySpan new_props) {
  for (const IndexRecord& index : kv_.catalog().indexes) {
    if (!index.fulltext || index.relationships != relationships) continue;
    bool was = graph::TextIndexCovers(index, old_labels), is = graph::TextIndexCovers(index, new_labels);
    if (!was && !is) continue;
    if (was && is && graph::SameFields(index, old_props, new_props)) continue;
    auto apply = [&](graph::PropertySpan props, int sign) {
      fulltext::Document doc = graph::TextDocument(index, props);
      graph::ForEachTextPosting(index, element, doc, [&](std::string_view k) {
        if (sign > 0) kv_.Put(Keyspace::kIndex, k, {});
        else kv_.Delete(Keyspace::kIndex, k);
      });
      for (const fulltext::FieldTerm& t : doc.terms) kv_.AddToCounter(key::TextTermCounter(index.id, t.field, t.term), sign);
      for (size_t f = 0; f < doc.lengths.size(); ++f)
        if (doc.lengths[f] > 0) {
          uint32_t id = key::TextFieldCounter(index.id, static_cast<uint8_t>(f));
          kv_.AddToCounter(CounterKind::kTextDocs, id, sign);
          kv_.AddToCounter(CounterKind::kTextLength, id, sign * static_cast<int64_t>(doc.lengths[f]));
        }
    };
    if (was) apply(old_props, -1);
    if (is) apply(new_props, +1);
  }
}

std::vector<graph::GraphTxn::TextIndexDef> Transaction::Impl::TextIndexes() const {
  std::vector<TextIndexDef> out;
  for (const IndexRecord& r : kv_.catalog().indexes)
    if (r.fulltext) out.push_back({r.id, r.name, r.relationships, r.labels, r.properties, r.analyzer});
  return out;
}

Result<std::pair<int64_t, int64_t>> Transaction::Impl::TextFieldStats(uint32_t index_id, uint8_t field) const {
  uint32_t id = key::TextFieldCounter(index_id, field);
  auto docs = kv_.Counter(CounterKind::kTextDocs, id);
  if (!docs.ok()) return docs.status();
  auto length = kv_.Counter(CounterKind::kTextLength, id);
  if (!length.ok()) return length.status();
  return std::pair<int64_t, int64_t>{*docs, *length};
}

Status Transaction::Impl::TextTermCounts(uint32_t index_id,
                                         graph::FunctionRef<void(uint8_t, std::string_view, int64_t)> fn) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  std::string prefix = key::TextTermCounterPrefix(index_id);
  return kv_.ScanPrefix(Keyspace::kMeta, prefix, [&](std::string_view k, std::string_view v) {
    // The term, 0x00, the field.
    if (k.size() >= prefix.size() + 2 && k[k.size() - 2] == '\0' && v.size() == 8)
      fn(static_cast<uint8_t>(k.back()), k.substr(prefix.size(), k.size() - prefix.size() - 2), key::GetI64(v.data()));
    return true;
  });
}

Status Transaction::Impl::TextPostings(uint32_t index_id, graph::FunctionRef<bool(std::string_view)> fn) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  return kv_.ScanPrefix(Keyspace::kIndex, key::IndexPrefix(index_id),
                        [&](std::string_view k, std::string_view) { return fn(k); });
}

std::vector<std::string> Transaction::Impl::TextPostingsOf(uint32_t index_id, uint64_t element,
                                                           graph::PropertySpan props) const {
  std::vector<std::string> out;
  for (const IndexRecord& r : kv_.catalog().indexes)
    if (r.fulltext && r.id == index_id)
      graph::ForEachTextPosting(r, element, graph::TextDocument(r, props),
                                [&](std::string_view k) { out.emplace_back(k); });
  return out;
}

namespace {

class TxnPostings final : public fulltext::PostingSource {
 public:
  TxnPostings(const Transaction::Impl& txn, const IndexRecord& index, graph::FunctionRef<Status()> interrupted)
      : txn_(txn), index_(index.id), fields_(index.properties.size()), interrupted_(interrupted) {}
  class TxnCursor final : public Cursor {
   public:
    explicit TxnCursor(std::unique_ptr<rocksdb::Iterator> it) : it_(std::move(it)) {}
    Result<std::optional<std::string_view>> Seek(std::string_view target, std::string_view prefix) override {
      it_->Seek(rocksdb::Slice(target.data(), target.size()));
      if (!it_->Valid()) {
        if (!it_->status().ok()) return storage::FromRocks(it_->status(), "full-text index");
        return std::optional<std::string_view>();
      }
      std::string_view k(it_->key().data(), it_->key().size());
      if (!k.starts_with(prefix)) return std::optional<std::string_view>();
      return std::optional<std::string_view>(k);
    }

   private:
    std::unique_ptr<rocksdb::Iterator> it_;
  };
  std::unique_ptr<Cursor> NewCursor() const override {
    return std::make_unique<TxnCursor>(txn_.kv().NewIterator(Keyspace::kIndex));
  }
  Result<int64_t> TermFrequency(uint8_t field, std::string_view term) const override {
    return txn_.kv().Counter(key::TextTermCounter(index_, field, term));
  }
  size_t FieldCount() const override { return fields_; }
  Status Scan(std::string_view prefix, const std::function<bool(std::string_view)>& fn) const override {
    return txn_.kv().ScanPrefix(Keyspace::kIndex, prefix, [&](std::string_view k, std::string_view) { return fn(k); });
  }
  Result<std::pair<int64_t, int64_t>> FieldStats(uint8_t field) const override {
    return txn_.TextFieldStats(index_, field);
  }
  Status Interrupted() const override { return interrupted_(); }

 private:
  const Transaction::Impl& txn_;
  uint32_t index_;
  size_t fields_;
  graph::FunctionRef<Status()> interrupted_;
};

}  // namespace

Result<std::vector<graph::GraphTxn::TextHit>> Transaction::Impl::TextSearch(std::string_view name,
                                                                           std::string_view query, size_t skip,
                                                                           size_t limit,
                                                                           graph::FunctionRef<Status()> interrupted) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  const IndexRecord* index = kv_.catalog().ByName(name);
  if (!index || !index->fulltext) return Status::NotFound("no full-text index named " + std::string(name));
  std::vector<std::string> fields;
  for (uint32_t k : index->properties) fields.push_back(store().Name(storage::DictKind::kPropertyKey, k));
  auto parsed = fulltext::ParseQuery(query, graph::fulltext::AnalyzerByName(index->analyzer).value_or(
                                                fulltext::Analyzer::kStandard),
                                     fields);
  if (!parsed.ok()) return parsed.status();
  TxnPostings source(*this, *index, interrupted);
  auto hits = fulltext::Search(**parsed, index->id, source, skip, limit);
  if (!hits.ok()) return hits.status();
  std::vector<TextHit> out;
  out.reserve(hits->size());
  for (const fulltext::Hit& h : *hits) out.push_back({h.element, h.score});
  return out;
}

}  // namespace kg
