#include "graph/csv.h"

namespace kg::graph {

bool CsvReader::ReadLine(std::string* line) {
  if (!std::getline(in_, *line)) return false;
  ++line_;
  bytes_ += line->size() + 1;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

std::string CsvReader::Where(int column) const {
  return path_ + ":" + std::to_string(record_line_) + ":" + std::to_string(column);
}

bool CsvReader::Next(std::vector<Field>* fields, Status* error) {
  fields->clear();
  record_line_ = line_ + 1;
  std::string line;
  if (!ReadLine(&line)) return false;
  if (line_ == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // a UTF-8 byte order mark
  Field field;
  bool in_quotes = false;
  size_t i = 0;
  while (true) {
    if (i >= line.size()) {
      if (in_quotes) {  // a newline inside a quoted field
        if (!ReadLine(&line)) {
          *error = Status::InvalidArgument(Where(field.column) + ": a quoted field is not closed before the end of the file");
          return true;
        }
        field.text.push_back('\n');
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
          field.text.push_back('"');
          i += 2;
          continue;
        }
        in_quotes = false;
        ++i;
        if (i < line.size() && line[i] != delimiter_) {
          *error = Status::InvalidArgument(Where(static_cast<int>(i) + 1) + ": unexpected '" + std::string(1, line[i]) +
                                           "' after a closing quote; expected '" + std::string(1, delimiter_) +
                                           "' or the end of the line");
          return true;
        }
        continue;
      }
      field.text.push_back(c);
      ++i;
      continue;
    }
    if (c == '"' && field.text.empty() && !field.quoted) {
      field.quoted = in_quotes = true;
      ++i;
      continue;
    }
    if (c == delimiter_) {
      fields->push_back(std::move(field));
      field = Field{};
      ++i;
      field.column = static_cast<int>(i) + 1;
      continue;
    }
    field.text.push_back(c);
    ++i;
  }
}

std::string CsvField(std::string_view text, bool quote, char delimiter) {
  if (!quote && text.find_first_of("\"\r\n") == std::string_view::npos && text.find(delimiter) == std::string_view::npos)
    return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace kg::graph
