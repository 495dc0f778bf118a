#include "graph/fulltext.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <tuple>

#include <libstemmer.h>
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

#include "kg/utf8.h"
#include "storage/key_codec.h"

namespace kg::graph::fulltext {

namespace key = storage::key;

// ---- analyzers ----

std::optional<Analyzer> AnalyzerByName(std::string_view name) {
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "standard") return Analyzer::kStandard;
  if (lower == "english") return Analyzer::kEnglish;
  if (lower == "cjk") return Analyzer::kCjk;
  return std::nullopt;
}

const char* AnalyzerName(Analyzer a) {
  switch (a) {
    case Analyzer::kStandard: return "standard";
    case Analyzer::kEnglish: return "english";
    case Analyzer::kCjk: return "cjk";
  }
  return "?";
}

std::vector<std::string> AnalyzerNames() { return {"standard", "english", "cjk"}; }

namespace {

// Terms longer than this many bytes are left out (a run of letters this
// long is not a word anyone searches for).
constexpr size_t kMaxTermBytes = 255;
// Between the strings of a list: a phrase does not match across two.
constexpr uint32_t kListGap = 100;

// Lucene's English stop words.
constexpr const char* kEnglishStopWords[] = {"a",    "an",  "and",   "are",  "as",   "at",    "be",   "but",  "by",
                                             "for",  "if",  "in",    "into", "is",   "it",    "no",   "not",  "of",
                                             "on",   "or",  "such",  "that", "the",  "their", "then", "there",
                                             "these", "they", "this", "to",   "was",  "will",  "with"};

bool IsStopWord(std::string_view w) {
  for (const char* s : kEnglishStopWords)
    if (w == s) return true;
  return false;
}

// Per thread: ICU's word break iterator and Snowball's stemmer keep state.
struct ThreadTools {
  std::unique_ptr<icu::BreakIterator> words;
  sb_stemmer* stemmer = nullptr;
  const icu::Normalizer2* casefold = nullptr;
  const icu::Normalizer2* nfd = nullptr;
  const icu::Normalizer2* nfc = nullptr;
  ThreadTools() {
    UErrorCode status = U_ZERO_ERROR;
    words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) words.reset();
    status = U_ZERO_ERROR;
    casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
    status = U_ZERO_ERROR;
    nfd = icu::Normalizer2::getNFDInstance(status);
    status = U_ZERO_ERROR;
    nfc = icu::Normalizer2::getNFCInstance(status);
    stemmer = sb_stemmer_new("english", "UTF_8");
  }
  ~ThreadTools() {
    if (stemmer) sb_stemmer_delete(stemmer);
  }
};

ThreadTools& Tools() {
  thread_local ThreadTools tools;
  return tools;
}

bool IsAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Case folding (NFKC_Casefold), then the accents of Latin, Greek and
// Cyrillic letters removed.
std::string FoldWord(const icu::UnicodeString& word) {
  ThreadTools& t = Tools();
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString folded = t.casefold ? t.casefold->normalize(word, status) : word;
  if (U_FAILURE(status)) folded = word;
  status = U_ZERO_ERROR;
  icu::UnicodeString decomposed = t.nfd ? t.nfd->normalize(folded, status) : folded;
  if (U_FAILURE(status)) decomposed = folded;
  icu::UnicodeString kept;
  UScriptCode base_script = USCRIPT_COMMON;
  bool changed = false;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) {
      if (base_script == USCRIPT_LATIN || base_script == USCRIPT_GREEK || base_script == USCRIPT_CYRILLIC) {
        changed = true;
        continue;
      }
    } else {
      UErrorCode e = U_ZERO_ERROR;
      base_script = uscript_getScript(c, &e);
    }
    kept.append(c);
  }
  icu::UnicodeString out = folded;
  if (changed) {
    status = U_ZERO_ERROR;
    out = t.nfc ? t.nfc->normalize(kept, status) : kept;
    if (U_FAILURE(status)) out = kept;
  }
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

std::string FoldAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool IsCjk(UChar32 c) {
  UErrorCode e = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(c, &e);
  return script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA ||
         u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC);
}

class Emitter {
 public:
  Emitter(Analyzer analyzer, bool query, uint32_t* position, std::vector<Token>* out)
      : analyzer_(analyzer), query_(query), position_(position), out_(out) {}

  void Word(std::string folded) {
    FlushRun();
    if (folded.empty() || folded.size() > kMaxTermBytes || folded.find('\0') != std::string::npos) return;
    if (analyzer_ == Analyzer::kEnglish) {
      // Possessives: "minmetals's", "county's" (after folding, ’ is still ’).
      for (std::string_view s : {std::string_view("'s"), std::string_view("\xE2\x80\x99s")})
        if (folded.size() > s.size() && std::string_view(folded).substr(folded.size() - s.size()) == s) {
          folded.resize(folded.size() - s.size());
          break;
        }
      if (IsStopWord(folded)) {
        ++*position_;
        return;
      }
      if (sb_stemmer* st = Tools().stemmer) {
        const sb_symbol* stem =
            sb_stemmer_stem(st, reinterpret_cast<const sb_symbol*>(folded.data()), static_cast<int>(folded.size()));
        if (stem) folded.assign(reinterpret_cast<const char*>(stem), static_cast<size_t>(sb_stemmer_length(st)));
      }
    }
    out_->push_back({std::move(folded), (*position_)++});
  }

  // One Chinese or Japanese character of a run.
  void RunChar(std::string c) { run_.push_back(std::move(c)); }

  void FlushRun() {
    if (run_.empty()) return;
    bool pairs = analyzer_ == Analyzer::kCjk;
    bool unigrams = !pairs || !query_ || run_.size() == 1;
    for (size_t i = 0; i < run_.size(); ++i) {
      if (unigrams) out_->push_back({run_[i], *position_});
      if (pairs && i + 1 < run_.size()) out_->push_back({run_[i] + run_[i + 1], *position_});
      if (unigrams || i + 1 < run_.size()) ++*position_;
    }
    run_.clear();
  }

 private:
  Analyzer analyzer_;
  bool query_;
  uint32_t* position_;
  std::vector<Token>* out_;
  std::vector<std::string> run_;
};

}  // namespace

std::string Fold(std::string_view text) {
  if (IsAscii(text)) return FoldAscii(text);
  return FoldWord(icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))));
}

void Analyze(Analyzer analyzer, std::string_view text, bool query, uint32_t* position, std::vector<Token>* out) {
  Emitter emit(analyzer, query, position, out);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::BreakIterator* words = Tools().words.get();
  if (!words) return;
  words->setText(u);
  int32_t last_end = -1;
  for (int32_t start = words->first(), end = words->next(); end != icu::BreakIterator::DONE;
       start = end, end = words->next()) {
    int32_t status = words->getRuleStatus();
    if (status < UBRK_WORD_NUMBER) {  // spaces, punctuation
      emit.FlushRun();
      continue;
    }
    icu::UnicodeString word = u.tempSubStringBetween(start, end);
    if (status >= UBRK_WORD_KANA && status < UBRK_WORD_IDEO_LIMIT) {
      if (start != last_end) emit.FlushRun();
      for (int32_t i = 0; i < word.length();) {
        UChar32 c = word.char32At(i);
        int32_t n = U16_LENGTH(c);
        std::string one;
        word.tempSubString(i, n).toUTF8String(one);
        i += n;
        if (IsCjk(c)) {
          emit.RunChar(std::move(one));
        } else {
          emit.Word(Fold(one));
        }
      }
      last_end = end;
      continue;
    }
    std::string utf8;
    word.toUTF8String(utf8);
    emit.Word(IsAscii(utf8) ? FoldAscii(utf8) : FoldWord(word));
  }
  emit.FlushRun();
}

Document Analyze(Analyzer analyzer, std::span<const Value* const> fields) {
  Document doc;
  doc.lengths.assign(fields.size(), 0);
  struct Occurrence {
    std::string term;
    uint8_t field;
    uint32_t position;
  };
  std::vector<Occurrence> all;
  std::vector<Token> tokens;
  for (size_t f = 0; f < fields.size() && f < key::kMaxTextFields; ++f) {
    const Value* v = fields[f];
    if (!v) continue;
    tokens.clear();
    uint32_t position = 0;
    if (v->is_string()) {
      Analyze(analyzer, v->as_string(), false, &position, &tokens);
    } else if (v->is_list()) {
      for (const Value& e : v->as_list()) {
        if (!e.is_string()) continue;
        Analyze(analyzer, e.as_string(), false, &position, &tokens);
        position += kListGap;
      }
    }
    doc.lengths[f] = static_cast<uint32_t>(tokens.size());
    for (Token& t : tokens) all.push_back({std::move(t.term), static_cast<uint8_t>(f), t.position});
  }
  std::sort(all.begin(), all.end(), [](const Occurrence& a, const Occurrence& b) {
    return std::tie(a.term, a.field, a.position) < std::tie(b.term, b.field, b.position);
  });
  for (size_t i = 0; i < all.size(); ++i) {
    if (doc.terms.empty() || all[i].term != doc.terms.back().term || all[i].field != doc.terms.back().field)
      doc.terms.push_back({all[i].field, std::move(all[i].term), {}});
    std::vector<uint32_t>& positions = doc.terms.back().positions;
    // A position twice (the cjk analyzer's pairs beside single characters
    // differ in term, never here) is kept once.
    if (positions.empty() || positions.back() != all[i].position) positions.push_back(all[i].position);
  }
  return doc;
}

// ---- queries ----

enum class Occur : uint8_t { kShould, kMust, kMustNot };

struct Query {
  enum class Kind : uint8_t { kNothing, kTerms, kPrefix, kBool } kind = Kind::kNothing;
  std::vector<uint8_t> fields;  // empty: every field
  std::vector<Token> tokens;    // kTerms: one term, or a phrase (positions relative)
  std::string prefix;           // kPrefix: folded
  struct Clause;
  std::vector<Clause> clauses;  // kBool
  double boost = 1;
};

struct Query::Clause {
  Occur occur;
  Query query;
};

void QueryDeleter::operator()(Query* q) const { delete q; }

namespace {

// Parentheses (and fields) nest at most this deep: a query is parsed by
// recursion, and the stack is not the place to find the limit.
constexpr int kMaxQueryDepth = 100;

class QueryParser {
 public:
  QueryParser(std::string_view text, Analyzer analyzer, std::span<const std::string> fields)
      : text_(text), analyzer_(analyzer), fields_(fields) {}

  Status Parse(Query* out) {
    Status s = Clauses(out, false);
    if (!s.ok()) return s;
    Skip();
    if (at_ < text_.size()) return Error("unexpected ')'");
    return Status::OK();
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("full-text query, column " + std::to_string(at_ + 1) + ": " + what);
  }
  // One level further in (the caller takes it back with --depth_).
  Status Deeper() {
    if (++depth_ > kMaxQueryDepth)
      return Error("the query nests too deeply (more than " + std::to_string(kMaxQueryDepth) + " levels)");
    return Status::OK();
  }
  void Skip() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  static bool Special(char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == '"' || c == ':' ||
           c == '^' || c == '\\';
  }
  // A bare word, escapes resolved; *star tells whether it ended in an
  // unescaped '*' (which is then left out).
  std::string Word(bool* star) {
    std::string w;
    bool escaped_last = false;
    while (at_ < text_.size()) {
      char c = text_[at_];
      if (c == '\\' && at_ + 1 < text_.size()) {
        w.push_back(text_[at_ + 1]);
        at_ += 2;
        escaped_last = true;
        continue;
      }
      if (Special(c)) break;
      if ((c == '*' || c == '?') && !(c == '*' && (at_ + 1 == text_.size() || Special(text_[at_ + 1]))))
        wildcard_inside_ = true;
      w.push_back(c);
      ++at_;
      escaped_last = false;
    }
    *star = !w.empty() && w.back() == '*' && !escaped_last;
    if (*star) w.pop_back();
    return w;
  }
  bool Keyword(std::string_view k) {
    if (text_.compare(at_, k.size(), k) != 0) return false;
    size_t after = at_ + k.size();
    if (after < text_.size() && !std::isspace(static_cast<unsigned char>(text_[after])) && text_[after] != '(' &&
        text_[after] != '"')
      return false;
    at_ = after;
    return true;
  }

  Status Clauses(Query* out, bool nested) {
    out->kind = Query::Kind::kBool;
    enum { kNone, kAnd, kOr } conj = kNone;
    while (true) {
      Skip();
      if (at_ >= text_.size() || (nested && text_[at_] == ')')) break;
      if (!out->clauses.empty() && (Keyword("AND") || Keyword("&&"))) {
        conj = kAnd;
        continue;
      }
      if (!out->clauses.empty() && (Keyword("OR") || Keyword("||"))) {
        conj = kOr;
        continue;
      }
      Occur occur = Occur::kShould;
      if (text_[at_] == '+') {
        occur = Occur::kMust;
        ++at_;
      } else if (text_[at_] == '-' || text_[at_] == '!') {
        occur = Occur::kMustNot;
        ++at_;
      } else if (Keyword("NOT")) {
        occur = Occur::kMustNot;
      }
      Query clause;
      if (Status s = Clause(&clause, {}); !s.ok()) return s;
      if (conj == kAnd) {
        if (occur == Occur::kShould) occur = Occur::kMust;
        if (!out->clauses.empty() && out->clauses.back().occur == Occur::kShould)
          out->clauses.back().occur = Occur::kMust;
      }
      out->clauses.push_back({occur, std::move(clause)});
      conj = kNone;
    }
    if (conj != kNone) return Error("AND or OR with nothing after it");
    return Status::OK();
  }

  Status Clause(Query* out, const std::vector<uint8_t>& fields) {
    Skip();
    if (at_ >= text_.size()) return Error("a term was expected");
    char c = text_[at_];
    if (c == '(') {
      if (Status s = Deeper(); !s.ok()) return s;
      size_t open = at_++;
      Status nested = Clauses(out, true);
      --depth_;
      if (!nested.ok()) return nested;
      if (at_ >= text_.size()) {
        at_ = open;
        return Error("'(' without its ')'");
      }
      ++at_;
      for (auto& [occur, q] : out->clauses) Restrict(&q, fields);
    } else if (c == '"') {
      size_t open = at_++;
      std::string phrase;
      while (at_ < text_.size() && text_[at_] != '"') {
        if (text_[at_] == '\\' && at_ + 1 < text_.size()) ++at_;
        phrase.push_back(text_[at_++]);
      }
      if (at_ >= text_.size()) {
        at_ = open;
        return Error("a phrase without its closing '\"'");
      }
      ++at_;
      Terms(phrase, fields, out);
    } else if (c == ')') {
      return Error("unexpected ')'");
    } else {
      size_t start = at_;
      bool star = false;
      wildcard_inside_ = false;
      std::string word = Word(&star);
      if (word.empty() && !star) {
        return Error(c == ':' ? "a field name was expected before ':'" : "a term was expected");
      }
      if (at_ < text_.size() && text_[at_] == ':' && !star) {
        ++at_;
        auto it = std::find(fields_.begin(), fields_.end(), word);
        if (it == fields_.end()) {
          at_ = start;
          std::string names;
          for (const std::string& f : fields_) names += (names.empty() ? "" : ", ") + f;
          return Error("no field " + word + " in this index (its fields: " + names + ")");
        }
        if (Status s = Deeper(); !s.ok()) return s;
        Status field = Clause(out, {static_cast<uint8_t>(it - fields_.begin())});
        --depth_;
        return field;
      }
      if (wildcard_inside_) {
        at_ = start;
        return Error("only a trailing '*' (a prefix) is supported as a wildcard");
      }
      if (word.find('~') != std::string::npos && !star) {
        at_ = start;
        return Error("fuzzy and proximity queries ('~') are not supported");
      }
      if (star) {
        if (word.empty()) return Error("a prefix needs at least one character before '*'");
        out->kind = Query::Kind::kPrefix;
        out->prefix = Fold(word);
        out->fields = fields;
      } else {
        Terms(word, fields, out);
      }
    }
    Skip();
    if (at_ < text_.size() && text_[at_] == '^') {
      size_t start = ++at_;
      while (at_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[at_])) || text_[at_] == '.')) ++at_;
      char* end = nullptr;
      std::string number(text_.substr(start, at_ - start));
      double boost = std::strtod(number.c_str(), &end);
      if (number.empty() || *end != '\0' || !(boost >= 0) || !std::isfinite(boost)) {
        at_ = start;
        return Error("a boost ('^') needs a number");
      }
      out->boost *= boost;
    }
    return Status::OK();
  }

  void Terms(std::string_view text, const std::vector<uint8_t>& fields, Query* out) {
    uint32_t position = 0;
    Analyze(analyzer_, text, true, &position, &out->tokens);
    out->kind = out->tokens.empty() ? Query::Kind::kNothing : Query::Kind::kTerms;
    if (!out->tokens.empty()) {
      uint32_t first = out->tokens.front().position;
      for (Token& t : out->tokens) t.position -= first;
    }
    out->fields = fields;
  }

  static void Restrict(Query* q, const std::vector<uint8_t>& fields) {
    if (fields.empty()) return;
    if (q->fields.empty()) q->fields = fields;
    for (auto& [occur, c] : q->clauses) Restrict(&c, fields);
  }

  std::string_view text_;
  Analyzer analyzer_;
  std::span<const std::string> fields_;
  size_t at_ = 0;
  bool wildcard_inside_ = false;
  int depth_ = 0;  // parentheses open
};

}  // namespace

Result<QueryPtr> ParseQuery(std::string_view text, Analyzer analyzer, std::span<const std::string> field_names) {
  if (size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos)
    return Status::InvalidArgument("full-text query: " + InvalidUtf8Message(text, bad) + " at column " +
                                   std::to_string(bad + 1));
  QueryPtr q(new Query);
  QueryParser parser(text, analyzer, field_names);
  if (Status s = parser.Parse(q.get()); !s.ok()) return s;
  return q;
}

// ---- search ----

namespace {

constexpr double kK1 = 1.2, kB = 0.75;
// A posting read by a seek costs about this many read by a scan.
constexpr int64_t kSeekCost = 8;

// Hits in element order, each element once.
using Hits = std::vector<Hit>;

struct FieldStats {
  double docs = 0, avg_length = 1;
};

class Searcher {
 public:
  Searcher(uint32_t index_id, const PostingSource& source) : index_(index_id), source_(source) {}

  Status Run(const Query& q, Hits* out) {
    switch (q.kind) {
      case Query::Kind::kNothing: out->clear(); return Status::OK();
      case Query::Kind::kTerms: return Terms(q, nullptr, out);
      case Query::Kind::kPrefix: return Prefix(q, out);
      case Query::Kind::kBool: return Bool(q, out);
    }
    return Status::OK();
  }

 private:
  bool Wanted(const Query& q, uint8_t field) const {
    return q.fields.empty() || std::find(q.fields.begin(), q.fields.end(), field) != q.fields.end();
  }
  Status Poll() {
    if (++polled_ % 4096 == 0) return source_.Interrupted();
    return Status::OK();
  }
  Result<FieldStats> Stats(uint8_t field) {
    auto it = stats_.find(field);
    if (it != stats_.end()) return it->second;
    auto s = source_.FieldStats(field);
    if (!s.ok()) return s.status();
    FieldStats f;
    f.docs = static_cast<double>(std::max<int64_t>(0, s->first));
    f.avg_length = s->first > 0 ? std::max(1.0, static_cast<double>(s->second) / static_cast<double>(s->first)) : 1.0;
    stats_[field] = f;
    return f;
  }
  static double Idf(double docs, double df) { return std::log(1 + (docs - df + 0.5) / (df + 0.5)); }
  static double Bm25(double idf, double freq, double length, const FieldStats& f) {
    return idf * freq * (kK1 + 1) / (freq + kK1 * (1 - kB + kB * length / f.avg_length));
  }

  struct Posting {
    uint64_t element;
    uint8_t field;
    uint32_t length, count;
    uint32_t positions, positions_size;  // into the term's arena
  };
  struct TermPostings {
    std::vector<Posting> postings;  // by field, then element
    std::string arena;              // their positions' bytes, for phrases
  };
  // The postings of term in q's fields (only those of candidates, if given).
  Status Postings(const Query& q, const std::string& term, bool with_positions, TermPostings* out,
                  const std::vector<std::pair<uint8_t, uint64_t>>* candidates = nullptr) {
    return Scan(q, key::TextTermPrefix(index_, term), "'" + term + "'", with_positions, out, candidates);
  }
  // The postings under a key prefix (what: the terms they are, for an error).
  Status Scan(const Query& q, const std::string& prefix, const std::string& what, bool with_positions,
              TermPostings* out, const std::vector<std::pair<uint8_t, uint64_t>>* candidates = nullptr) {
    Status bad;
    size_t next = 0;
    Status s = source_.Scan(prefix, [&](std::string_view k) {
      key::TextPosting p;
      if (!key::ParseTextPosting(k, &p)) {
        bad = Status::Corruption("full-text index: a malformed posting of " + what + " (run kg check)");
        return false;
      }
      bool wanted = Wanted(q, p.field);
      if (wanted && candidates) {
        auto here = std::pair(p.field, p.element);
        while (next < candidates->size() && (*candidates)[next] < here) ++next;
        wanted = next < candidates->size() && (*candidates)[next] == here;
      }
      if (wanted) {
        uint32_t at = static_cast<uint32_t>(out->arena.size());
        if (with_positions) out->arena.append(p.positions);
        out->postings.push_back({p.element, p.field, p.length, p.count, at,
                                 with_positions ? static_cast<uint32_t>(p.positions.size()) : 0});
      }
      if (Status st = Poll(); !st.ok()) {
        bad = st;
        return false;
      }
      return true;
    });
    return s.ok() ? bad : s;
  }
  // Hits of several fields (each run in element order) as one list.
  static void MergeRuns(std::vector<Hits>& runs, Hits* out) {
    out->clear();
    for (Hits& run : runs) *out = out->empty() ? std::move(run) : Union(*out, run);
  }

  std::vector<uint8_t> FieldsOf(const Query& q) const {
    if (!q.fields.empty()) return q.fields;
    std::vector<uint8_t> all(source_.FieldCount());
    for (size_t f = 0; f < all.size(); ++f) all[f] = static_cast<uint8_t>(f);
    return all;
  }
  // The elements with term in field f, from the counters (memoized).
  Result<int64_t> Frequency(uint8_t field, const std::string& term) {
    auto k = std::pair(field, term);
    if (auto it = frequency_.find(k); it != frequency_.end()) return it->second;
    auto n = source_.TermFrequency(field, term);
    if (!n.ok()) return n.status();
    frequency_[k] = std::max<int64_t>(0, *n);
    return frequency_[k];
  }
  // The elements with term in any of q's fields.
  Result<int64_t> Frequency(const Query& q, const std::string& term) {
    int64_t total = 0;
    for (uint8_t f : FieldsOf(q)) {
      auto n = Frequency(f, term);
      if (!n.ok()) return n.status();
      total += *n;
    }
    return total;
  }
  // What evaluating q costs, in postings read: its rarest term's (no
  // less than 1); unbounded for anything but terms.
  Result<int64_t> Cost(const Query& q) {
    if (q.kind != Query::Kind::kTerms) return INT64_MAX;
    int64_t best = INT64_MAX;
    for (const Token& t : q.tokens) {
      auto n = Frequency(q, t.term);
      if (!n.ok()) return n.status();
      best = std::min(best, *n);
    }
    return std::max<int64_t>(best, 1);
  }

  // The postings of term among candidates (by field, then element): read
  // one by one when they are few beside the term's, else by a scan.
  Status PostingsAmong(const Query& q, const std::string& term, bool with_positions,
                       const std::vector<std::pair<uint8_t, uint64_t>>* candidates, TermPostings* out) {
    auto df = Frequency(q, term);
    if (!df.ok()) return df.status();
    if (!candidates || static_cast<int64_t>(candidates->size()) * kSeekCost >= *df) {
      return Postings(q, term, with_positions, out, candidates);
    }
    auto cursor = source_.NewCursor();
    std::string prefix = key::TextTermPrefix(index_, term), target;
    for (const auto& [field, element] : *candidates) {
      target = prefix;
      target.push_back(static_cast<char>(field));
      key::PutU64(&target, element);
      auto found = cursor->Seek(target, target);
      if (!found.ok()) return found.status();
      if (Status st = Poll(); !st.ok()) return st;
      if (!*found) continue;
      key::TextPosting p;
      if (!key::ParseTextPosting(**found, &p))
        return Status::Corruption("full-text index: a malformed posting of term '" + term + "' (run kg check)");
      uint32_t at = static_cast<uint32_t>(out->arena.size());
      if (with_positions) out->arena.append(p.positions);
      out->postings.push_back(
          {p.element, p.field, p.length, p.count, at, with_positions ? static_cast<uint32_t>(p.positions.size()) : 0});
    }
    return Status::OK();
  }

  // A term or a phrase, among the elements of restrict when given (in
  // element order): its terms from the rarest, each read only where the
  // ones before were found.
  Status Terms(const Query& q, const Hits* restrict, Hits* out) {
    const size_t n = q.tokens.size();
    const bool phrase = n > 1;
    std::vector<size_t> order(n);
    std::vector<int64_t> df(n);
    for (size_t i = 0; i < n; ++i) {
      order[i] = i;
      auto f = Frequency(q, q.tokens[i].term);
      if (!f.ok()) return f.status();
      df[i] = *f;
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return df[a] < df[b]; });
    std::vector<TermPostings> terms(n);
    std::optional<std::vector<std::pair<uint8_t, uint64_t>>> candidates;
    if (restrict) {
      candidates.emplace();
      for (uint8_t f : FieldsOf(q))
        for (const Hit& h : *restrict) candidates->emplace_back(f, h.element);
      std::sort(candidates->begin(), candidates->end());
    }
    for (size_t i : order) {
      TermPostings& t = terms[i];
      if (Status s = PostingsAmong(q, q.tokens[i].term, phrase, candidates ? &*candidates : nullptr, &t); !s.ok())
        return s;
      candidates.emplace();
      for (const Posting& p : t.postings) candidates->emplace_back(p.field, p.element);
      if (candidates->empty()) break;
    }
    // Every term's postings of the final candidates, side by side.
    std::vector<size_t> at(n, 0);
    std::vector<std::vector<uint32_t>> lists(n);
    std::vector<std::pair<uint8_t, Hit>> found;
    auto key_of = [](const Posting& p) { return std::pair(p.field, p.element); };
    for (const auto& c : *candidates) {
      bool all = true;
      for (size_t i = 0; i < n && all; ++i) {
        const std::vector<Posting>& p = terms[i].postings;
        while (at[i] < p.size() && key_of(p[at[i]]) < c) ++at[i];
        all = at[i] < p.size() && key_of(p[at[i]]) == c;
      }
      if (!all) continue;
      const Posting& first = terms[0].postings[at[0]];
      uint32_t freq = first.count;
      if (phrase) {
        for (size_t i = 0; i < n; ++i) Positions(terms[i], terms[i].postings[at[i]], &lists[i]);
        freq = 0;
        for (uint32_t p : lists[0]) {
          bool match = true;
          for (size_t i = 1; i < n && match; ++i)
            match = std::binary_search(lists[i].begin(), lists[i].end(), p + q.tokens[i].position);
          freq += match;
        }
        if (freq == 0) continue;
      }
      auto f = Stats(first.field);
      if (!f.ok()) return f.status();
      // A phrase's idf is the sum of its terms'.
      double idf = 0;
      for (const Token& t : q.tokens) {
        auto d = Frequency(first.field, t.term);
        if (!d.ok()) return d.status();
        double df_field = static_cast<double>(*d);
        idf += Idf(std::max(f->docs, df_field), df_field);
      }
      found.push_back({first.field, {first.element, q.boost * Bm25(idf, freq, first.length, *f)}});
    }
    std::vector<Hits> runs;
    for (size_t i = 0; i < found.size(); ++i) {
      if (i == 0 || found[i].first != found[i - 1].first) runs.emplace_back();
      runs.back().push_back(found[i].second);
    }
    MergeRuns(runs, out);
    return Status::OK();
  }

  static void Positions(const TermPostings& t, const Posting& p, std::vector<uint32_t>* out) {
    out->clear();
    std::string_view in(t.arena.data() + p.positions, p.positions_size);
    uint32_t at = 0;
    for (uint32_t i = 0; i < p.count && key::NextTextPosition(&in, at, &at); ++i) out->push_back(at);
  }

  // Every element with a term of the prefix scores the boost (Lucene's
  // constant score).
  Status Prefix(const Query& q, Hits* out) {
    TermPostings t;
    if (Status s = Scan(q, key::TextStartPrefix(index_, q.prefix), "terms '" + q.prefix + "*'", false, &t); !s.ok())
      return s;
    out->clear();
    for (const Posting& p : t.postings) out->push_back({p.element, q.boost});
    std::sort(out->begin(), out->end(), [](const Hit& a, const Hit& b) { return a.element < b.element; });
    out->erase(std::unique(out->begin(), out->end(), [](const Hit& a, const Hit& b) { return a.element == b.element; }),
               out->end());
    return Status::OK();
  }

  // One clause, among the elements of restrict when given (a clause of
  // terms reads only there; any other is evaluated whole and then cut).
  Status Clause(const Query& q, const Hits* restrict, Hits* out) {
    if (q.kind == Query::Kind::kTerms) return Terms(q, restrict, out);
    if (Status s = Run(q, out); !s.ok()) return s;
    if (restrict) {
      Hits kept;
      size_t j = 0;
      for (const Hit& h : *out) {
        while (j < restrict->size() && (*restrict)[j].element < h.element) ++j;
        if (j < restrict->size() && (*restrict)[j].element == h.element) kept.push_back(h);
      }
      *out = std::move(kept);
    }
    return Status::OK();
  }

  Status Bool(const Query& q, Hits* out) {
    // The required clauses first, the cheapest first, each read only
    // where the ones before matched; then the optional and the excluded
    // ones only there too. Without required clauses, the optional ones
    // are read whole.
    std::vector<std::pair<int64_t, const Query*>> must;
    std::vector<const Query*> should, must_not;
    for (const auto& [occur, clause] : q.clauses) {
      if (clause.kind == Query::Kind::kNothing) continue;  // only stop words
      if (occur == Occur::kMust) {
        auto cost = Cost(clause);
        if (!cost.ok()) return cost.status();
        must.emplace_back(*cost, &clause);
      } else {
        (occur == Occur::kShould ? should : must_not).push_back(&clause);
      }
    }
    std::stable_sort(must.begin(), must.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    Hits hits;
    std::optional<Hits> matched;
    for (const auto& [cost, clause] : must) {
      if (Status s = Clause(*clause, matched ? &*matched : nullptr, &hits); !s.ok()) return s;
      matched = matched ? Intersect(*matched, hits) : std::move(hits);
      if (matched->empty()) break;
    }
    if (!matched && should.empty()) {
      out->clear();
      return Status::OK();
    }
    Hits optional;
    for (const Query* clause : should) {
      if (matched && matched->empty()) break;
      if (Status s = Clause(*clause, matched ? &*matched : nullptr, &hits); !s.ok()) return s;
      optional = Union(optional, hits);
    }
    if (matched) {
      // The optional clauses add to the score of what the required match.
      *out = std::move(*matched);
      size_t j = 0;
      for (Hit& h : *out) {
        while (j < optional.size() && optional[j].element < h.element) ++j;
        if (j < optional.size() && optional[j].element == h.element) h.score += optional[j].score;
      }
    } else {
      *out = std::move(optional);
    }
    for (const Query* clause : must_not) {
      if (out->empty()) break;
      if (Status s = Clause(*clause, out, &hits); !s.ok()) return s;
      std::vector<uint64_t> excluded;
      for (const Hit& h : hits) excluded.push_back(h.element);
      std::erase_if(*out, [&](const Hit& h) { return std::binary_search(excluded.begin(), excluded.end(), h.element); });
    }
    for (Hit& h : *out) h.score *= q.boost;
    return Status::OK();
  }

  static Hits Intersect(const Hits& a, const Hits& b) {
    Hits out;
    for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
      if (a[i].element < b[j].element) ++i;
      else if (b[j].element < a[i].element) ++j;
      else {
        out.push_back({a[i].element, a[i].score + b[j].score});
        ++i;
        ++j;
      }
    }
    return out;
  }
  static Hits Union(const Hits& a, const Hits& b) {
    Hits out;
    out.reserve(a.size() + b.size());
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && a[i].element < b[j].element)) out.push_back(a[i++]);
      else if (i == a.size() || b[j].element < a[i].element) out.push_back(b[j++]);
      else {
        out.push_back({a[i].element, a[i].score + b[j].score});
        ++i;
        ++j;
      }
    }
    return out;
  }

  uint32_t index_;
  const PostingSource& source_;
  std::map<uint8_t, FieldStats> stats_;
  std::map<std::pair<uint8_t, std::string>, int64_t> frequency_;
  uint64_t polled_ = 0;
};

}  // namespace

Result<std::vector<Hit>> Search(const Query& query, uint32_t index_id, const PostingSource& source, size_t skip,
                                size_t limit) {
  Hits hits;
  Searcher searcher(index_id, source);
  if (Status s = searcher.Run(query, &hits); !s.ok()) return s;
  auto better = [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.element < b.element;
  };
  size_t want = skip >= hits.size() ? 0 : std::min(hits.size() - skip, limit);
  if (want == 0) return std::vector<Hit>{};
  size_t top = skip + want;
  if (top < hits.size()) {
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(top), hits.end(), better);
    hits.resize(top);
  } else {
    std::sort(hits.begin(), hits.end(), better);
  }
  return std::vector<Hit>(hits.begin() + static_cast<std::ptrdiff_t>(skip), hits.end());
}

}  // namespace kg::graph::fulltext
