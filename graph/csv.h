// CsvReader: RFC 4180 records from a stream, one at a time, with the line
// and column each field starts on, for error messages that say where.
// Quoted fields may hold the delimiter, quotes ("") and newlines; a field
// that was quoted is told apart from an unquoted one, so "" (an empty
// string) differs from nothing at all.
//
// The stream is read in large blocks and fields are views into them: a
// record is parsed without copying unless a field holds an escaped quote
// or a CRLF line break.
#pragma once

#include <algorithm>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "kg/status.h"

namespace kg::graph {

class CsvReader {
 public:
  // block: the most read at a time (tests make it small). Reads start
  // smaller and grow to it while they fill the buffer: a small file does
  // not pay for a large buffer.
  CsvReader(std::istream& in, std::string path, char delimiter = ',', size_t block = 1 << 20)
      : in_(&in), path_(std::move(path)), delimiter_(delimiter), block_(std::max<size_t>(block, 4)),
        chunk_(std::min<size_t>(block_, 16 << 10)) {}
  // The records of text, a part of path that starts at a record's
  // beginning, on line first_line.
  CsvReader(std::string text, std::string path, char delimiter, int first_line)
      : path_(std::move(path)), delimiter_(delimiter), block_(0), buf_(std::move(text)), end_(buf_.size()),
        eof_(true), started_(true), line_(first_line - 1) {}

  struct Field {
    std::string_view text;  // valid until the next call to Next
    int column = 1;         // 1-based byte column of the field's first character
    bool quoted = false;
  };

  // Reads the next record into *fields; false at the end of the input.
  // A malformed record sets *error (and returns true); the rest of its line
  // is skipped. A field that is not valid UTF-8 makes the record malformed,
  // unless the check is turned off (to read bytes as they are).
  void set_check_utf8(bool on) { check_utf8_ = on; }
  bool Next(std::vector<Field>* fields, Status* error);

  // "path:line:column" of the record last read.
  std::string Where(int column = 1) const;
  int record_line() const { return record_line_; }
  // The line the next record starts on.
  int next_line() const { return line_ + 1; }
  // The text given to the constructor, for reuse once parsed.
  std::string Release() { return std::move(buf_); }
  // Bytes consumed so far, for progress displays.
  uint64_t bytes_read() const { return consumed_ + pos_; }
  const std::string& path() const { return path_; }

 private:
  enum class Parse { kRecord, kMore, kError };
  // Parses the record at pos_; kMore when the buffer ends inside it.
  Parse ParseRecord(std::vector<Field>* fields, Status* error);
  // Moves the unread bytes to the front and reads more; false when nothing
  // more could be read.
  bool Fill();

  std::istream* in_ = nullptr;  // none when the text was given
  std::string path_;
  char delimiter_;
  size_t block_;
  size_t chunk_ = 0;  // the size of the next read, growing to block_
  std::string buf_;
  size_t pos_ = 0, end_ = 0;
  uint64_t consumed_ = 0;  // bytes dropped from the front of buf_
  bool eof_ = false, started_ = false;
  std::string scratch_;  // fields that needed unescaping
  struct Span {
    size_t begin, size;
    bool scratch;
  };
  std::vector<Span> spans_;
  int line_ = 0;
  int record_line_ = 0;
  bool check_utf8_ = true;
};

// text as one RFC 4180 field: quoted when it holds the delimiter, a quote
// or a line break, or when quote is true (kg writes "" for an empty string,
// as against an empty field for no value).
std::string CsvField(std::string_view text, bool quote = false, char delimiter = ',');

// The end of the last whole record of text, which starts at a record's
// beginning, as CsvReader reads it; 0 when no record ends inside text (more
// of the input may change how its end is read).
size_t LastRecordEnd(std::string_view text, char delimiter = ',');

}  // namespace kg::graph
