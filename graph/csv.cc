#include "graph/csv.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "kg/utf8.h"

namespace kg::graph {

namespace {

// The first position from q to end that holds d or a line feed, or end.
// Eight bytes at a time: a byte equal to c is a zero byte of w ^ c, and
// the lowest zero byte of a word is found exactly by the borrow trick.
size_t FieldEnd(const char* b, size_t q, size_t end, char d) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
    const uint64_t ds = kOnes * static_cast<uint8_t>(d), lfs = kOnes * static_cast<uint8_t>('\n');
    for (; q + 8 <= end; q += 8) {
      uint64_t w;
      std::memcpy(&w, b + q, 8);
      uint64_t x = w ^ ds, y = w ^ lfs;
      uint64_t zero = ((x - kOnes) & ~x & kHighs) | ((y - kOnes) & ~y & kHighs);
      if (zero != 0) return q + static_cast<size_t>(std::countr_zero(zero) / 8);
    }
  }
  while (q < end && b[q] != d && b[q] != '\n') ++q;
  return q;
}

}  // namespace

std::string CsvReader::Where(int column) const {
  return path_ + ":" + std::to_string(record_line_) + ":" + std::to_string(column);
}

bool CsvReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    consumed_ += pos_;
    end_ -= pos_;
    pos_ = 0;
  }
  // A record longer than most of the buffer makes it grow.
  if (buf_.size() < chunk_)
    buf_.resize(chunk_);
  else if (buf_.size() - end_ < chunk_ / 4 + 1)
    buf_.resize(buf_.size() * 2);
  const size_t want = buf_.size() - end_;
  in_->read(buf_.data() + end_, static_cast<std::streamsize>(want));
  size_t n = static_cast<size_t>(in_->gcount());
  if (n == want && chunk_ < block_) chunk_ = std::min(block_, chunk_ * 4);
  end_ += n;
  if (!*in_) eof_ = true;
  if (!started_) {
    started_ = true;
    if (end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;  // a UTF-8 byte order mark
  }
  return n > 0;
}

bool CsvReader::Next(std::vector<Field>* fields, Status* error) {
  while (true) {
    if (pos_ == end_ && !Fill()) {
      fields->clear();
      return false;
    }
    Parse parsed = ParseRecord(fields, error);
    if (parsed == Parse::kRecord && check_utf8_) {
      // Loaded text is checked here, once, for the database keeps UTF-8 only.
      for (const Field& f : *fields)
        if (size_t bad = FindInvalidUtf8(f.text); bad != std::string_view::npos) {
          *error = Status::InvalidArgument(Where(f.column + static_cast<int>(bad) + (f.quoted ? 1 : 0)) + ": " +
                                           InvalidUtf8Message(f.text, bad));
          fields->clear();
          return true;
        }
    }
    if (parsed != Parse::kMore) return true;
    Fill();  // reads more, or marks the end of the input: either way the record can now end
  }
}

CsvReader::Parse CsvReader::ParseRecord(std::vector<Field>* fields, Status* error) {
  fields->clear();
  spans_.clear();
  scratch_.clear();
  record_line_ = line_ + 1;
  const char* b = buf_.data();
  const char d = delimiter_;
  const bool more = !eof_;  // the buffer's end is not the input's
  size_t p = pos_, line_start = pos_;
  int lines = 0;  // line breaks inside the record's quoted fields
  auto done = [&](size_t next, Parse result) {
    for (size_t i = 0; i < spans_.size(); ++i)
      (*fields)[i].text = std::string_view((spans_[i].scratch ? scratch_.data() : b) + spans_[i].begin, spans_[i].size);
    pos_ = next;
    line_ = record_line_ + lines;
    return result;
  };
  auto add = [&](size_t begin, size_t size, bool scratch, int column, bool quoted) {
    spans_.push_back({begin, size, scratch});
    fields->push_back({{}, column, quoted});
  };
  while (true) {
    int column = static_cast<int>(p - line_start) + 1;
    if (p == end_ || b[p] != '"') {
      size_t q = FieldEnd(b, p, end_, d);
      if (q == end_ && more) return Parse::kMore;
      if (q < end_ && b[q] == d) {
        add(p, q - p, false, column, false);
        p = q + 1;
        continue;
      }
      size_t e = q > p && b[q - 1] == '\r' ? q - 1 : q;  // a CRLF line end
      add(p, e - p, false, column, false);
      return done(q == end_ ? q : q + 1, Parse::kRecord);
    }
    // A quoted field: copied to scratch_ only when it holds "" or CRLF.
    size_t q = p + 1, segment = q, scratch_begin = scratch_.size();
    bool scratch = false;
    while (true) {
      while (q < end_ && b[q] != '"' && b[q] != '\n' && b[q] != '\r') ++q;
      if (q == end_) {
        if (more) return Parse::kMore;
        *error = Status::InvalidArgument(Where(column) + ": a quoted field is not closed before the end of the file");
        return done(end_, Parse::kError);
      }
      if (b[q] == '\n') {
        ++lines;
        line_start = ++q;
        continue;
      }
      if (q + 1 == end_ && more) return Parse::kMore;
      bool pair = q + 1 < end_ && b[q + 1] == (b[q] == '"' ? '"' : '\n');
      if (b[q] == '"' && !pair) break;  // the closing quote
      if (!pair) {  // a lone '\r' is text
        ++q;
        continue;
      }
      // "" keeps one quote; CRLF keeps the line feed.
      scratch_.append(b + segment, q - segment + (b[q] == '"' ? 1 : 0));
      scratch = true;
      q += b[q] == '"' ? 2 : 1;
      segment = q;
    }
    if (scratch) {
      scratch_.append(b + segment, q - segment);
      add(scratch_begin, scratch_.size() - scratch_begin, true, column, true);
    } else {
      add(segment, q - segment, false, column, true);
    }
    p = q + 1;
    if (p == end_) {
      if (more) return Parse::kMore;
      return done(p, Parse::kRecord);
    }
    if (b[p] == d) {
      ++p;
      continue;
    }
    if (b[p] == '\n') return done(p + 1, Parse::kRecord);
    if (b[p] == '\r') {
      if (p + 1 == end_ && more) return Parse::kMore;
      if (p + 1 == end_) return done(p + 1, Parse::kRecord);
      if (b[p + 1] == '\n') return done(p + 2, Parse::kRecord);
    }
    // Anything else after a closing quote: the rest of the line is skipped.
    const void* nl = std::memchr(b + p, '\n', end_ - p);
    if (!nl && more) return Parse::kMore;
    char shown[8];
    if (static_cast<unsigned char>(b[p]) < 0x20 || static_cast<unsigned char>(b[p]) >= 0x7F)
      std::snprintf(shown, sizeof shown, "0x%02X", static_cast<unsigned char>(b[p]));
    else
      std::snprintf(shown, sizeof shown, "'%c'", b[p]);
    *error = Status::InvalidArgument(Where(static_cast<int>(p - line_start) + 1) + ": unexpected " + shown +
                                     " after a closing quote; expected '" + std::string(1, d) +
                                     "' or the end of the line");
    return done(nl ? static_cast<const char*>(nl) - b + 1 : end_, Parse::kError);
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

size_t LastRecordEnd(std::string_view text, char delimiter) {
  const char* b = text.data();
  const size_t size = text.size();
  auto find = [&](size_t from, char c) -> size_t {
    const void* at = std::memchr(b + from, c, size - from);
    return at ? static_cast<const char*>(at) - b : size;
  };
  if (find(0, '"') == size) {  // no quoted field: every line end ends a record
    size_t nl = text.rfind('\n');
    return nl == std::string_view::npos ? 0 : nl + 1;
  }
  size_t p = 0, last = 0;
  while (p < size) {  // at the start of a field
    if (b[p] != '"') {
      size_t q = p;
      while (q < size && b[q] != delimiter && b[q] != '\n') ++q;
      if (q == size) break;
      p = q + 1;
      if (b[q] == '\n') last = p;
      continue;
    }
    size_t q = p + 1;
    while (true) {  // to the closing quote
      q = find(q, '"');
      if (q + 1 >= size) return last;  // not closed here, or "" may follow
      if (b[q + 1] != '"') break;
      q += 2;
    }
    p = q + 1;
    if (b[p] == delimiter) {
      ++p;
    } else if (b[p] == '\n') {
      last = ++p;
    } else if (b[p] == '\r' && p + 1 < size && b[p + 1] == '\n') {
      last = p += 2;
    } else {  // a malformed record: its line is skipped
      if (b[p] == '\r' && p + 1 == size) break;
      size_t nl = find(p, '\n');
      if (nl == size) break;
      last = p = nl + 1;
    }
  }
  return last;
}

}  // namespace kg::graph
