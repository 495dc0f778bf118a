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
//   meta    'B' first-node(u64)                          last node (u64) of a bulk
//                                                        load's adjacency blocks
//   meta    'R' first-edge(u64)                          last edge (u64) of a bulk
//                                                        load's relationship blocks
//   nodes   node(u64)                                    NodeRecord (cereal)
//   edges   edge(u64)                                    EdgeRecord (cereal)
//   edges   last-edge(u64) 0x00 (a relationship block)   the block's records
//   out     source(u64) type(u32) target(u64) edge(u64)  empty
//   out     the same, then 0x00 (an adjacency block)     the block's later entries
//   in      target(u64) type(u32) source(u64) edge(u64)  empty
//   in      the same, then 0x00 (an adjacency block)     the block's later entries
//   labels  label(u32) node(u64)                         empty
//   index   index-id(u32) encoded-value node(u64)        empty
//   index   index-id(u32) term 0x00 field(u8) element(u64)  empty
//           length(varint) count(varint) position-deltas(varint...)
//           (a full-text index's posting; see below)
//
// "out-edges of n", "out-edges of n of type T" and "in-edges of n" are each
// a single prefix scan (8 or 12 bytes). The out and in families use an
// 8-byte prefix extractor (the node) with prefix Bloom filters.
//
// Transactions write one adjacency key per edge and direction. Bulk loads
// store up to kAdjacencyBlockEntries entries of one node and type under one
// block key: the key of the block's first entry followed by 0x00, and as
// value each later entry, in key order, as two varints: the neighbor less
// the previous entry's, and the edge less the previous entry's (zigzag).
// Single keys written later may sort between a block's entries.
//
// Bulk loads also store the records of up to kEdgeBlockEntries relationships
// with consecutive ids under one block key: the last one's key followed by
// 0x00. The value holds each record, in id order, as three parts: a varint,
// the last id less the record's; a varint, the record's size; the record.
// The first later change to one of the records splits its block into a
// single key per record. No other key ever holds an id inside a block's
// range, so the family still lists relationships in id order; a
// point read of an id in a noted range (the meta 'R' keys) seeks the first
// key at or after the id's own: its single key, or the block holding it.
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
//   date           0x60 days(i64)
//   localtime      0x61 nanos-of-day(i64)
//   time           0x62 utc-nanos-of-day(i64) offset(i64): by instant, then offset
//   localdatetime  0x63 seconds(i64) nanos(i64)
//   datetime       0x64 utc-seconds(i64) nanos(i64) offset(i64) zone-name(as a string)
//   duration       0x65 months(i64) days(i64) seconds(i64) nanos(i64)
//   so that a range over one temporal kind is one scan in its order.
//
// A full-text index (IndexRecord::fulltext) files each element under each
// term of each of its fields: a term's postings are one prefix scan, in
// field then element order, and a term prefix's are one range. The key
// ends with the field's length in terms and the term's positions there
// (count, then each less the one before). Terms are UTF-8 without 0x00.
// Its statistics are counters: per field, the elements that have it
// (kTextDocs) and their lengths' sum (kTextLength), under TextFieldCounter;
// per field and term, the elements that have the term there (its document
// frequency), under the meta key TextTermCounter:
//   meta    'C' 'z' index-id(u32) term 0x00 field(u8)    count (i64, merge-added)
// (in the order of the postings: by term, then field).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kg/value.h"
#include "storage/varint.h"

namespace kg::storage {

// Never renumber: the order is the column family order on disk.
enum class Keyspace : uint8_t { kMeta = 0, kNodes, kEdges, kOut, kIn, kLabels, kIndex };
inline constexpr int kKeyspaceCount = 7;
const char* KeyspaceName(Keyspace ks);

// Dictionary kinds. Never renumber: stored in meta keys.
enum class DictKind : uint8_t { kLabel = 'L', kEdgeType = 'T', kPropertyKey = 'K' };

// Counter kinds. Never renumber: stored in meta keys.
enum class CounterKind : uint8_t {
  kNodes = 'n', kEdges = 'e', kLabel = 'L', kEdgeType = 'T', kTextDocs = 'x', kTextLength = 'y',
  kTextTerm = 'z'  // keyed by TextTermCounter, not an id
};

namespace key {

// Fixed-width big-endian primitives (inline: key building is on every
// hot path).
inline void EncodeU64(char* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}
inline uint64_t GetU64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}
inline uint32_t GetU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  return v;
}
inline void PutU64(std::string* out, uint64_t v) {
  char buf[8];
  EncodeU64(buf, v);
  out->append(buf, 8);
}
inline void EncodeU32(char* p, uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
inline void PutU32(std::string* out, uint32_t v) {
  char buf[4];
  EncodeU32(buf, v);
  out->append(buf, 4);
}
void PutI64(std::string* out, int64_t v);
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
// A full-text term's document frequency in one field (see above).
std::string TextTermCounter(uint32_t index_id, uint8_t field, std::string_view term);
// Every TextTermCounter key of an index.
std::string TextTermCounterPrefix(uint32_t index_id);
std::string IndexDef(uint32_t index_id);
std::string IndexDefPrefix();
// Nodes first..last of one bulk load may anchor adjacency blocks.
std::string BlockRange(uint64_t first_node);
std::string BlockRangePrefix();
// Relationships first..last of one bulk load may sit in record blocks.
std::string EdgeBlockRange(uint64_t first_edge);
std::string EdgeBlockRangePrefix();
// The dictionary id of a DictById key. REQUIRES: key from DictById.
uint32_t DictIdOf(std::string_view dict_by_id_key);

// nodes / edges
std::string Node(uint64_t node);
std::string Edge(uint64_t edge);
// The key of a node or edge id written into buf, without an allocation.
inline std::string_view RecordKey(uint64_t id, char (&buf)[8]) {
  EncodeU64(buf, id);
  return {buf, 8};
}
uint64_t NodeOf(std::string_view node_key);
// The id of a single edge key, or the last id of a block key.
uint64_t EdgeOf(std::string_view edge_key);

// Relationship-record blocks (see the layout above).
inline constexpr size_t kEdgeKeySize = 8;
inline constexpr size_t kEdgeBlockKeySize = kEdgeKeySize + 1;
inline constexpr size_t kEdgeBlockEntries = 64;
struct EdgeBlockEntry {
  uint64_t id;
  std::string_view record;
};
// The key of the block of entries (ascending ids, at least one), and its
// value appended to *value.
std::string EncodeEdgeBlock(std::span<const EdgeBlockEntry> entries, std::string* value);
// The records stored under one key of the edges family, single or block,
// in id order. Views into key and value, which must outlive it.
class EdgeRecords {
 public:
  EdgeRecords() = default;
  EdgeRecords(std::string_view key, std::string_view value) { Reset(key, value); }
  void Reset(std::string_view key, std::string_view value);
  // The next record; false at the end, or on a malformed key or value
  // (then ok() is false).
  bool Next(EdgeBlockEntry* entry);
  bool ok() const { return ok_; }
  bool is_block() const { return block_; }
  // The last id the key covers.
  uint64_t last() const { return last_; }

 private:
  uint64_t last_ = 0;
  uint64_t previous_offset_ = 0;  // of the entry before, last_ - its id
  std::string_view rest_;
  bool single_ = false, block_ = false, ok_ = true, started_ = false;
};

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
// Parses a single adjacency key. Returns nullopt for a key of another size
// (a block key among them).
std::optional<AdjacencyEntry> ParseAdjacency(std::string_view key);

// Adjacency blocks (see the layout above).
inline constexpr size_t kAdjacencyBlockKeySize = kAdjacencyKeySize + 1;
inline constexpr size_t kAdjacencyBlockEntries = 128;
std::string AdjacencyBlock(const AdjacencyEntry& first);
// The key of a block's first entry: the block key less its 0x00.
std::string_view BlockFirstEntryKey(std::string_view block_key);
// The node an adjacency key or block key is anchored at; 0 for a key too
// short to hold one.
uint64_t AnchorOfAdjacencyKey(std::string_view key);
// Appends next to a block value whose last entry is previous. REQUIRES:
// same anchor and type, next after previous in key order.
void AppendAdjacencyBlockEntry(std::string* value, const AdjacencyEntry& previous, const AdjacencyEntry& next);
// The same bytes written at p, at most kMaxAdjacencyBlockEntryBytes of
// them; returns their end.
inline constexpr size_t kMaxAdjacencyBlockEntryBytes = 20;
inline char* EncodeAdjacencyBlockEntry(char* p, const AdjacencyEntry& previous, const AdjacencyEntry& next) {
  p = PutVarint(p, next.neighbor - previous.neighbor);
  return PutVarint(p, ZigZag(static_cast<int64_t>(next.edge - previous.edge)));
}
// The key of entry alone, or (block) of a block that starts with it,
// written into buf without an allocation.
inline std::string_view AdjacencyKey(const AdjacencyEntry& entry, bool block, char (&buf)[kAdjacencyBlockKeySize]) {
  EncodeU64(buf, entry.anchor);
  EncodeU32(buf + 8, entry.type);
  EncodeU64(buf + 12, entry.neighbor);
  EncodeU64(buf + 20, entry.edge);
  buf[kAdjacencyKeySize] = '\0';
  return {buf, block ? kAdjacencyBlockKeySize : kAdjacencyKeySize};
}

// The entries stored under one key of the out or in family, single or
// block, in key order. Views into key and value, which must outlive it.
class AdjacencyEntries {
 public:
  AdjacencyEntries() = default;
  AdjacencyEntries(std::string_view key, std::string_view value) { Reset(key, value); }
  void Reset(std::string_view key, std::string_view value);
  // The next entry; false at the end, or on a malformed key or value (then
  // ok() is false).
  bool Next(AdjacencyEntry* entry);
  bool ok() const { return ok_; }
  bool is_block() const { return block_; }

 private:
  AdjacencyEntry last_{};
  std::string_view rest_;
  bool first_ = false, block_ = false, ok_ = true;
};

// Label index
std::string Label(uint32_t label, uint64_t node);
std::string LabelPrefix(uint32_t label);
uint64_t NodeOfLabelKey(std::string_view key);

// Property index
std::string IndexPrefix(uint32_t index_id);
// index-id + encoded value: the prefix of every entry with exactly this value.
std::string IndexValuePrefix(uint32_t index_id, const Value& value);
std::string IndexEntry(uint32_t index_id, const Value& value, uint64_t node);
// Appends IndexEntry(index_id, value, node) to *out.
void AppendIndexEntry(std::string* out, uint32_t index_id, const Value& value, uint64_t node);
// An index entry key less its node id: equal for the entries of one index
// and one value.
std::string_view IndexEntryWithoutNode(std::string_view key);
// The encoded value in an index entry key (see DecodeValue).
std::string_view IndexEntryValue(std::string_view key);
// The prefix of every entry of index_id whose value is a number equal to
// number as a double (integers and floats alike). REQUIRES: number.is_number().
std::string IndexNumberPrefix(uint32_t index_id, const Value& number);
uint64_t NodeOfIndexEntry(std::string_view key);
// The index an entry belongs to. REQUIRES: key has at least 4 bytes.
uint32_t IndexOfIndexEntry(std::string_view key);
// Full-text postings (see above).
struct TextPosting {
  std::string_view term;
  uint8_t field = 0;
  uint64_t element = 0;
  uint32_t length = 0;  // the field's length in terms
  uint32_t count = 0;   // the term's occurrences there
  std::string_view positions;  // count varints, each less the one before
};
void AppendTextPosting(std::string* out, uint32_t index_id, std::string_view term, uint8_t field, uint64_t element,
                       uint32_t length, std::span<const uint32_t> positions);
// Every posting of exactly term.
std::string TextTermPrefix(uint32_t index_id, std::string_view term);
// Every posting of a term that starts with start.
std::string TextStartPrefix(uint32_t index_id, std::string_view start);
// False when key is not a posting of this layout.
bool ParseTextPosting(std::string_view key, TextPosting* out);
// The next position of a posting's positions, advancing *in (previous: the
// position before, 0 at first). False at the end or on bad bytes.
bool NextTextPosition(std::string_view* in, uint32_t previous, uint32_t* position);
// The counter id of a full-text index's field.
inline uint32_t TextFieldCounter(uint32_t index_id, uint8_t field) { return (index_id << 8) | field; }
inline constexpr size_t kMaxTextFields = 256;

// The label of a label index key. REQUIRES: key has at least 4 bytes.
uint32_t LabelOfLabelKey(std::string_view key);

// Smallest key greater than every key starting with prefix; empty when none
// (prefix all 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace key

// Order-preserving, self-delimiting encoding of a value (see the table above).
void EncodeValue(std::string* out, const Value& value);
// Decodes one value from the front of *in and advances it. False on bad bytes.
bool DecodeValue(std::string_view* in, Value* value);

}  // namespace kg::storage
