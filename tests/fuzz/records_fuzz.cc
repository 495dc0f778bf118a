// The decoders of what kg reads from disk (node, edge and index records,
// adjacency and full-text keys, encoded values) on arbitrary bytes, as if a
// file were damaged: each reports bad bytes as an error, never crashes or
// reads past the end.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/key_codec.h"
#include "storage/records.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A copy of exactly size bytes, so that ASan sees any read past the end.
  std::string bytes(reinterpret_cast<const char*>(data), size);
  std::string_view view(bytes);
  namespace storage = kg::storage;
  storage::NodeRecord node;
  if (storage::DecodeRecord(view, &node, "node 1").ok()) {
    // A record that decodes encodes again to a record that decodes the same.
    storage::NodeRecord again;
    kg::fuzz::Require(storage::DecodeRecord(storage::EncodeRecord(node), &again, "node 1").ok(), "node re-encoding");
  }
  storage::EdgeRecord edge;
  (void)storage::DecodeRecord(view, &edge, "edge 1");
  storage::IndexRecord index;
  (void)storage::DecodeRecord(view, &index, "index 1");
  bool has_label = false;
  std::optional<kg::Value> value;
  (void)storage::PeekNodeRecord(view, storage::kAnyLabel, 0, &has_label, &value);
  (void)storage::PeekNodeRecord(view, 1, 2, &has_label, &value);
  uint32_t type;
  uint64_t source, target;
  (void)storage::PeekEdgeRecord(view, &type, &source, &target);
  (void)storage::key::ParseAdjacency(view);
  storage::key::TextPosting posting;
  (void)storage::key::ParseTextPosting(view, &posting);
  std::string_view rest = view;
  kg::Value decoded;
  while (!rest.empty() && storage::DecodeValue(&rest, &decoded)) {
  }
  return 0;
}
