#include "graph/import.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

#include "graph/access.h"
#include "graph/bulk_writer.h"
#include "graph/database_impl.h"
#include "graph/loader.h"
#include "graph/batch_pipe.h"
#include "graph/csv.h"
#include "graph/text.h"
#include "graph/transaction_impl.h"
#include "kg/json.h"

namespace kg::graph {

using storage::DictKind;

// ---- GraphSink ----

Result<storage::PropertyList> GraphSink::Row(const Properties& props) {
  storage::PropertyList out;
  out.reserve(props.size());
  for (const auto& [name, v] : props) {
    if (v.is_null()) continue;
    std::string why = NotStorableReason(v);
    if (why.empty()) why = InvalidText(name, v);
    if (!why.empty()) return Status::InvalidArgument("property " + ToValidUtf8(name) + ": " + why);
    auto key = Intern(DictKind::kPropertyKey, name);
    if (!key.ok()) return key.status();
    out.emplace_back(*key, v);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

Result<NodeId> GraphSink::CreateNode(const std::vector<std::string>& labels, const Properties& props) {
  std::vector<uint32_t> ids;
  for (const std::string& l : labels) {
    auto id = Intern(DictKind::kLabel, l);
    if (!id.ok()) return id.status();
    ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto row = Row(props);
  if (!row.ok()) return row.status();
  return AddNode(ids, *row);
}

Result<EdgeId> GraphSink::CreateEdge(NodeId from, std::string_view type, NodeId to, const Properties& props) {
  auto t = Intern(DictKind::kEdgeType, type);
  if (!t.ok()) return t.status();
  auto row = Row(props);
  if (!row.ok()) return row.status();
  return AddEdge(from, *t, to, *row);
}

TransactionSink::TransactionSink(Transaction txn) : txn_(std::move(txn)), impl_(internal::Access::Of(txn_)) {}

Result<uint32_t> TransactionSink::Intern(DictKind kind, std::string_view name) {
  switch (kind) {
    case DictKind::kLabel: return impl_.InternLabel(name);
    case DictKind::kEdgeType: return impl_.InternType(name);
    case DictKind::kPropertyKey: break;
  }
  return impl_.InternKey(name);
}

Result<NodeId> TransactionSink::AddNode(std::span<const uint32_t> labels, storage::PropertySpan props) {
  if (Status s = impl_.CheckWritable(); !s.ok()) return s;
  return impl_.CreateNode({labels.begin(), labels.end()}, {props.begin(), props.end()});
}

Result<EdgeId> TransactionSink::AddEdge(NodeId from, uint32_t type, NodeId to, storage::PropertySpan props) {
  if (Status s = impl_.CheckWritable(); !s.ok()) return s;
  return impl_.CreateEdge(from, type, to, {props.begin(), props.end()});
}

namespace {

// The member key of a JSON object, or nullptr.
const Value* ObjectField(const ValueMap& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

struct Column {
  enum class Role { kProperty, kId, kLabel, kStart, kEnd, kType, kIgnore } role = Role::kProperty;
  std::string name;  // property name (kProperty, or kId with a name)
  enum class Type { kString, kInt, kFloat, kBool, kTemporal } type = Type::kString;
  Value::Type temporal = Value::Type::kNull;  // kTemporal: which one
  bool array = false;
  std::string id_space;
  uint32_t key = 0;  // the sink's id of name
  IdMap* space = nullptr;  // kId, kStart, kEnd: the node ids of id_space, once known
};

Status ParseHeader(const std::vector<CsvReader::Field>& fields, const std::string& path, std::vector<Column>* out) {
  for (const auto& field : fields) {
    const std::string f(field.text);
    Column c;
    size_t colon = f.rfind(':');
    std::string name = colon == std::string::npos ? f : f.substr(0, colon);
    std::string type = colon == std::string::npos ? "" : f.substr(colon + 1);
    std::string space;
    if (size_t paren = type.find('('); paren != std::string::npos && type.back() == ')') {
      space = type.substr(paren + 1, type.size() - paren - 2);
      type = type.substr(0, paren);
    }
    std::string upper = type;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    c.name = name;
    c.id_space = space;
    std::string where = path + ":1:" + std::to_string(field.column);
    if (name.find(':') != std::string::npos)
      return Status::InvalidArgument(where + ": header field '" + f + "' has more than one ':TYPE' (a name is followed by at most one)");
    if (upper == "ID") c.role = Column::Role::kId;
    else if (upper == "LABEL") c.role = Column::Role::kLabel;
    else if (upper == "START_ID") c.role = Column::Role::kStart;
    else if (upper == "END_ID") c.role = Column::Role::kEnd;
    else if (upper == "TYPE") c.role = Column::Role::kType;
    else if (upper == "IGNORE") c.role = Column::Role::kIgnore;
    else {
      if (name.empty()) return Status::InvalidArgument(where + ": header field '" + f + "' has no name");
      std::string t = type.empty() ? "string" : type;
      for (char& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (t.size() > 2 && t.ends_with("[]")) {
        c.array = true;
        t.resize(t.size() - 2);
      }
      static const std::pair<const char*, Column::Type> kTypes[] = {
          {"string", Column::Type::kString}, {"int", Column::Type::kInt},     {"long", Column::Type::kInt},
          {"short", Column::Type::kInt},     {"byte", Column::Type::kInt},    {"float", Column::Type::kFloat},
          {"double", Column::Type::kFloat},  {"boolean", Column::Type::kBool}};
      bool known = false;
      for (const auto& [n, k] : kTypes)
        if (t == n) {
          c.type = k;
          known = true;
        }
      for (auto k = Value::Type::kDate; k <= Value::Type::kDuration; k = static_cast<Value::Type>(static_cast<int>(k) + 1))
        if (t == TemporalTypeName(k)) {
          c.type = Column::Type::kTemporal;
          c.temporal = k;
          known = true;
        }
      if (!known)
        return Status::InvalidArgument(where + ": unknown type '" + type + "' in header field '" + f +
                                       "' (expected string, int, long, float, double, boolean, date, localtime, "
                                       "time, localdatetime, datetime or duration, optionally with [])");
    }
    out->push_back(std::move(c));
  }
  return Status::OK();
}

// A whole field as a number: as from_chars reads it, or else as strtoll /
// strtod do (which also take a '+' and leading blanks). Integers out of
// range are refused; floats out of range become infinities or zero.
template <class T>
bool ParseNumber(std::string_view s, T* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return true;
  std::string copy(s);
  char* stop = nullptr;
  errno = 0;
  if constexpr (std::is_integral_v<T>) *out = std::strtoll(copy.c_str(), &stop, 10);
  else *out = std::strtod(copy.c_str(), &stop);
  return !copy.empty() && *stop == '\0' && (std::is_floating_point_v<T> || errno != ERANGE);
}

// One CSV value as the column's type; where() names it in an error.
template <class Where>
Status Convert(const Column& c, std::string_view text, const Where& where, Value* out) {
  auto one = [&](std::string_view s, Value* v) -> Status {
    switch (c.type) {
      case Column::Type::kString: *v = Value(s); return Status::OK();
      case Column::Type::kInt: {
        int64_t n = 0;
        if (!ParseNumber(s, &n))
          return Status::InvalidArgument(where() + ": '" + std::string(s) + "' in column " + c.name + " is not an integer");
        *v = Value(n);
        return Status::OK();
      }
      case Column::Type::kFloat: {
        double d = 0;
        if (!ParseNumber(s, &d))
          return Status::InvalidArgument(where() + ": '" + std::string(s) + "' in column " + c.name + " is not a number");
        *v = Value(d);
        return Status::OK();
      }
      case Column::Type::kTemporal: {
        auto parsed = ParseTemporal(c.temporal, s);
        if (!parsed.ok())
          return Status::InvalidArgument(where() + ": in column " + c.name + ": " + parsed.status().message());
        *v = std::move(*parsed);
        return Status::OK();
      }
      case Column::Type::kBool: break;
    }
    if (s == "true" || s == "TRUE" || s == "True") *v = Value(true);
    else if (s == "false" || s == "FALSE" || s == "False") *v = Value(false);
    else return Status::InvalidArgument(where() + ": '" + std::string(s) + "' in column " + c.name + " is not true or false");
    return Status::OK();
  };
  if (!c.array) return one(text, out);
  // Elements are separated by ';'. An element holding ';' writes it as
  // "\;" (and '\' as "\\"), as kg's CSV export does.
  ValueList list;
  if (!text.empty()) {
    std::string element;
    for (size_t i = 0; i <= text.size(); ++i) {
      if (i == text.size() || text[i] == ';') {
        Value v;
        if (Status s = one(element, &v); !s.ok()) return s;
        list.push_back(std::move(v));
        element.clear();
      } else if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == ';' || text[i + 1] == '\\')) {
        element.push_back(text[++i]);
      } else {
        element.push_back(text[i]);
      }
    }
  }
  *out = Value(std::move(list));
  return Status::OK();
}

std::string CsvLine(const std::vector<CsvReader::Field>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + CsvField(fields[i].text, fields[i].quoted);
  return out;
}

Status WithWhere(const Status& s, const std::string& where) {
  return Status(s.code() == StatusCode::kConstraintViolation ? s.code() : StatusCode::kInvalidArgument,
                where + ": " + s.message());
}

// Properties in key order, the last of equal keys kept (a header may name
// a property twice).
void Normalize(storage::PropertyList* props) {
  auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (std::is_sorted(props->begin(), props->end(), [](const auto& a, const auto& b) { return a.first <= b.first; }))
    return;
  std::stable_sort(props->begin(), props->end(), by_key);
  size_t out = 0;
  for (size_t i = 0; i < props->size(); ++i) {
    if (i + 1 < props->size() && (*props)[i + 1].first == (*props)[i].first) continue;
    if (out != i) (*props)[out] = std::move((*props)[i]);
    ++out;
  }
  props->resize(out);
}

// CSV files from this size are parsed on several threads.
constexpr uint64_t kParallelFrom = 1 << 20;

// A relationship row whose start (or end) names no node of the file's id
// space; where is "file:line:column".
Status UnknownNodeId(const std::string& where, bool start, std::string_view id, const std::string& id_space) {
  return Status::InvalidArgument(where + ": unknown " + (start ? "start" : "end") + " node id '" + std::string(id) +
                                 "'" + (id_space.empty() ? "" : " in id space " + id_space));
}

// The fields of a row by their columns' roles. A :LABEL field goes to
// labels(text); the properties (and a named :ID) go to props, in key order.
struct RowParts {
  std::string_view id, start, end, type;
  const Column *id_col = nullptr, *start_col = nullptr, *end_col = nullptr;
  size_t label_fields = 0;
};
template <class Labels>
Status SplitRow(const std::vector<Column>& header, const std::vector<CsvReader::Field>& fields, const CsvReader& reader,
                Labels&& labels, RowParts* row, storage::PropertyList* props) {
  if (fields.size() != header.size())
    return Status::InvalidArgument(reader.Where(1) + ": " + std::to_string(fields.size()) +
                                   " fields, but the header has " + std::to_string(header.size()));
  *row = RowParts();
  props->clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    const Column& c = header[i];
    std::string_view v = fields[i].text;
    switch (c.role) {
      case Column::Role::kId:
        row->id = v;
        row->id_col = &c;
        if (!c.name.empty() && !v.empty()) props->emplace_back(c.key, Value(v));
        break;
      case Column::Role::kLabel:
        if (Status s = labels(v); !s.ok()) return s;
        ++row->label_fields;
        break;
      case Column::Role::kStart: row->start = v; row->start_col = &c; break;
      case Column::Role::kEnd: row->end = v; row->end_col = &c; break;
      case Column::Role::kType: row->type = v; break;
      case Column::Role::kIgnore: break;
      case Column::Role::kProperty: {
        if (v.empty() && !fields[i].quoted) break;  // an empty field: no property
        Value value;
        int column = fields[i].column;
        if (Status s = Convert(c, v, [&] { return reader.Where(column); }, &value); !s.ok()) return s;
        props->emplace_back(c.key, std::move(value));
        break;
      }
    }
  }
  Normalize(props);
  return Status::OK();
}

// Relationship rows on their way to the sink, with their end nodes as node
// ids or as file ids still to look up (Resolve). The lookups go in one pass
// over the batch, each prefetched a few rows ahead: the id maps are larger
// than the caches, and a lookup waiting for memory on every row would cost
// more than parsing it.
struct EdgeBatch {
  // An end of the relationships: where its file ids are looked up, and how
  // the errors name it.
  struct End {
    const IdMap* space = nullptr;
    std::string id_space;
  };
  struct Row {
    std::array<NodeId, 2> ends;  // 0 until looked up
    uint32_t type, props_at, props_size;
    int line;
    uint32_t ids_at = 0, from_size = 0, to_size = 0;  // the file ids in ids, when given
    std::array<uint64_t, 2> hashes{};
  };
  std::vector<Row> rows;
  std::vector<std::pair<uint32_t, Value>> props;
  std::string ids;
  size_t resolved = 0;  // rows before this one have their end nodes

  bool empty() const { return rows.empty(); }
  void clear() {
    rows.clear();
    props.clear();
    ids.clear();
    resolved = 0;
  }
  void Add(NodeId from, uint32_t type, NodeId to, storage::PropertyList* row_props, int line) {
    Push(type, row_props, line)->ends = {from, to};
  }
  void AddByFileIds(std::string_view from, uint32_t type, std::string_view to, storage::PropertyList* row_props,
                    int line) {
    Row* r = Push(type, row_props, line);
    r->ends = {0, 0};
    r->ids_at = static_cast<uint32_t>(ids.size());
    r->from_size = static_cast<uint32_t>(from.size());
    r->to_size = static_cast<uint32_t>(to.size());
    ids.append(from).append(to);
  }
  // Looks up the file ids of the rows not looked up yet; on an unknown one,
  // stops at its row (resolved) and returns its error. REQUIRES: both ends
  // have a space when a row was added by file ids.
  Status Resolve(const std::array<End, 2>& ends, const std::string& path) {
    constexpr size_t kAhead = 32;
    auto hash = [&](size_t i) {
      Row& r = rows[i];
      if (r.ends[0] != 0) return;
      for (int e = 0; e < 2; ++e) {
        r.hashes[e] = IdMap::Hash(FileId(r, e));
        ends[e].space->Prefetch(r.hashes[e]);
      }
    };
    for (size_t i = resolved; i < std::min(rows.size(), resolved + kAhead); ++i) hash(i);
    for (; resolved < rows.size(); ++resolved) {
      if (resolved + kAhead < rows.size()) hash(resolved + kAhead);
      Row& r = rows[resolved];
      if (r.ends[0] != 0) continue;
      for (int e = 0; e < 2; ++e) {
        std::string_view id = FileId(r, e);
        r.ends[e] = ends[e].space->Find(id, r.hashes[e]);
        if (r.ends[e] == 0) return UnknownNodeId(path + ":" + std::to_string(r.line) + ":1", e == 0, id, ends[e].id_space);
      }
    }
    return Status::OK();
  }
  // Hands the first count rows to sink, in order. REQUIRES: they were looked up.
  Status Write(GraphSink& sink, const std::string& path, size_t count) const {
    for (size_t i = 0; i < count; ++i) {
      const Row& r = rows[i];
      auto edge = sink.AddEdge(r.ends[0], r.type, r.ends[1], {props.data() + r.props_at, r.props_size});
      if (!edge.ok()) return WithWhere(edge.status(), path + ":" + std::to_string(r.line) + ":1");
    }
    return Status::OK();
  }

 private:
  Row* Push(uint32_t type, storage::PropertyList* row_props, int line) {
    Row& r = rows.emplace_back();
    r.type = type;
    r.props_at = static_cast<uint32_t>(props.size());
    r.props_size = static_cast<uint32_t>(row_props->size());
    r.line = line;
    for (auto& p : *row_props) props.push_back(std::move(p));
    return &r;
  }
  std::string_view FileId(const Row& r, int end) const {
    std::string_view all(ids);
    return end == 0 ? all.substr(r.ids_at, r.from_size) : all.substr(r.ids_at + r.from_size, r.to_size);
  }
};

// Relationship rows handed to the sink on a second thread, in batches and
// in file order, while the calling thread goes on parsing. The sink is used
// by one thread at a time: the parser does not touch it meanwhile. Rows
// given by file ids are looked up a batch at a time before it is handed on.
class EdgePipeline {
 public:
  EdgePipeline(GraphSink& sink, std::string path, EdgeBatch::End start, EdgeBatch::End end)
      : sink_(sink), path_(std::move(path)), ends_{std::move(start), std::move(end)},
        pipe_([this](EdgeBatch& b) { return b.Write(sink_, path_, b.rows.size()); }) {}

  // Returns the first error of the writing thread, if any.
  Status Add(NodeId from, uint32_t type, NodeId to, storage::PropertyList* props, int line) {
    pipe_.batch().Add(from, type, to, props, line);
    return Full();
  }
  // The same, with the end nodes as file ids looked up later; an unknown id
  // fails then, with the row's line. REQUIRES: both ends have a space.
  Status AddByFileIds(std::string_view from, uint32_t type, std::string_view to, storage::PropertyList* props,
                      int line) {
    pipe_.batch().AddByFileIds(from, type, to, props, line);
    return Full();
  }
  // Looks up the file ids of the rows added so far: returns the error of
  // the first row with an unknown one.
  Status Resolve() { return pipe_.batch().Resolve(ends_, path_); }
  // Writes what is left and waits for it.
  Status Close() {
    if (Status s = Resolve(); !s.ok()) return s;
    return pipe_.Close();
  }

 private:
  static constexpr size_t kBatch = 4096;
  Status Full() {
    if (pipe_.batch().rows.size() < kBatch) return Status::OK();
    if (Status s = Resolve(); !s.ok()) return s;
    return pipe_.Hand();
  }

  GraphSink& sink_;
  std::string path_;
  std::array<EdgeBatch::End, 2> ends_;
  BatchPipe<EdgeBatch> pipe_;  // last: its thread uses the members above
};

// The rows of a node file on their way to the sink: labels sorted and
// distinct, properties in key order, the file id to check and note.
struct NodeBatch {
  struct Row {
    uint32_t labels_at, labels_size, props_at, props_size, id_at, id_size;
    int line;
    uint64_t hash;  // the file id's, for the id map
  };
  std::vector<Row> rows;
  std::vector<uint32_t> labels;
  std::vector<std::pair<uint32_t, Value>> props;
  std::string ids;

  void clear() {
    rows.clear();
    labels.clear();
    props.clear();
    ids.clear();
  }
  void Add(std::string_view id, std::span<const uint32_t> row_labels, storage::PropertyList* row_props, int line) {
    rows.push_back({static_cast<uint32_t>(labels.size()), static_cast<uint32_t>(row_labels.size()),
                    static_cast<uint32_t>(props.size()), static_cast<uint32_t>(row_props->size()),
                    static_cast<uint32_t>(ids.size()), static_cast<uint32_t>(id.size()), line, IdMap::Hash(id)});
    labels.insert(labels.end(), row_labels.begin(), row_labels.end());
    for (auto& p : *row_props) props.push_back(std::move(p));
    ids.append(id);
  }
};

// The rows of a large CSV file parsed on several threads. The calling
// thread cuts the file into chunks at record ends and hands them to parser
// threads, which turn each into a batch of rows up to its first bad row; it
// then writes the batches itself, in file order, so the sink is used by
// that thread only. The load fails with the first bad row in file order,
// after the rows before it were written (so an error in writing an earlier
// row comes first). Memory stays within a few chunks.
template <class Batch>
class ParallelRows {
 public:
  // Parses the rows of a chunk into a batch; returns the error of the first
  // bad one, and in *good the number before it. Called by several threads
  // at once.
  using Parse = std::function<Status(CsvReader&, Batch*, size_t* good)>;
  // Writes the first good rows of a batch made from bytes of the file.
  using Write = std::function<Status(const Batch&, size_t good, uint64_t bytes)>;

  ParallelRows(std::string path, char delimiter, Parse parse, Write write, int threads)
      : path_(std::move(path)), delimiter_(delimiter), parse_(std::move(parse)), write_(std::move(write)),
        slots_(static_cast<size_t>(threads) + 2) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~ParallelRows() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  ParallelRows(const ParallelRows&) = delete;
  ParallelRows& operator=(const ParallelRows&) = delete;

  // Reads in from where it is (a record's start, on line first_line) to the
  // end. written(bytes) follows each chunk written.
  Status Run(std::istream& in, int first_line, const std::function<void(uint64_t)>& written) {
    std::string carry;  // the start of a record the last chunk cut off
    bool end = false;
    uint64_t done = 0;  // chunks written
    while (true) {
      while (!end && read_ - done < slots_.size()) {
        Slot& s = slots_[read_ % slots_.size()];
        std::string text = std::move(s.text);
        text.assign(carry);
        size_t cut = 0;
        // Until a record ends in the text, or the input does; a record
        // longer than a chunk doubles what is read, so its text is scanned
        // a few times, not once per chunk it spans.
        for (size_t more = kChunkBytes;; more *= 2) {
          size_t at = text.size();
          text.resize(at + more);
          in.read(text.data() + at, static_cast<std::streamsize>(more));
          text.resize(at + static_cast<size_t>(in.gcount()));
          if (in.bad()) return Status::IOError(path_ + ": reading the file failed");
          if (!in) {
            end = true;
            cut = text.size();
            break;
          }
          if ((cut = LastRecordEnd(text, delimiter_)) > 0) break;
        }
        carry.assign(text, cut);
        text.resize(cut);
        if (text.empty()) break;
        s.first_line = first_line;
        first_line += static_cast<int>(std::count(text.begin(), text.end(), '\n'));
        s.text = std::move(text);
        {
          std::lock_guard lock(mu_);
          s.parsed = false;
          ++read_;
        }
        cv_.notify_all();
      }
      if (done == read_) return Status::OK();
      Slot& s = slots_[done % slots_.size()];
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return s.parsed; });
      }
      Status status = write_(s.batch, s.good, s.bytes);
      if (status.ok()) status = s.error;
      if (!status.ok()) return status;
      written(s.bytes);
      s.batch.clear();  // no parser looks at it until it is read again
      ++done;
    }
  }

 private:
  static constexpr size_t kChunkBytes = 256 << 10;
  struct Slot {
    bool parsed = false;  // by a parser thread, since it was read
    std::string text;  // the chunk; kept for reuse once parsed
    int first_line = 0;
    uint64_t bytes = 0;
    Batch batch;
    size_t good = 0;  // rows before the first bad one
    Status error;
  };

  void Work() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || parsed_ < read_; });
      if (stop_) return;
      Slot& s = slots_[parsed_++ % slots_.size()];
      lock.unlock();
      s.bytes = s.text.size();
      CsvReader reader(std::move(s.text), path_, delimiter_, s.first_line);
      s.good = 0;
      s.error = parse_(reader, &s.batch, &s.good);
      s.text = reader.Release();
      lock.lock();
      s.parsed = true;
      cv_.notify_all();
    }
  }

  std::string path_;
  char delimiter_;
  Parse parse_;
  Write write_;
  std::vector<Slot> slots_;  // chunk i in slots_[i % size]
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t read_ = 0, parsed_ = 0;  // chunks read, and taken by a parser
  bool stop_ = false;
  std::vector<std::thread> threads_;  // last: they use the members above
};

}  // namespace

Status Importer::Bad(const Status& reason, const std::string& row) {
  if (options_.max_bad == 0) return reason;
  if (!rejects_.is_open()) {
    rejects_.open(stats_->rejects_path, std::ios::binary | std::ios::trunc);
    if (!rejects_) return Status::IOError(stats_->rejects_path + ": cannot write the rejects file");
  }
  rejects_ << "# " << reason.message() << "\n" << row << "\n";
  if (++stats_->rejected > options_.max_bad)
    return Status::InvalidArgument("more than " + std::to_string(options_.max_bad) + " bad rows (see " +
                                   stats_->rejects_path + "); the last: " + reason.message());
  return Status::OK();
}

void Importer::Progress(uint64_t bytes_in_file, bool force) {
  if (!options_.progress) return;
  if (!force && (stats_->rows & 0x1FFF) != 0) return;
  options_.progress(LoadProgress{stats_->rows, bytes_before_file_ + bytes_in_file, total_bytes_});
}

Result<const std::vector<uint32_t>*> Importer::LabelSet(std::string_view field) {
  if (auto it = label_sets_.find(field); it != label_sets_.end()) return &it->second;
  std::vector<uint32_t> ids;
  size_t start = 0;
  while (start <= field.size()) {
    size_t semi = field.find(';', start);
    std::string_view l = field.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start);
    if (!l.empty()) {
      auto id = sink_.Intern(DictKind::kLabel, l);
      if (!id.ok()) return id.status();
      ids.push_back(*id);
    }
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return &label_sets_.emplace(std::string(field), std::move(ids)).first->second;
}

Result<uint32_t> Importer::Type(std::string_view name) {
  if (last_type_ && last_type_->first == name) return last_type_->second;
  if (auto it = types_.find(name); it != types_.end()) {
    last_type_ = &*it;
    return it->second;
  }
  auto id = sink_.Intern(DictKind::kEdgeType, name);
  if (!id.ok()) return id.status();
  types_.emplace(std::string(name), *id);
  return *id;
}

Status Importer::Csv(const std::vector<LoadFile>& files) {
  struct Planned {
    LoadFile file;
    std::vector<Column> header;
    bool nodes;
    char delimiter;
  };
  std::vector<Planned> planned;
  for (const LoadFile& f : files) {
    std::ifstream in(f.path, std::ios::binary);
    if (!in) return Status::NotFound(f.path + ": cannot open the file");
    char delimiter = f.path.ends_with(".tsv") ? '\t' : ',';
    CsvReader reader(in, f.path, delimiter);
    std::vector<CsvReader::Field> fields;
    Status error;
    if (!reader.Next(&fields, &error)) return Status::InvalidArgument(f.path + ":1:1: the file is empty; expected a header line");
    if (!error.ok()) return error;
    Planned p{f, {}, false, delimiter};
    if (Status s = ParseHeader(fields, f.path, &p.header); !s.ok()) return s;
    bool has_id = false, has_start = false, has_end = false, has_type = false;
    for (const auto& c : p.header) {
      has_id |= c.role == Column::Role::kId;
      has_start |= c.role == Column::Role::kStart;
      has_end |= c.role == Column::Role::kEnd;
      has_type |= c.role == Column::Role::kType;
    }
    if (f.kind == LoadFile::Kind::kNodes) p.nodes = true;
    else if (f.kind == LoadFile::Kind::kRelationships) p.nodes = false;
    else if (has_start && has_end) p.nodes = false;
    else if (has_id) p.nodes = true;
    else
      return Status::InvalidArgument(f.path + ":1:1: the header has neither an :ID column (nodes) nor :START_ID and "
                                              ":END_ID columns (relationships)");
    if (p.nodes && !has_id) return Status::InvalidArgument(f.path + ":1:1: a node file needs an :ID column");
    if (!p.nodes && (!has_start || !has_end || !has_type))
      return Status::InvalidArgument(f.path + ":1:1: a relationship file needs :START_ID, :END_ID and :TYPE columns");
    planned.push_back(std::move(p));
  }
  std::stable_sort(planned.begin(), planned.end(), [](const Planned& a, const Planned& b) { return a.nodes > b.nodes; });

  // Large files are parsed on several threads (see ParallelRows) when the
  // sink may be used by another thread than the one making it (the parser
  // threads intern the names they find meanwhile, under names_mu) and the
  // first bad row fails the load.
  const int threads = static_cast<int>(std::min(std::thread::hardware_concurrency(), 4u));
  // The size of a file to parse so, or 0.
  auto parallel = [&](const LoadFile& file) -> uint64_t {
    if (!sink_.pipelined() || options_.max_bad != 0 || threads < 2) return 0;
    std::error_code ec;
    uint64_t size = std::filesystem::file_size(file.path, ec);
    return !ec && size >= kParallelFrom ? size : 0;
  };
  std::mutex names_mu;
  auto run_parallel = [&]<class Batch>(const Planned& p, const CsvReader& after_header,
                                       typename ParallelRows<Batch>::Parse parse,
                                       typename ParallelRows<Batch>::Write write) -> Status {
    std::ifstream in(p.file.path, std::ios::binary);
    uint64_t offset = after_header.bytes_read();
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in) return Status::IOError(p.file.path + ": cannot read the file");
    ParallelRows<Batch> rows(p.file.path, p.delimiter, std::move(parse), std::move(write), threads);
    Status s = rows.Run(in, after_header.next_line(), [&](uint64_t bytes) {
      offset += bytes;
      Progress(offset, true);
    });
    if (s.ok()) bytes_before_file_ += offset;
    return s;
  };
  auto blank = [](const std::vector<CsvReader::Field>& fields) {
    return fields.size() == 1 && fields[0].text.empty() && !fields[0].quoted;
  };
  // Relationship rows by file ids, looked up by the parser threads.
  auto parallel_edges = [&](const Planned& p, const CsvReader& after_header,
                            const std::array<EdgeBatch::End, 2>& ends) -> Status {
    auto parse = [&](CsvReader& reader, EdgeBatch* batch, size_t* good) -> Status {
      std::vector<CsvReader::Field> fields;
      Status error;
      storage::PropertyList props;
      RowParts row;
      std::string type_name;  // the type of the row before, and its id
      uint32_t type_id = 0;
      auto no_labels = [](std::string_view) { return Status::OK(); };
      while (reader.Next(&fields, &error)) {
        if (!error.ok()) break;
        if (blank(fields)) continue;
        if (error = SplitRow(p.header, fields, reader, no_labels, &row, &props); !error.ok()) break;
        if (row.type.empty()) {
          error = Status::InvalidArgument(reader.Where(1) + ": the :TYPE field is empty");
          break;
        }
        if (type_name.empty() || row.type != type_name) {
          std::lock_guard lock(names_mu);
          auto id = Type(row.type);
          if (!id.ok()) {
            error = id.status();
            break;
          }
          type_name = row.type;
          type_id = *id;
        }
        batch->AddByFileIds(row.start, type_id, row.end, &props, reader.record_line());
      }
      // An unknown id before the bad row is the first error.
      if (Status r = batch->Resolve(ends, p.file.path); !r.ok()) error = r;
      *good = batch->resolved;
      return error;
    };
    auto write = [&](const EdgeBatch& batch, size_t good, uint64_t) -> Status {
      if (Status s = batch.Write(sink_, p.file.path, good); !s.ok()) return s;
      stats_->rows += good;
      stats_->relationships += good;
      return Status::OK();
    };
    return run_parallel.template operator()<EdgeBatch>(p, after_header, parse, write);
  };
  // Node rows; their file ids are checked and noted as they are written.
  auto parallel_nodes = [&](const Planned& p, const CsvReader& after_header, uint64_t file_size) -> Status {
    auto parse = [&](CsvReader& reader, NodeBatch* batch, size_t* good) -> Status {
      std::vector<CsvReader::Field> fields;
      Status error;
      storage::PropertyList props;
      RowParts row;
      std::vector<uint32_t> labels;
      std::optional<std::string> last_field;  // the label field before, and its set
      std::vector<uint32_t> last_set;
      auto add_labels = [&](std::string_view field) -> Status {
        if (!last_field || field != *last_field) {
          std::lock_guard lock(names_mu);
          auto set = LabelSet(field);
          if (!set.ok()) return set.status();
          last_field = field;
          last_set = **set;
        }
        labels.insert(labels.end(), last_set.begin(), last_set.end());
        return Status::OK();
      };
      while (reader.Next(&fields, &error)) {
        if (!error.ok()) break;
        if (blank(fields)) continue;
        labels.clear();
        if (error = SplitRow(p.header, fields, reader, add_labels, &row, &props); !error.ok()) break;
        if (row.id.empty()) {
          error = Status::InvalidArgument(reader.Where(1) + ": the :ID field is empty");
          break;
        }
        if (row.label_fields > 1) {
          std::sort(labels.begin(), labels.end());
          labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
        }
        batch->Add(row.id, labels, &props, reader.record_line());
      }
      *good = batch->rows.size();
      return error;
    };
    const Column& id_col = *std::find_if(p.header.begin(), p.header.end(),
                                         [](const Column& c) { return c.role == Column::Role::kId; });
    IdMap& space = *id_col.space;
    bool reserved = false;
    auto write = [&](const NodeBatch& batch, size_t good, uint64_t bytes) -> Status {
      // The id map is sized once, for as many rows as the first chunk's
      // size says the file has: growing it step by step moves every id
      // several times.
      if (!reserved && good > 0 && bytes > 0) {
        reserved = true;
        space.Reserve(space.size() + file_size * good / bytes * 11 / 10);
      }
      // A load that fails drops every node it made: the node goes first,
      // and its id, looked up once, fails the row if it is taken (the same
      // error as before the node, were the sink to refuse the node too).
      constexpr size_t kAhead = 16;
      for (size_t i = 0; i < std::min(good, kAhead); ++i) space.Prefetch(batch.rows[i].hash);
      for (size_t i = 0; i < good; ++i) {
        if (i + kAhead < good) space.Prefetch(batch.rows[i + kAhead].hash);
        const NodeBatch::Row& r = batch.rows[i];
        std::string_view id(batch.ids.data() + r.id_at, r.id_size);
        auto node = sink_.AddNode({batch.labels.data() + r.labels_at, r.labels_size},
                                  {batch.props.data() + r.props_at, r.props_size});
        bool taken = node.ok() ? !space.Insert(id, r.hash, *node) : space.Find(id, r.hash) != 0;
        if (taken)
          return Status::InvalidArgument(p.file.path + ":" + std::to_string(r.line) + ":1: duplicate node id '" +
                                         std::string(id) + "'" +
                                         (id_col.id_space.empty() ? "" : " in id space " + id_col.id_space));
        if (!node.ok()) return WithWhere(node.status(), p.file.path + ":" + std::to_string(r.line) + ":1");
      }
      stats_->rows += good;
      stats_->nodes += good;
      return Status::OK();
    };
    return run_parallel.template operator()<NodeBatch>(p, after_header, parse, write);
  };

  for (Planned& p : planned) {
    for (Column& c : p.header)
      if (!c.name.empty() && (c.role == Column::Role::kProperty || c.role == Column::Role::kId)) {
        auto key = sink_.Intern(DictKind::kPropertyKey, c.name);
        if (!key.ok()) return key.status();
        c.key = *key;
      }
    // Id spaces are found once per file: a node file makes its own, a
    // relationship file uses those the node files made.
    for (Column& c : p.header) {
      if (p.nodes && c.role == Column::Role::kId) c.space = &ids_[c.id_space];
      if (c.role == Column::Role::kStart || c.role == Column::Role::kEnd)
        if (auto space = ids_.find(c.id_space); space != ids_.end()) c.space = &space->second;
    }
    std::ifstream in(p.file.path, std::ios::binary);
    CsvReader reader(in, p.file.path, p.delimiter);
    std::vector<CsvReader::Field> fields;
    Status error;
    reader.Next(&fields, &error);  // the header
    if (uint64_t size = p.nodes ? parallel(p.file) : 0) {
      if (Status s = parallel_nodes(p, reader, size); !s.ok()) return s;
      continue;
    }
    // Relationship rows go to the sink on a second thread when it allows.
    // A load that stops at the first bad row has their file ids looked up
    // a batch at a time (see EdgeBatch), and a large file parsed on several
    // threads; rejecting rows one by one needs each looked up as it is read.
    std::optional<EdgePipeline> pipeline;
    bool by_file_ids = false;
    if (!p.nodes && sink_.pipelined()) {
      std::array<EdgeBatch::End, 2> ends;
      bool labels = false;
      for (const Column& c : p.header) {
        if (c.role == Column::Role::kStart || c.role == Column::Role::kEnd)
          ends[c.role == Column::Role::kEnd] = {c.space, c.id_space};
        labels |= c.role == Column::Role::kLabel;  // interned as they come
      }
      by_file_ids = options_.max_bad == 0 && ends[0].space && ends[1].space;
      if (by_file_ids && !labels && parallel(p.file)) {
        if (Status s = parallel_edges(p, reader, ends); !s.ok()) return s;
        continue;
      }
      pipeline.emplace(sink_, p.file.path, std::move(ends[0]), std::move(ends[1]));
    }
    // A bad row, after the rows before it: their file ids are looked up
    // first, so the load fails at the first bad row of the file.
    auto bad = [&](const Status& reason) -> Status {
      if (pipeline)
        if (Status s = pipeline->Resolve(); !s.ok()) return s;
      return Bad(reason, CsvLine(fields));
    };
    std::vector<uint32_t> labels;
    auto add_labels = [&](std::string_view field) -> Status {
      auto set = LabelSet(field);
      if (!set.ok()) return set.status();
      labels.insert(labels.end(), (*set)->begin(), (*set)->end());
      return Status::OK();
    };
    storage::PropertyList props;
    RowParts row;
    while (reader.Next(&fields, &error)) {
      if (!error.ok()) {
        if (Status s = bad(error); !s.ok()) return s;
        error = Status::OK();
        continue;
      }
      if (blank(fields)) continue;
      ++stats_->rows;
      Status row_error = [&]() -> Status {
        labels.clear();
        if (Status s = SplitRow(p.header, fields, reader, add_labels, &row, &props); !s.ok()) return s;
        if (p.nodes) {
          if (row.id.empty()) return Status::InvalidArgument(reader.Where(1) + ": the :ID field is empty");
          if (row.label_fields > 1) {
            std::sort(labels.begin(), labels.end());
            labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
          }
          IdMap& space = *row.id_col->space;
          if (space.Find(row.id) != 0)
            return Status::InvalidArgument(reader.Where(1) + ": duplicate node id '" + std::string(row.id) + "'" +
                                           (row.id_col->id_space.empty() ? "" : " in id space " + row.id_col->id_space));
          auto node = sink_.AddNode(labels, props);
          if (!node.ok()) return WithWhere(node.status(), reader.Where(1));
          space.Insert(row.id, *node);
          ++stats_->nodes;
        } else {
          if (row.type.empty()) return Status::InvalidArgument(reader.Where(1) + ": the :TYPE field is empty");
          auto type_id = Type(row.type);
          if (!type_id.ok()) return type_id.status();
          if (by_file_ids) {
            if (Status s = pipeline->AddByFileIds(row.start, *type_id, row.end, &props, reader.record_line()); !s.ok())
              return Status(StatusCode::kAborted, s.message());
            ++stats_->relationships;
            return Status::OK();
          }
          NodeId from = row.start_col->space ? row.start_col->space->Find(row.start) : 0;
          NodeId to = row.end_col->space ? row.end_col->space->Find(row.end) : 0;
          if (from == 0 || to == 0) {
            const Column* c = from == 0 ? row.start_col : row.end_col;
            return UnknownNodeId(reader.Where(1), from == 0, from == 0 ? row.start : row.end, c->id_space);
          }
          if (pipeline) {
            // Errors of the writing thread are not the row's: they fail the load.
            if (Status s = pipeline->Add(from, *type_id, to, &props, reader.record_line()); !s.ok())
              return Status(StatusCode::kAborted, s.message());
          } else {
            auto edge = sink_.AddEdge(from, *type_id, to, props);
            if (!edge.ok()) return WithWhere(edge.status(), reader.Where(1));
          }
          ++stats_->relationships;
        }
        return Status::OK();
      }();
      if (row_error.code() == StatusCode::kAborted) return Status::InvalidArgument(row_error.message());
      if (!row_error.ok())
        if (Status s = bad(row_error); !s.ok()) return s;
      if ((stats_->rows & 0x1FFF) == 0) Progress(reader.bytes_read());
    }
    if (!error.ok())
      if (Status s = bad(error); !s.ok()) return s;
    if (pipeline)
      if (Status s = pipeline->Close(); !s.ok()) return s;
    bytes_before_file_ += reader.bytes_read();
  }
  Progress(0, true);
  return Status::OK();
}

Status Importer::Jsonl(const LoadFile& file) {
  std::ifstream in(file.path, std::ios::binary);
  if (!in) return Status::NotFound(file.path + ": cannot open the file");
  auto& ids = ids_["\x01jsonl:" + file.path];
  // Relationships may come before the nodes they join. Those wait, as
  // their line number and text, in an anonymous temporary file (memory
  // stays bounded), and load at the end of the file.
  struct Pending {
    int line;
    std::string raw;
    Value object;
  };
  std::unique_ptr<FILE, int (*)(FILE*)> later(nullptr, &std::fclose);
  uint64_t later_count = 0;
  auto wait = [&](int number, const std::string& raw) -> Status {
    if (!later) later.reset(std::tmpfile());
    uint64_t size = raw.size();
    if (!later || std::fwrite(&number, sizeof number, 1, later.get()) != 1 ||
        std::fwrite(&size, sizeof size, 1, later.get()) != 1 ||
        std::fwrite(raw.data(), 1, raw.size(), later.get()) != raw.size())
      return Status(StatusCode::kAborted,  // not the row's fault: fails the load
                    file.path + ": cannot write a temporary file for relationships that name later nodes");
    ++later_count;
    return Status::OK();
  };
  std::string line;
  int number = 0;
  uint64_t bytes = 0;
  auto where = [&](int n) { return file.path + ":" + std::to_string(n); };
  auto id_text = [](const Value& v) -> std::string {
    if (v.is_string()) return v.as_string();
    if (v.is_int()) return std::to_string(v.as_int());
    return "";
  };
  auto properties = [&](const ValueMap& m, int n, Properties* out) -> Status {
    const Value* p = ObjectField(m, "properties");
    if (!p || p->is_null()) return Status::OK();
    if (!p->is_map()) return Status::InvalidArgument(where(n) + ": \"properties\" must be an object");
    for (const auto& [k, v] : p->as_map()) {
      if (v.is_null()) continue;
      (*out)[k] = v;
    }
    return Status::OK();
  };
  auto relationship = [&](const Pending& r) -> Status {
    const ValueMap& m = r.object.as_map();
    const Value* type = ObjectField(m, "label");
    if (!type || !type->is_string() || type->as_string().empty())
      return Status::InvalidArgument(where(r.line) + ": a relationship needs a \"label\" (its type) string");
    NodeId ends[2];
    const char* names[2] = {"start", "end"};
    for (int i = 0; i < 2; ++i) {
      const Value* e = ObjectField(m, names[i]);
      const Value* id = e && e->is_map() ? ObjectField(e->as_map(), "id") : nullptr;
      if (!id) return Status::InvalidArgument(where(r.line) + ": a relationship needs \"" + names[i] + "\": {\"id\": ...}");
      ends[i] = ids.Find(id_text(*id));
      if (ends[i] == 0)
        return Status::InvalidArgument(where(r.line) + ": unknown " + names[i] + " node id " + id->ToString());
    }
    Properties props;
    if (Status s = properties(m, r.line, &props); !s.ok()) return s;
    auto edge = sink_.CreateEdge(ends[0], type->as_string(), ends[1], props);
    if (!edge.ok()) return WithWhere(edge.status(), where(r.line));
    ++stats_->relationships;
    return Status::OK();
  };
  bool data_seen = false;
  while (std::getline(in, line)) {
    ++number;
    bytes += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++stats_->rows;
    Status row_error = [&]() -> Status {
      auto parsed = ParseJson(line);
      if (!parsed.ok()) return Status::InvalidArgument(where(number) + ": " + parsed.status().message());
      if (!parsed->is_map()) return Status::InvalidArgument(where(number) + ":1: expected a JSON object");
      const ValueMap& m = parsed->as_map();
      const Value* kind = ObjectField(m, "type");
      if (!kind || !kind->is_string())
        return Status::InvalidArgument(where(number) + ": expected \"type\": \"node\" or \"relationship\"");
      if (kind->as_string() == "index" || kind->as_string() == "constraint" || kind->as_string() == "fulltext") {
        // Made before the load (SchemaLines); they lead the file.
        if (data_seen)
          return Status::InvalidArgument(where(number) + ": an " + kind->as_string() +
                                         " line after data lines; indexes and constraints come first");
        return Status::OK();
      }
      data_seen = true;
      if (kind->as_string() == "relationship") {
        // Exports list nodes first, so most relationships load at once;
        // one naming a node not seen yet waits for the end of the file.
        Pending r{number, line, std::move(*parsed)};
        auto known = [&](const char* end) {
          const Value* e = ObjectField(r.object.as_map(), end);
          const Value* id = e && e->is_map() ? ObjectField(e->as_map(), "id") : nullptr;
          return id && ids.Find(id_text(*id)) != 0;
        };
        if (known("start") && known("end")) return relationship(r);
        return wait(number, line);
      }
      if (kind->as_string() != "node")
        return Status::InvalidArgument(where(number) + ": unknown \"type\" " + kind->ToString() +
                                       "; expected \"node\" or \"relationship\"");
      const Value* id = ObjectField(m, "id");
      if (!id || id_text(*id).empty())
        return Status::InvalidArgument(where(number) + ": a node needs an \"id\" (a string or an integer)");
      std::vector<std::string> labels;
      if (const Value* l = ObjectField(m, "labels"); l && !l->is_null()) {
        if (!l->is_list()) return Status::InvalidArgument(where(number) + ": \"labels\" must be a list of strings");
        for (const Value& x : l->as_list()) {
          if (!x.is_string()) return Status::InvalidArgument(where(number) + ": \"labels\" must be a list of strings");
          labels.push_back(x.as_string());
        }
      }
      Properties props;
      if (Status s = properties(m, number, &props); !s.ok()) return s;
      std::string key = id_text(*id);
      if (ids.Find(key)) return Status::InvalidArgument(where(number) + ": duplicate node id " + id->ToString());
      auto node = sink_.CreateNode(labels, props);
      if (!node.ok()) return WithWhere(node.status(), where(number));
      ids.Insert(key, *node);
      ++stats_->nodes;
      return Status::OK();
    }();
    if (row_error.code() == StatusCode::kAborted) return Status::IOError(row_error.message());
    if (!row_error.ok())
      if (Status s = Bad(row_error, line); !s.ok()) return s;
    Progress(bytes);
  }
  if (later) std::rewind(later.get());
  for (uint64_t i = 0; i < later_count; ++i) {
    Pending r;
    uint64_t size = 0;
    if (std::fread(&r.line, sizeof r.line, 1, later.get()) != 1 || std::fread(&size, sizeof size, 1, later.get()) != 1)
      return Status::IOError(file.path + ": cannot read back the temporary file of waiting relationships");
    r.raw.resize(size);
    if (std::fread(r.raw.data(), 1, size, later.get()) != size)
      return Status::IOError(file.path + ": cannot read back the temporary file of waiting relationships");
    r.object = *ParseJson(r.raw);  // it parsed when it was read the first time
    if (Status e = relationship(r); !e.ok())
      if (Status s = Bad(e, r.raw); !s.ok()) return s;
  }
  bytes_before_file_ += bytes;
  Progress(0, true);
  return Status::OK();
}

Status SchemaLines(const std::string& path, std::vector<IndexSpec>* specs, std::vector<FullTextIndexSpec>* fulltext) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open the file");
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto parsed = ParseJson(line);
    if (!parsed.ok() || !parsed->is_map()) return Status::OK();  // the importer says what is wrong
    const ValueMap& m = parsed->as_map();
    auto field = [&](const char* name) { return ObjectField(m, name); };
    const Value* kind = field("type");
    if (kind && kind->is_string() && kind->as_string() == "fulltext") {
      FullTextIndexSpec spec;
      const Value* name = field("name");
      const Value* entity = field("entityType");
      const Value* analyzer = field("analyzer");
      auto strings = [&](const char* key, std::vector<std::string>* out) {
        const Value* v = field(key);
        if (!v || !v->is_list() || v->as_list().empty()) return false;
        for (const Value& e : v->as_list()) {
          if (!e.is_string()) return false;
          out->push_back(e.as_string());
        }
        return true;
      };
      if (!name || !name->is_string() || !strings("labelsOrTypes", &spec.labels) ||
          !strings("properties", &spec.properties) || (entity && !entity->is_string()) ||
          (analyzer && !analyzer->is_string()))
        return Status::InvalidArgument(path + ":" + std::to_string(number) +
                                       ": a fulltext line needs \"name\", non-empty \"labelsOrTypes\" and "
                                       "\"properties\" lists of strings (and \"entityType\" and \"analyzer\" strings, if any)");
      spec.name = name->as_string();
      spec.relationships = entity && entity->as_string() == "RELATIONSHIP";
      if (analyzer) spec.analyzer = analyzer->as_string();
      spec.if_not_exists = true;
      fulltext->push_back(std::move(spec));
      continue;
    }
    if (!kind || !kind->is_string() || (kind->as_string() != "index" && kind->as_string() != "constraint"))
      return Status::OK();
    const Value* label = field("label");
    const Value* property = field("property");
    const Value* name = field("name");
    if (!label || !label->is_string() || !property || !property->is_string() || (name && !name->is_string()))
      return Status::InvalidArgument(path + ":" + std::to_string(number) + ": an " + kind->as_string() +
                                     " needs \"label\" and \"property\" strings (and \"name\", a string, if any)");
    specs->push_back({.label = label->as_string(),
                      .property = property->as_string(),
                      .name = name ? name->as_string() : std::string(),
                      .unique = kind->as_string() == "constraint",
                      .if_not_exists = true});
  }
  return Status::OK();
}

Status LoadData(Database& db, const std::vector<LoadFile>& csv, const std::vector<LoadFile>& jsonl,
                const LoadOptions& options, uint64_t total_bytes, LoadStats* stats) {
  const std::string& first = csv.empty() ? jsonl.front().path : csv.front().path;
  stats->rejects_path = options.rejects_path.empty() ? first + ".rejects" : options.rejects_path;
  constexpr uint64_t kBulkFrom = 4 << 20;
  stats->bulk = options.method == LoadOptions::Method::kBulk ||
                (options.method == LoadOptions::Method::kAuto && total_bytes >= kBulkFrom);
  std::unique_ptr<GraphSink> sink;
  if (stats->bulk) {
    sink = std::make_unique<BulkWriter>(internal::Access::Of(db).store);
  } else {
    auto txn = db.Begin();
    if (!txn.ok()) return txn.status();
    sink = std::make_unique<TransactionSink>(std::move(*txn));
  }
  Importer importer(*sink, options, stats, total_bytes);
  Status result;
  if (!csv.empty()) result = importer.Csv(csv);
  for (const LoadFile& f : jsonl)
    if (result.ok()) result = importer.Jsonl(f);
  if (result.ok()) result = sink->Finish();
  if (stats->rejected == 0) stats->rejects_path.clear();
  return result;
}

}  // namespace kg::graph
