#include "cli/csv_loader.h"

#include <chrono>
#include <fstream>
#include <unordered_map>

namespace kg::cli {
namespace {

// RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines.
class CsvReader {
 public:
  CsvReader(std::istream& in, std::string path) : in_(in), path_(std::move(path)) {}

  // Reads the next record; false at the end of the file. Sets *error on a
  // malformed record.
  bool Next(std::vector<std::string>* fields, std::vector<int>* columns, Status* error) {
    fields->clear();
    columns->clear();
    record_line_ = line_ + 1;
    std::string line;
    if (!std::getline(in_, line)) return false;
    ++line_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string field;
    bool quoted = false, in_quotes = false;
    size_t i = 0;
    int column = 1;
    columns->push_back(1);
    while (true) {
      if (i >= line.size()) {
        if (in_quotes) {  // a newline inside a quoted field
          std::string more;
          if (!std::getline(in_, more)) {
            *error = Status::InvalidArgument(Where(column) + ": unterminated quoted field");
            return true;
          }
          ++line_;
          if (!more.empty() && more.back() == '\r') more.pop_back();
          field.push_back('\n');
          line = std::move(more);
          i = 0;
          continue;
        }
        fields->push_back(std::move(field));
        return true;
      }
      char c = line[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          in_quotes = false;
          ++i;
          if (i < line.size() && line[i] != ',') {
            *error = Status::InvalidArgument(Where(static_cast<int>(i) + 1) + ": unexpected '" + line[i] +
                                             "' after a closing quote; expected ',' or the end of the line");
            return true;
          }
          continue;
        }
        field.push_back(c);
        ++i;
        continue;
      }
      if (c == '"' && field.empty() && !quoted) {
        quoted = in_quotes = true;
        ++i;
        continue;
      }
      if (c == ',') {
        fields->push_back(std::move(field));
        field.clear();
        quoted = false;
        ++i;
        columns->push_back(static_cast<int>(i) + 1);
        continue;
      }
      field.push_back(c);
      ++i;
    }
  }

  std::string Where(int column) const {
    return path_ + ":" + std::to_string(record_line_) + ":" + std::to_string(column);
  }
  int record_line() const { return record_line_; }

 private:
  std::istream& in_;
  std::string path_;
  int line_ = 0;
  int record_line_ = 0;
};

struct Column {
  enum class Role { kProperty, kId, kLabel, kStart, kEnd, kType, kIgnore } role = Role::kProperty;
  std::string name;        // property name (kProperty, or kId with a name)
  std::string type = "string";
  bool array = false;
  std::string id_space;
};

Status ParseHeader(const std::vector<std::string>& fields, const std::string& path, std::vector<Column>* out) {
  for (const std::string& f : fields) {
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
    if (upper == "ID") c.role = Column::Role::kId;
    else if (upper == "LABEL") c.role = Column::Role::kLabel;
    else if (upper == "START_ID") c.role = Column::Role::kStart;
    else if (upper == "END_ID") c.role = Column::Role::kEnd;
    else if (upper == "TYPE") c.role = Column::Role::kType;
    else if (upper == "IGNORE") c.role = Column::Role::kIgnore;
    else {
      if (name.empty()) return Status::InvalidArgument(path + ":1: header field '" + f + "' has no name");
      std::string t = type.empty() ? "string" : type;
      for (char& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (t.size() > 2 && t.ends_with("[]")) {
        c.array = true;
        t.resize(t.size() - 2);
      }
      static const char* kTypes[] = {"string", "int", "long", "short", "byte", "float", "double", "boolean"};
      bool known = false;
      for (const char* k : kTypes) known |= t == k;
      if (!known) return Status::InvalidArgument(path + ":1: unknown type '" + type + "' in header field '" + f + "'");
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
  ValueList list;
  size_t start = 0;
  while (true) {
    size_t semi = text.find(';', start);
    Value v;
    if (Status s = one(text.substr(start, semi == std::string::npos ? std::string::npos : semi - start), &v); !s.ok())
      return s;
    list.push_back(std::move(v));
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  *out = Value(std::move(list));
  return Status::OK();
}

}  // namespace

Status LoadCsv(Database& db, const std::vector<LoadFile>& files, LoadStats* stats,
               const std::function<void(uint64_t)>& progress) {
  auto started = std::chrono::steady_clock::now();
  // Sort: node files first.
  struct Planned {
    LoadFile file;
    std::vector<Column> header;
    bool nodes;
  };
  std::vector<Planned> planned;
  for (const LoadFile& f : files) {
    std::ifstream in(f.path, std::ios::binary);
    if (!in) return Status::NotFound(f.path + ": cannot open the file");
    CsvReader reader(in, f.path);
    std::vector<std::string> fields;
    std::vector<int> columns;
    Status error;
    if (!reader.Next(&fields, &columns, &error)) return Status::InvalidArgument(f.path + ":1: the file is empty");
    if (!error.ok()) return error;
    Planned p{f, {}, false};
    if (Status s = ParseHeader(fields, f.path, &p.header); !s.ok()) return s;
    bool has_id = false, has_start = false, has_end = false;
    for (const auto& c : p.header) {
      has_id |= c.role == Column::Role::kId;
      has_start |= c.role == Column::Role::kStart;
      has_end |= c.role == Column::Role::kEnd;
    }
    if (f.kind == LoadFile::Kind::kNodes) p.nodes = true;
    else if (f.kind == LoadFile::Kind::kRelationships) p.nodes = false;
    else if (has_start && has_end) p.nodes = false;
    else if (has_id) p.nodes = true;
    else
      return Status::InvalidArgument(f.path + ":1: the header has neither an :ID column (nodes) nor :START_ID and "
                                               ":END_ID columns (relationships)");
    if (!p.nodes && (!has_start || !has_end))
      return Status::InvalidArgument(f.path + ":1: a relationship file needs :START_ID and :END_ID columns");
    planned.push_back(std::move(p));
  }
  std::stable_sort(planned.begin(), planned.end(), [](const Planned& a, const Planned& b) { return a.nodes > b.nodes; });

  auto txn = db.Begin();
  if (!txn.ok()) return txn.status();
  std::unordered_map<std::string, std::unordered_map<std::string, NodeId>> ids;  // id space -> id -> node
  uint64_t rows = 0;
  for (const Planned& p : planned) {
    std::ifstream in(p.file.path, std::ios::binary);
    CsvReader reader(in, p.file.path);
    std::vector<std::string> fields;
    std::vector<int> columns;
    Status error;
    reader.Next(&fields, &columns, &error);  // header
    while (reader.Next(&fields, &columns, &error)) {
      if (!error.ok()) return error;
      if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
      if (fields.size() != p.header.size())
        return Status::InvalidArgument(reader.Where(1) + ": " + std::to_string(fields.size()) + " fields, but the header has " +
                                       std::to_string(p.header.size()));
      std::vector<std::string> labels;
      Properties props;
      std::string id, start_id, end_id, type;
      const Column* id_col = nullptr;
      const Column *start_col = nullptr, *end_col = nullptr;
      for (size_t i = 0; i < fields.size(); ++i) {
        const Column& c = p.header[i];
        const std::string& v = fields[i];
        std::string where = reader.Where(columns[i]);
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
              if (!l.empty()) labels.push_back(l);
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
            if (v.empty()) break;  // empty field: no property
            Value value;
            if (Status s = Convert(c, v, where, &value); !s.ok()) return s;
            props[c.name] = std::move(value);
            break;
          }
        }
      }
      if (p.nodes) {
        if (id.empty()) return Status::InvalidArgument(reader.Where(1) + ": the :ID field is empty");
        auto node = txn->CreateNode(labels, props);
        if (!node.ok()) return Status(node.status().code(), reader.Where(1) + ": " + node.status().message());
        auto [pos, inserted] = ids[id_col->id_space].emplace(id, *node);
        if (!inserted)
          return Status::InvalidArgument(reader.Where(1) + ": duplicate node id '" + id + "'" +
                                         (id_col->id_space.empty() ? "" : " in id space " + id_col->id_space));
        ++stats->nodes;
      } else {
        if (type.empty()) return Status::InvalidArgument(reader.Where(1) + ": the :TYPE field is empty");
        auto find = [&](const Column* c, const std::string& key, const char* what) -> Result<NodeId> {
          auto space = ids.find(c->id_space);
          if (space != ids.end())
            if (auto it = space->second.find(key); it != space->second.end()) return it->second;
          return Status::InvalidArgument(reader.Where(1) + ": unknown " + what + " node id '" + key + "'" +
                                         (c->id_space.empty() ? "" : " in id space " + c->id_space));
        };
        auto from = find(start_col, start_id, "start");
        if (!from.ok()) return from.status();
        auto to = find(end_col, end_id, "end");
        if (!to.ok()) return to.status();
        auto edge = txn->CreateEdge(*from, type, *to, props);
        if (!edge.ok()) return Status(edge.status().code(), reader.Where(1) + ": " + edge.status().message());
        ++stats->relationships;
      }
      if ((++rows & 0xFFFF) == 0 && progress) progress(rows);
    }
    if (!error.ok()) return error;
  }
  stats->rows = rows;
  if (Status s = txn->Commit(); !s.ok()) return s;
  stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return Status::OK();
}

}  // namespace kg::cli
