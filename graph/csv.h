// CsvReader: RFC 4180 records from a stream, one at a time, with the line
// and column each field starts on, for error messages that say where.
// Quoted fields may hold the delimiter, quotes ("") and newlines; a field
// that was quoted is told apart from an unquoted one, so "" (an empty
// string) differs from nothing at all.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "kg/status.h"

namespace kg::graph {

class CsvReader {
 public:
  CsvReader(std::istream& in, std::string path, char delimiter = ',')
      : in_(in), path_(std::move(path)), delimiter_(delimiter) {}

  struct Field {
    std::string text;
    int column = 1;  // 1-based byte column of the field's first character
    bool quoted = false;
  };

  // Reads the next record into *fields; false at the end of the input.
  // A malformed record sets *error (and returns true).
  bool Next(std::vector<Field>* fields, Status* error);

  // "path:line:column" of the record last read.
  std::string Where(int column = 1) const;
  int record_line() const { return record_line_; }
  // Bytes consumed so far, for progress displays.
  uint64_t bytes_read() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  bool ReadLine(std::string* line);

  std::istream& in_;
  std::string path_;
  char delimiter_;
  int line_ = 0;
  int record_line_ = 0;
  uint64_t bytes_ = 0;
};

// text as one RFC 4180 field: quoted when it holds the delimiter, a quote
// or a line break, or when quote is true (kg writes "" for an empty string,
// as against an empty field for no value).
std::string CsvField(std::string_view text, bool quote = false, char delimiter = ',');

}  // namespace kg::graph
