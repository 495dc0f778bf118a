// The one place where key bytes are made and read. Nothing else in kg
// assembles or parses a RocksDB key.
//
// All integers in keys are fixed-width big-endian, so memcmp order equals
// numeric order; signed integers have their sign bit flipped first.
//
// Key layouts, one column family per keyspace (never change a layout without
// bumping kFormatVersion in storage/store.h):
//
//   family  key                                          value
//   ------  -------------------------------------------  ----------------------------
//   meta    'F'                                          format version (u32)
//   meta    'N' | 'E'                                    reserved id high-water (u64)
//   meta    'D' kind(u8) name-bytes                      dictionary id (u32)
//   meta    'I' kind(u8) id(u32)                         dictionary name
//   meta    'C' kind(u8) id(u32)                         counter (i64, merge-added)
//   meta    'X' index-id(u32)                            IndexRecord (cereal)
//   nodes   node(u64)                                    NodeRecord (cereal)
//   edges   edge(u64)                                    EdgeRecord (cereal)
//   out     source(u64) type(u32) target(u64) edge(u64)  empty
//   in      target(u64) type(u32) source(u64) edge(u64)  empty
//   labels  label(u32) node(u64)                         empty
//   index   index-id(u32) encoded-value node(u64)        empty
//
// "out-edges of n", "out-edges of n of type T" and "in-edges of n" are each
// a single prefix scan (8 or 12 bytes). The out and in families use an
// 8-byte prefix extractor (the node) with prefix Bloom filters.
//
// Encoded property values (index keys) are self-delimiting and
// order-preserving within each kind:
//   null   0x05
//   bool   0x10 (0|1)
//   number 0x20 double(8) kind(1: 0 int, 1 float) [int(8) if int]
//          Integers and floats share one numeric order so a range scan
//          covers both; -0.0 is stored as 0.0, NaN sorts after +inf.
//   string 0x30 bytes with 0x00 escaped as 0x00 0xFF, then 0x00 0x01
//   list   0x40 element... 0x00
//   map    0x50 (string-key value)... 0x00, keys in sorted order
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kg/value.h"

namespace kg::storage {

// Never renumber: the order is the column family order on disk.
enum class Keyspace : uint8_t { kMeta = 0, kNodes, kEdges, kOut, kIn, kLabels, kIndex };
inline constexpr int kKeyspaceCount = 7;
const char* KeyspaceName(Keyspace ks);

// Dictionary kinds. Never renumber: stored in meta keys.
enum class DictKind : uint8_t { kLabel = 'L', kEdgeType = 'T', kPropertyKey = 'K' };

// Counter kinds. Never renumber: stored in meta keys.
enum class CounterKind : uint8_t { kNodes = 'n', kEdges = 'e', kLabel = 'L', kEdgeType = 'T' };

namespace key {

// Fixed-width big-endian primitives.
void PutU32(std::string* out, uint32_t v);
void PutU64(std::string* out, uint64_t v);
void PutI64(std::string* out, int64_t v);
uint32_t GetU32(const char* p);
uint64_t GetU64(const char* p);
int64_t GetI64(const char* p);

// meta keys
std::string FormatVersion();
std::string NodeIdMark();
std::string EdgeIdMark();
std::string DictByName(DictKind kind, std::string_view name);
std::string DictById(DictKind kind, uint32_t id);
std::string DictByNamePrefix(DictKind kind);
std::string DictByIdPrefix(DictKind kind);
std::string Counter(CounterKind kind, uint32_t id);
std::string IndexDef(uint32_t index_id);
std::string IndexDefPrefix();
// The dictionary id of a DictById key. REQUIRES: key from DictById.
uint32_t DictIdOf(std::string_view dict_by_id_key);

// nodes / edges
std::string Node(uint64_t node);
std::string Edge(uint64_t edge);
uint64_t NodeOf(std::string_view node_key);
uint64_t EdgeOf(std::string_view edge_key);

// Adjacency: the same layout serves out (anchor = source) and in (anchor = target).
inline constexpr size_t kAdjacencyKeySize = 28;
inline constexpr size_t kAdjacencyPrefixSize = 8;
std::string Adjacency(uint64_t anchor, uint32_t type, uint64_t neighbor, uint64_t edge);
std::string AdjacencyPrefix(uint64_t anchor);
std::string AdjacencyPrefix(uint64_t anchor, uint32_t type);
struct AdjacencyEntry {
  uint64_t anchor;
  uint32_t type;
  uint64_t neighbor;
  uint64_t edge;
};
// Parses an adjacency key. Returns nullopt for a key of the wrong size.
std::optional<AdjacencyEntry> ParseAdjacency(std::string_view key);

// Label index
std::string Label(uint32_t label, uint64_t node);
std::string LabelPrefix(uint32_t label);
uint64_t NodeOfLabelKey(std::string_view key);

// Property index
std::string IndexPrefix(uint32_t index_id);
// index-id + encoded value: the prefix of every entry with exactly this value.
std::string IndexValuePrefix(uint32_t index_id, const Value& value);
std::string IndexEntry(uint32_t index_id, const Value& value, uint64_t node);
uint64_t NodeOfIndexEntry(std::string_view key);

// Smallest key greater than every key starting with prefix; empty when none
// (prefix all 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace key

// Order-preserving, self-delimiting encoding of a value (see the table above).
void EncodeValue(std::string* out, const Value& value);
// Decodes one value from the front of *in and advances it. False on bad bytes.
bool DecodeValue(std::string_view* in, Value* value);

}  // namespace kg::storage
