// The bodies stored under node, edge and index-definition keys, serialized
// with cereal through the compact archive of compact_archive.h (varints for
// ids, counts and integers). Records of kg format 2 and older were written
// by cereal's portable binary archive; they are still read. Each record type
// carries a cereal class version; a record written by a newer kg fails to
// decode with a clear Status instead of being misread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kg/status.h"
#include "kg/value.h"

namespace kg::storage {

// Properties keyed by interned property-key id, sorted by id, no nulls.
using PropertyList = std::vector<std::pair<uint32_t, Value>>;

// Returns the value stored under key_id, or nullptr.
const Value* FindProperty(std::span<const std::pair<uint32_t, Value>> props, uint32_t key_id);
// Sets (or with a null value, removes) key_id. Returns true if anything changed.
bool SetProperty(PropertyList* props, uint32_t key_id, const Value& value);

struct NodeRecord {
  std::vector<uint32_t> labels;  // sorted label ids
  PropertyList properties;

  bool HasLabel(uint32_t label) const;
};

struct EdgeRecord {
  uint32_t type = 0;
  uint64_t source = 0;
  uint64_t target = 0;
  PropertyList properties;
};

// A property index or unique constraint on (label, property_key), or a
// full-text index (fulltext) on the properties of the nodes with any of
// labels, or of the relationships with any of the types in labels
// (relationships).
struct IndexRecord {
  uint32_t id = 0;
  std::string name;
  uint32_t label = 0;
  uint32_t property_key = 0;
  bool unique = false;
  // Since record version 2.
  bool fulltext = false;
  bool relationships = false;
  std::vector<uint32_t> labels;      // labels or relationship types
  std::vector<uint32_t> properties;  // its fields, in order
  std::string analyzer;
};

// Properties as a span; sorted by id, no nulls, storable.
using PropertySpan = std::span<const std::pair<uint32_t, Value>>;

std::string EncodeRecord(const NodeRecord& r);
std::string EncodeRecord(const EdgeRecord& r);
std::string EncodeRecord(const IndexRecord& r);
// Append the bytes EncodeRecord writes for a record of these fields,
// straight from them, without building the record or a cereal archive (the
// bulk load path). A test holds them equal to cereal's output.
void AppendNodeRecord(std::string* out, std::span<const uint32_t> labels, PropertySpan props);
void AppendEdgeRecord(std::string* out, uint32_t type, uint64_t source, uint64_t target, PropertySpan props);
// For index builds: whether the node record in bytes has label, and its
// value of property key_id (nullopt when absent), without decoding the rest.
// With label kAnyLabel, the value whatever the labels.
// Returns false when the bytes are not a record as this kg writes them
// (damaged, or a newer version): DecodeRecord then says what is wrong.
inline constexpr uint32_t kAnyLabel = UINT32_MAX;
bool PeekNodeRecord(std::string_view bytes, uint32_t label, uint32_t key_id, bool* has_label,
                    std::optional<Value>* value);
// The type and end nodes of the edge record in bytes, without decoding its
// properties. Returns false when the bytes are not a record as this kg
// writes them: DecodeRecord then says what is wrong.
bool PeekEdgeRecord(std::string_view bytes, uint32_t* type, uint64_t* source, uint64_t* target);
// what names the record in the error ("node 42").
Status DecodeRecord(std::string_view bytes, NodeRecord* r, std::string_view what);
Status DecodeRecord(std::string_view bytes, EdgeRecord* r, std::string_view what);
// The same, naming the record "<kind> <id>" in the error: the name is made
// only when there is one.
Status DecodeRecord(std::string_view bytes, NodeRecord* r, const char* kind, uint64_t id);
Status DecodeRecord(std::string_view bytes, EdgeRecord* r, const char* kind, uint64_t id);
Status DecodeRecord(std::string_view bytes, IndexRecord* r, std::string_view what);

}  // namespace kg::storage
