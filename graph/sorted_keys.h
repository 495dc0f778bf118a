// SortedKeys: keys given in any order and read back sorted, in bounded
// memory. Keys are appended to one buffer; when it outgrows its budget
// (or its owner says so) it is sorted and written to a run file, and the
// runs are merged when the keys are read. Several SortedKeys (say, filled
// by several threads) are read back as one.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>


#include "kg/status.h"
#include "storage/sst_writer.h"

namespace kg::graph {

class SortedKeys {
 public:
  // Run files are dir/name.N.run; dir is created when the first is written.
  // A budget of 0 leaves spilling to the owner (Spill).
  SortedKeys(std::string dir, std::string name, size_t budget = 0);
  ~SortedKeys();  // removes its run files
  SortedKeys(const SortedKeys&) = delete;
  SortedKeys& operator=(const SortedKeys&) = delete;

  // Adds the key that write appends to the string it is handed.
  template <class Write>
  Status AddWith(Write&& write) {
    size_t begin = arena_.size();
    write(&arena_);
    entries_.push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(arena_.size() - begin)});
    ++count_;
    return (budget_ != 0 && bytes() >= budget_) || arena_.size() >= kMaxArena ? Spill() : Status::OK();
  }
  Status Add(std::string_view k) {
    return AddWith([k](std::string* out) { out->append(k); });
  }

  // Memory the keys not yet spilled take.
  size_t bytes() const { return arena_.size() + entries_.size() * sizeof(Entry); }
  uint64_t count() const { return count_; }
  int runs() const { return static_cast<int>(files_.size()); }

  // Sorts what is in memory and writes it to a run file.
  Status Spill();

  // Calls fn on every key of parts in order (equal keys once each time
  // they were added). Leaves the parts empty.
  static Status Merge(std::span<SortedKeys* const> parts, const std::function<Status(std::string_view)>& fn);

  // Writes every key of parts, with empty values, to a sorted file for
  // ingestion, calling check on each first; *written is false when there
  // were none (and no file is made).
  static Status WriteFile(std::span<SortedKeys* const> parts, storage::SstWriter& writer, bool* written,
                          const std::function<Status(std::string_view)>& check = {});
  // Keys read back as one sorted sequence, each checked by check.
  struct Source {
    std::vector<SortedKeys*> parts;
    std::function<Status(std::string_view)> check;
  };
  // The same for several sources written one after another into one file.
  // REQUIRES: every key of a source sorts after every key of the one before.
  static Status WriteFile(std::span<const Source> sources, storage::SstWriter& writer, bool* written);

 private:
  // Offsets are 32-bit: a buffer never grows past this before it is spilled.
  static constexpr size_t kMaxArena = size_t{1} << 31;
  struct Entry {
    uint32_t offset, size;
  };
  std::string_view At(const Entry& e) const { return std::string_view(arena_.data() + e.offset, e.size); }
  void Sort();
  void Clear();

  std::string dir_, name_;
  size_t budget_;
  std::string arena_;
  std::vector<Entry> entries_;
  std::vector<std::string> files_;
  uint64_t count_ = 0;
};

}  // namespace kg::graph
