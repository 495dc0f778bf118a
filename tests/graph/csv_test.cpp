// CsvReader reads its input in blocks and hands out fields as views: the
// records that cross a block boundary, outgrow a block, or need unescaping
// must come out as written, with the lines they start on.
#include "graph/csv.h"

#include <algorithm>
#include <random>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

namespace kg::graph {
namespace {

struct Record {
  std::vector<std::string> fields;
  std::vector<bool> quoted;
  int line = 0;
};

std::vector<Record> ReadAll(const std::string& text, std::vector<std::string>* errors = nullptr,
                            size_t block = 1 << 20) {
  std::istringstream in(text);
  CsvReader reader(in, "t.csv", ',', block);
  reader.set_check_utf8(false);  // bytes as they are
  std::vector<CsvReader::Field> fields;
  std::vector<Record> out;
  Status error;
  while (reader.Next(&fields, &error)) {
    if (!error.ok()) {
      REQUIRE(errors);
      errors->push_back(error.message());
      error = Status::OK();
      continue;
    }
    Record r;
    for (const auto& f : fields) {
      r.fields.emplace_back(f.text);
      r.quoted.push_back(f.quoted);
    }
    r.line = reader.record_line();
    out.push_back(std::move(r));
  }
  CHECK(reader.bytes_read() == text.size());
  return out;
}

TEST_CASE("csv records come back as written across block boundaries", "[csv]") {
  std::mt19937 rng(11);
  const std::string plain = "abcdefghij0123456789 ;";
  const std::string special = "ab,\"\n\xC3\xA9";
  std::vector<Record> want;
  std::string text;
  int line = 1;
  while (text.size() < (4 << 20)) {
    Record r;
    r.line = line;
    size_t n = 1 + rng() % 6;
    for (size_t i = 0; i < n; ++i) {
      std::string f;
      // Twice a field longer than a whole block.
      bool big = i == 0 && (want.size() == 1000 || want.size() == 100000);
      size_t length = big ? (1 << 20) + rng() % (1 << 20) : rng() % 12;
      const std::string& alphabet = rng() % 3 == 0 ? special : plain;
      for (size_t j = 0; j < length; ++j) f.push_back(alphabet[rng() % alphabet.size()]);
      std::string written = CsvField(f, rng() % 4 == 0);
      text += (i ? "," : "") + written;
      for (char c : f) line += c == '\n';
      r.quoted.push_back(!written.empty() && written[0] == '"');
      r.fields.push_back(std::move(f));
    }
    text += rng() % 3 == 0 ? "\r\n" : "\n";
    ++line;
    want.push_back(std::move(r));
  }
  // Small blocks put a boundary in every kind of place: inside plain and
  // quoted fields, between the quotes of "", between CR and LF.
  for (size_t block : {size_t{5}, size_t{97}, size_t{4096}, size_t{1} << 20}) {
    INFO("block " << block);
    auto got = ReadAll(text, nullptr, block);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      INFO("record " << i);
      REQUIRE(got[i].fields == want[i].fields);
      REQUIRE(got[i].quoted == want[i].quoted);
      REQUIRE(got[i].line == want[i].line);
    }
  }
}

TEST_CASE("csv unquoted fields end at the delimiter or line feed whatever bytes are near them", "[csv]") {
  // Fields are scanned a word at a time: bytes next in value to the
  // delimiter and to a line feed, zero bytes, and bytes with the high bit
  // set sit at every offset of a word, before and after the field's end.
  std::mt19937 rng(5);
  for (char d : {',', '\t', ';', '|'}) {
    INFO("delimiter " << static_cast<int>(d));
    std::string alphabet;
    for (char c : {'a', '\0', '\x01', '\x7f', '\x80', '\xff', static_cast<char>(d - 1), static_cast<char>(d + 1),
                   '\x09', '\x0b', '\xc3', '\xa9', '\''})
      if (c != d && c != '\n' && c != '\r' && c != '"') alphabet.push_back(c);
    std::vector<std::vector<std::string>> want;
    std::string text;
    for (int r = 0; r < 2000; ++r) {
      std::vector<std::string> record(1 + rng() % 5);
      for (size_t i = 0; i < record.size(); ++i) {
        for (size_t n = rng() % 40; n > 0; --n) record[i].push_back(alphabet[rng() % alphabet.size()]);
        text += (i ? std::string(1, d) : "") + record[i];
      }
      text += "\n";
      want.push_back(std::move(record));
    }
    std::istringstream in(text);
    CsvReader reader(in, "t.csv", d, 4096);
    reader.set_check_utf8(false);  // bytes as they are
    std::vector<CsvReader::Field> fields;
    Status error;
    for (size_t i = 0; i < want.size(); ++i) {
      INFO("record " << i);
      REQUIRE(reader.Next(&fields, &error));
      REQUIRE(error.ok());
      std::vector<std::string> got;
      for (const auto& f : fields) got.emplace_back(f.text);
      REQUIRE(got == want[i]);
    }
    CHECK_FALSE(reader.Next(&fields, &error));
  }
}

TEST_CASE("csv line ends, escapes and byte order marks", "[csv]") {
  auto got = ReadAll("\xEF\xBB\xBFid,name\r\n1,\"a \"\"b\"\"\"\r\n2,\"two\r\nlines\"\r\n\r\n3,x\r");
  REQUIRE(got.size() == 5);
  CHECK(got[0].fields == std::vector<std::string>{"id", "name"});
  CHECK(got[1].fields == std::vector<std::string>{"1", "a \"b\""});
  CHECK(got[2].fields == std::vector<std::string>{"2", "two\nlines"});  // CRLF inside quotes reads as LF
  CHECK(got[3].fields == std::vector<std::string>{""});                 // a blank line
  CHECK(got[3].line == 5);
  CHECK(got[4].fields == std::vector<std::string>{"3", "x"});
  CHECK(got[4].line == 6);
  CHECK(got[1].quoted == std::vector<bool>{false, true});
  // A lone carriage return inside a field is text.
  CHECK(ReadAll("\"a\rb\",c\n")[0].fields == std::vector<std::string>{"a\rb", "c"});
}

TEST_CASE("csv errors name the place and skip the rest of the line", "[csv]") {
  std::vector<std::string> errors;
  auto got = ReadAll("a,\"b\"x,c\nd,e\n\"open\nnever closed", &errors);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "t.csv:1:6: unexpected 'x' after a closing quote; expected ',' or the end of the line");
  CHECK(errors[1] == "t.csv:3:1: a quoted field is not closed before the end of the file");
  REQUIRE(got.size() == 1);
  CHECK(got[0].fields == std::vector<std::string>{"d", "e"});
  CHECK(got[0].line == 2);
}

// Records with every kind of field, and now and then a malformed one.
std::string RandomCsv(uint32_t seed, size_t size) {
  std::mt19937 rng(seed);
  const std::string plain = "abcdefghij0123456789 ;";
  const std::string special = "ab,\"\n\r\xC3\xA9";
  std::string text;
  while (text.size() < size) {
    size_t n = 1 + rng() % 5;
    for (size_t i = 0; i < n; ++i) {
      std::string f;
      size_t length = rng() % 10;
      const std::string& alphabet = rng() % 3 == 0 ? special : plain;
      for (size_t j = 0; j < length; ++j) f.push_back(alphabet[rng() % alphabet.size()]);
      text += (i ? "," : "") + CsvField(f, rng() % 4 == 0);
      if (rng() % 200 == 0) text += "\"x";  // text after a closing quote, or a quote inside a field
    }
    text += rng() % 3 == 0 ? "\r\n" : "\n";
  }
  return text;
}

// What a reader makes of text: each record's fields (or error) and line.
std::vector<std::string> Outcomes(CsvReader& reader, std::vector<size_t>* ends = nullptr) {
  std::vector<std::string> out;
  std::vector<CsvReader::Field> fields;
  Status error;
  while (reader.Next(&fields, &error)) {
    std::string o = std::to_string(reader.record_line()) + ":";
    if (!error.ok()) o += error.message();
    for (const auto& f : fields) o += "[" + std::string(f.text) + (f.quoted ? "\"]" : "]");
    error = Status::OK();
    out.push_back(std::move(o));
    if (ends) ends->push_back(reader.bytes_read());
  }
  return out;
}

TEST_CASE("csv text cut at record ends reads as the whole does", "[csv]") {
  const std::string text = RandomCsv(5, 1 << 20);
  std::istringstream in(text);
  CsvReader whole(in, "t.csv");
  std::vector<size_t> ends;
  const std::vector<std::string> want = Outcomes(whole, &ends);
  REQUIRE(want.size() > 10000);
  std::set<size_t> boundaries(ends.begin(), ends.end());
  if (text.back() != '\n') boundaries.erase(text.size());  // only the end of the input ends it

  // From any record's start, the cut is the last record end before the
  // text stops, whatever the text stops in.
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    size_t start = i == 0 ? 0 : ends[rng() % ends.size()];
    size_t size = std::min(text.size() - start, size_t{1} + rng() % 300);
    size_t cut = LastRecordEnd(std::string_view(text).substr(start, size));
    auto last = boundaries.upper_bound(start + size);
    size_t expected = last == boundaries.begin() || *std::prev(last) <= start ? 0 : *std::prev(last) - start;
    INFO("start " << start << " size " << size);
    REQUIRE(cut == expected);
  }

  // Cut into chunks of any size, each read on its own from its first line,
  // the records, errors and lines are the same.
  for (size_t chunk : {size_t{1}, size_t{64}, size_t{4096}, size_t{100000}}) {
    INFO("chunk " << chunk);
    std::vector<std::string> got;
    size_t at = 0;
    int line = 1;
    while (at < text.size()) {
      size_t size = chunk, cut = 0;
      while (at + size < text.size() && (cut = LastRecordEnd(std::string_view(text).substr(at, size))) == 0) size *= 2;
      if (at + size >= text.size()) cut = text.size() - at;
      std::string part = text.substr(at, cut);
      CsvReader reader(part, "t.csv", ',', line);
      for (std::string& o : Outcomes(reader)) got.push_back(std::move(o));
      line += static_cast<int>(std::count(part.begin(), part.end(), '\n'));
      at += cut;
    }
    REQUIRE(got == want);
  }
}

}  // namespace
}  // namespace kg::graph
