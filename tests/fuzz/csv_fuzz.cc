// The CSV reader on arbitrary bytes, read in blocks of a size the first
// byte picks: every record either comes back with fields that are valid
// UTF-8, or is reported malformed with its file, line and column; the
// reader consumes all of the input.
#include <cstdint>
#include <sstream>
#include <string>

#include "graph/csv.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return -1;
  const char delimiters[] = {',', '\t', ';', '|'};
  char delimiter = delimiters[data[0] % 4];
  size_t block = 4 + (data[0] >> 2) * 3;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::istringstream in(text);
  kg::graph::CsvReader reader(in, "fuzz.csv", delimiter, block);
  std::vector<kg::graph::CsvReader::Field> fields;
  kg::Status error;
  int records = 0;
  while (reader.Next(&fields, &error)) {
    kg::fuzz::Require(++records <= static_cast<int>(size) + 1, "more records than bytes");
    if (!error.ok()) {
      kg::fuzz::Require(error.message().rfind("fuzz.csv:", 0) == 0, "an error that does not say where: " + error.message());
      kg::fuzz::Require(kg::IsValidUtf8(error.message()), "an error that is not UTF-8");
      error = kg::Status::OK();
      continue;
    }
    for (const auto& f : fields) kg::fuzz::Require(kg::IsValidUtf8(f.text), "a field that is not UTF-8");
  }
  kg::fuzz::Require(reader.bytes_read() == text.size(), "input left unread");
  return 0;
}
