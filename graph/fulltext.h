// Full-text indexes: the analyzers that turn text into terms, the terms of
// an element's indexed properties, and the search of an index's postings
// (storage/key_codec.h) with a query in Lucene's syntax, ranked by BM25.
//
// Analyzers (an index's 'fulltext.analyzer' option):
//   standard  words by Unicode's word boundaries (ICU), case folded and
//             accents removed (Latin, Greek, Cyrillic); Chinese and Japanese
//             characters one term each, so that any run of them is found as
//             a phrase wherever it stands: 彝良 finds 彝良县.
//   english   standard, then English possessives and stop words dropped and
//             the Snowball English stemmer applied: "parks" finds "park".
//   cjk       standard, with Chinese and Japanese text also indexed as
//             overlapping pairs of characters, which a query of two or more
//             of them matches: sharper ranking for Chinese text.
//
// Query syntax: terms (OR by default), "phrases", AND, OR, NOT, +term,
// -term, prefix*, field:term, field:"a phrase", field:(a b), term^2
// (boost), parentheses and backslash escapes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kg/status.h"
#include "kg/value.h"

namespace kg::graph::fulltext {

enum class Analyzer : uint8_t { kStandard, kEnglish, kCjk };
std::optional<Analyzer> AnalyzerByName(std::string_view name);  // any case
const char* AnalyzerName(Analyzer a);
std::vector<std::string> AnalyzerNames();

struct Token {
  std::string term;
  uint32_t position = 0;
};

// Appends the terms of text to *out, positions from *position on, which it
// advances past them. query: the terms a query matches the text by (the
// cjk analyzer then gives pairs only, where the text has them).
void Analyze(Analyzer analyzer, std::string_view text, bool query, uint32_t* position, std::vector<Token>* out);
// Case and accent folding only: what a prefix query's start is compared with.
std::string Fold(std::string_view text);

// One term of one field of an element, with its positions.
struct FieldTerm {
  uint8_t field = 0;
  std::string term;
  std::vector<uint32_t> positions;
};
struct Document {
  std::vector<FieldTerm> terms;   // by term, then field
  std::vector<uint32_t> lengths;  // per field: its number of terms (0: none)
  bool empty() const { return terms.empty(); }
};
// The terms of an element with these values of the index's fields
// (fields[i] null when the element has none): strings and lists of
// strings; other values are not text and give nothing.
Document Analyze(Analyzer analyzer, std::span<const Value* const> fields);

// A parsed query.
struct Query;
struct QueryDeleter {
  void operator()(Query* q) const;
};
using QueryPtr = std::unique_ptr<Query, QueryDeleter>;
// field_names: the index's fields in order (field:term names one).
// InvalidArgument naming the column of the first error.
Result<QueryPtr> ParseQuery(std::string_view text, Analyzer analyzer, std::span<const std::string> field_names);

// What a search reads: the postings under a key prefix, and a field's
// statistics.
class PostingSource {
 public:
  virtual ~PostingSource() = default;
  // Calls fn with every key starting with prefix, in order, until it
  // returns false.
  virtual Status Scan(std::string_view prefix, const std::function<bool(std::string_view)>& fn) const = 0;
  // The first key at or after target, if it starts with prefix (one
  // cursor per call site: successive targets ascend).
  class Cursor {
   public:
    virtual ~Cursor() = default;
    virtual Result<std::optional<std::string_view>> Seek(std::string_view target, std::string_view prefix) = 0;
  };
  virtual std::unique_ptr<Cursor> NewCursor() const = 0;
  // Elements with the field, and their lengths' sum.
  virtual Result<std::pair<int64_t, int64_t>> FieldStats(uint8_t field) const = 0;
  // Elements with term in the field.
  virtual Result<int64_t> TermFrequency(uint8_t field, std::string_view term) const = 0;
  // The index's number of fields.
  virtual size_t FieldCount() const = 0;
  // Polled between postings: a non-OK status stops the search with it.
  virtual Status Interrupted() const { return Status::OK(); }
};

struct Hit {
  uint64_t element = 0;
  double score = 0;
};
// The best hits, by score (then element id), skip of them left out, at
// most limit.
Result<std::vector<Hit>> Search(const Query& query, uint32_t index_id, const PostingSource& source, size_t skip,
                                size_t limit);

}  // namespace kg::graph::fulltext
