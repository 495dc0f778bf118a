// The full-text query parser (Lucene's syntax) on arbitrary bytes, with
// each analyzer: a query parses or the error names its column.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graph/fulltext.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return -1;
  static const std::vector<std::string> fields = {"name", "text"};
  auto analyzer = static_cast<kg::graph::fulltext::Analyzer>(data[0] % 3);
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto q = kg::graph::fulltext::ParseQuery(text, analyzer, fields);
  if (!q.ok()) kg::fuzz::Require(kg::IsValidUtf8(q.status().message()), "an error that is not UTF-8");
  return 0;
}
