#include "graph/import.h"

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>

#include "graph/csv.h"
#include "kg/json.h"

namespace kg::graph {
namespace {

struct Column {
  enum class Role { kProperty, kId, kLabel, kStart, kEnd, kType, kIgnore } role = Role::kProperty;
  std::string name;  // property name (kProperty, or kId with a name)
  std::string type = "string";
  bool array = false;
  std::string id_space;
};

Status ParseHeader(const std::vector<CsvReader::Field>& fields, const std::string& path, std::vector<Column>* out) {
  for (const auto& field : fields) {
    const std::string& f = field.text;
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
      static const char* kTypes[] = {"string", "int", "long", "short", "byte", "float", "double", "boolean"};
      bool known = false;
      for (const char* k : kTypes) known |= t == k;
      if (!known)
        return Status::InvalidArgument(where + ": unknown type '" + type + "' in header field '" + f +
                                       "' (expected string, int, long, float, double or boolean, optionally with [])");
      c.type = t;
    }
    out->push_back(std::move(c));
  }
  return Status::OK();
}

Status Convert(const Column& c, const std::string& text, const std::string& where, Value* out) {
  auto one = [&](const std::string& s, Value* v) -> Status {
    const std::string& t = c.type;
    if (t == "string") {
      *v = Value(s);
    } else if (t == "int" || t == "long" || t == "short" || t == "byte") {
      char* end = nullptr;
      errno = 0;
      long long n = std::strtoll(s.c_str(), &end, 10);
      if (s.empty() || *end != '\0' || errno == ERANGE)
        return Status::InvalidArgument(where + ": '" + s + "' in column " + c.name + " is not an integer");
      *v = Value(static_cast<int64_t>(n));
    } else if (t == "float" || t == "double") {
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0')
        return Status::InvalidArgument(where + ": '" + s + "' in column " + c.name + " is not a number");
      *v = Value(d);
    } else {
      if (s == "true" || s == "TRUE" || s == "True") *v = Value(true);
      else if (s == "false" || s == "FALSE" || s == "False") *v = Value(false);
      else return Status::InvalidArgument(where + ": '" + s + "' in column " + c.name + " is not true or false");
    }
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

// Relationship rows handed to the sink on a second thread, in batches and
// in file order, while the calling thread goes on parsing. The sink is used
// by one thread at a time: the parser does not touch it meanwhile.
class EdgePipeline {
 public:
  struct Row {
    NodeId from, to;
    std::string type;
    Properties props;
    int line;
  };
  EdgePipeline(GraphSink& sink, std::string path) : sink_(sink), path_(std::move(path)) {
    thread_ = std::thread([this] { Work(); });
  }
  ~EdgePipeline() { (void)Close(); }

  // The first error of the writing thread, if any.
  Status Add(Row row) {
    batch_.push_back(std::move(row));
    return batch_.size() >= kBatch ? Hand() : Status::OK();
  }
  // Writes what is left and waits for it.
  Status Close() {
    Status s = Hand();
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    return s.ok() ? status_ : s;
  }

 private:
  static constexpr size_t kBatch = 2048;

  Status Hand() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !full_; });
    if (!status_.ok() || batch_.empty()) return status_;
    std::swap(pending_, batch_);
    batch_.clear();
    full_ = true;
    cv_.notify_all();
    return Status::OK();
  }
  void Work() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return full_ || stop_; });
      if (!full_) return;
      std::vector<Row> work = std::move(pending_);
      pending_.clear();
      lock.unlock();
      Status s;
      for (const Row& r : work) {
        auto edge = sink_.CreateEdge(r.from, r.type, r.to, r.props);
        if (!edge.ok()) {
          s = WithWhere(edge.status(), path_ + ":" + std::to_string(r.line) + ":1");
          break;
        }
      }
      lock.lock();
      if (!s.ok() && status_.ok()) status_ = s;
      full_ = false;
      cv_.notify_all();
    }
  }

  GraphSink& sink_;
  std::string path_;
  std::vector<Row> batch_, pending_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool full_ = false, stop_ = false;
  Status status_;
  std::thread thread_;
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

  for (const Planned& p : planned) {
    // Relationship rows go to the sink on a second thread when it allows.
    std::optional<EdgePipeline> pipeline;
    if (!p.nodes && txn_.pipelined()) pipeline.emplace(txn_, p.file.path);
    std::ifstream in(p.file.path, std::ios::binary);
    CsvReader reader(in, p.file.path, p.delimiter);
    std::vector<CsvReader::Field> fields;
    Status error;
    reader.Next(&fields, &error);  // the header
    std::vector<std::string> labels;
    Properties props;
    while (reader.Next(&fields, &error)) {
      if (!error.ok()) {
        if (Status s = Bad(error, CsvLine(fields)); !s.ok()) return s;
        error = Status::OK();
        continue;
      }
      if (fields.size() == 1 && fields[0].text.empty() && !fields[0].quoted) continue;  // a blank line
      ++stats_->rows;
      Status row_error = [&]() -> Status {
        if (fields.size() != p.header.size())
          return Status::InvalidArgument(reader.Where(1) + ": " + std::to_string(fields.size()) +
                                         " fields, but the header has " + std::to_string(p.header.size()));
        labels.clear();
        props.clear();
        std::string_view id, start_id, end_id, type;
        const Column *id_col = nullptr, *start_col = nullptr, *end_col = nullptr;
        for (size_t i = 0; i < fields.size(); ++i) {
          const Column& c = p.header[i];
          const std::string& v = fields[i].text;
          switch (c.role) {
            case Column::Role::kId:
              id = v;
              id_col = &c;
              if (!c.name.empty() && !v.empty()) props[c.name] = Value(v);
              break;
            case Column::Role::kLabel: {
              size_t start = 0;
              while (start <= v.size()) {
                size_t semi = v.find(';', start);
                std::string l = v.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
                if (!l.empty()) labels.push_back(std::move(l));
                if (semi == std::string::npos) break;
                start = semi + 1;
              }
              break;
            }
            case Column::Role::kStart: start_id = v; start_col = &c; break;
            case Column::Role::kEnd: end_id = v; end_col = &c; break;
            case Column::Role::kType: type = v; break;
            case Column::Role::kIgnore: break;
            case Column::Role::kProperty: {
              if (v.empty() && !fields[i].quoted) break;  // an empty field: no property
              Value value;
              if (Status s = Convert(c, v, reader.Where(fields[i].column), &value); !s.ok()) return s;
              props[c.name] = std::move(value);
              break;
            }
          }
        }
        if (p.nodes) {
          if (id.empty()) return Status::InvalidArgument(reader.Where(1) + ": the :ID field is empty");
          auto& space = ids_[id_col->id_space];
          if (space.Find(id) != 0)
            return Status::InvalidArgument(reader.Where(1) + ": duplicate node id '" + std::string(id) + "'" +
                                           (id_col->id_space.empty() ? "" : " in id space " + id_col->id_space));
          auto node = txn_.CreateNode(labels, props);
          if (!node.ok()) return WithWhere(node.status(), reader.Where(1));
          space.Insert(id, *node);
          ++stats_->nodes;
        } else {
          if (type.empty()) return Status::InvalidArgument(reader.Where(1) + ": the :TYPE field is empty");
          auto find = [&](const Column* c, std::string_view key, const char* what) -> Result<NodeId> {
            auto space = ids_.find(c->id_space);
            if (space != ids_.end())
              if (NodeId n = space->second.Find(key)) return n;
            return Status::InvalidArgument(reader.Where(1) + ": unknown " + what + " node id '" + std::string(key) + "'" +
                                           (c->id_space.empty() ? "" : " in id space " + c->id_space));
          };
          auto from = find(start_col, start_id, "start");
          if (!from.ok()) return from.status();
          auto to = find(end_col, end_id, "end");
          if (!to.ok()) return to.status();
          if (pipeline) {
            // Errors of the writing thread are not the row's: they fail the load.
            if (Status s = pipeline->Add({*from, *to, std::string(type), std::move(props), reader.record_line()}); !s.ok())
              return Status(StatusCode::kAborted, s.message());
          } else {
            auto edge = txn_.CreateEdge(*from, type, *to, props);
            if (!edge.ok()) return WithWhere(edge.status(), reader.Where(1));
          }
          ++stats_->relationships;
        }
        return Status::OK();
      }();
      if (row_error.code() == StatusCode::kAborted) return Status::InvalidArgument(row_error.message());
      if (!row_error.ok())
        if (Status s = Bad(row_error, CsvLine(fields)); !s.ok()) return s;
      Progress(reader.bytes_read());
    }
    if (!error.ok())
      if (Status s = Bad(error, CsvLine(fields)); !s.ok()) return s;
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
  // Relationships may come before the nodes they join: remember them.
  struct Pending {
    int line;
    std::string raw;
    Value object;
  };
  std::vector<Pending> later;
  std::string line;
  int number = 0;
  uint64_t bytes = 0;
  auto where = [&](int n) { return file.path + ":" + std::to_string(n); };
  auto object_field = [](const ValueMap& m, const char* key) -> const Value* {
    auto it = m.find(key);
    return it == m.end() ? nullptr : &it->second;
  };
  auto id_text = [](const Value& v) -> std::string {
    if (v.is_string()) return v.as_string();
    if (v.is_int()) return std::to_string(v.as_int());
    return "";
  };
  auto properties = [&](const ValueMap& m, int n, Properties* out) -> Status {
    const Value* p = object_field(m, "properties");
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
    const Value* type = object_field(m, "label");
    if (!type || !type->is_string() || type->as_string().empty())
      return Status::InvalidArgument(where(r.line) + ": a relationship needs a \"label\" (its type) string");
    NodeId ends[2];
    const char* names[2] = {"start", "end"};
    for (int i = 0; i < 2; ++i) {
      const Value* e = object_field(m, names[i]);
      const Value* id = e && e->is_map() ? object_field(e->as_map(), "id") : nullptr;
      if (!id) return Status::InvalidArgument(where(r.line) + ": a relationship needs \"" + names[i] + "\": {\"id\": ...}");
      ends[i] = ids.Find(id_text(*id));
      if (ends[i] == 0)
        return Status::InvalidArgument(where(r.line) + ": unknown " + names[i] + " node id " + id->ToString());
    }
    Properties props;
    if (Status s = properties(m, r.line, &props); !s.ok()) return s;
    auto edge = txn_.CreateEdge(ends[0], type->as_string(), ends[1], props);
    if (!edge.ok()) return WithWhere(edge.status(), where(r.line));
    ++stats_->relationships;
    return Status::OK();
  };
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
      const Value* kind = object_field(m, "type");
      if (!kind || !kind->is_string())
        return Status::InvalidArgument(where(number) + ": expected \"type\": \"node\" or \"relationship\"");
      if (kind->as_string() == "relationship") {
        // Exports list nodes first, so most relationships load at once;
        // one naming a node not seen yet waits for the end of the file.
        Pending r{number, line, std::move(*parsed)};
        auto known = [&](const char* end) {
          const Value* e = object_field(r.object.as_map(), end);
          const Value* id = e && e->is_map() ? object_field(e->as_map(), "id") : nullptr;
          return id && ids.Find(id_text(*id)) != 0;
        };
        if (known("start") && known("end")) return relationship(r);
        later.push_back(std::move(r));
        return Status::OK();
      }
      if (kind->as_string() != "node")
        return Status::InvalidArgument(where(number) + ": unknown \"type\" " + kind->ToString() +
                                       "; expected \"node\" or \"relationship\"");
      const Value* id = object_field(m, "id");
      if (!id || id_text(*id).empty())
        return Status::InvalidArgument(where(number) + ": a node needs an \"id\" (a string or an integer)");
      std::vector<std::string> labels;
      if (const Value* l = object_field(m, "labels"); l && !l->is_null()) {
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
      auto node = txn_.CreateNode(labels, props);
      if (!node.ok()) return WithWhere(node.status(), where(number));
      ids.Insert(key, *node);
      ++stats_->nodes;
      return Status::OK();
    }();
    if (!row_error.ok())
      if (Status s = Bad(row_error, line); !s.ok()) return s;
    Progress(bytes);
  }
  for (const Pending& r : later) {
    if (Status e = relationship(r); !e.ok())
      if (Status s = Bad(e, r.raw); !s.ok()) return s;
  }
  bytes_before_file_ += bytes;
  Progress(0, true);
  return Status::OK();
}

}  // namespace kg::graph
