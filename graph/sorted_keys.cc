#include "graph/sorted_keys.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <queue>


#include "storage/store.h"

namespace kg::graph {

namespace {

// Length-prefixed keys in a run file, read back one at a time.
class RunReader {
 public:
  explicit RunReader(const std::string& path) : in_(path, std::ios::binary) {}
  bool open() const { return static_cast<bool>(in_); }
  bool valid() const { return valid_; }
  bool failed() const { return in_.bad() || (!in_.eof() && in_.fail()); }
  std::string_view key() const { return key_; }
  void Next() {
    uint32_t n = 0;
    valid_ = static_cast<bool>(in_.read(reinterpret_cast<char*>(&n), sizeof n));
    if (!valid_) return;
    key_.resize(n);
    valid_ = static_cast<bool>(in_.read(key_.data(), n));
  }

 private:
  std::ifstream in_;
  std::string key_;
  bool valid_ = false;
};

}  // namespace

SortedKeys::SortedKeys(std::string dir, std::string name, size_t budget)
    : dir_(std::move(dir)), name_(std::move(name)), budget_(budget) {}

SortedKeys::~SortedKeys() {
  std::error_code ec;
  for (const std::string& f : files_) std::filesystem::remove(f, ec);
}

void SortedKeys::Sort() {
  const char* base = arena_.data();
  auto less = [base](const Entry& a, const Entry& b) {
    int c = std::memcmp(base + a.offset, base + b.offset, std::min(a.size, b.size));
    return c != 0 ? c < 0 : a.size < b.size;
  };
  // Keys often come in order already (label keys of nodes loaded a label
  // at a time, index values that grow with the node ids).
  if (!std::is_sorted(entries_.begin(), entries_.end(), less)) std::sort(entries_.begin(), entries_.end(), less);
}

void SortedKeys::Clear() {
  entries_.clear();
  entries_.shrink_to_fit();
  arena_.clear();
  arena_.shrink_to_fit();
}

Status SortedKeys::Spill() {
  if (entries_.empty()) return Status::OK();
  Sort();
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::IOError(dir_ + ": " + ec.message());
  std::string path = dir_ + "/" + name_ + "." + std::to_string(files_.size()) + ".run";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  files_.push_back(path);  // removed with this, written or not
  for (const Entry& e : entries_) {
    out.write(reinterpret_cast<const char*>(&e.size), sizeof e.size);
    out.write(arena_.data() + e.offset, e.size);
  }
  out.close();
  if (!out) return Status::IOError(path + ": writing a sorted run failed");
  Clear();
  return Status::OK();
}

Status SortedKeys::Merge(std::span<SortedKeys* const> parts, const std::function<Status(std::string_view)>& fn) {
  // The sources: every run file of every part, then each part's memory.
  std::vector<std::unique_ptr<RunReader>> readers;
  std::vector<std::pair<SortedKeys*, size_t>> memories;  // part, position
  for (SortedKeys* p : parts) {
    for (const std::string& f : p->files_) {
      auto r = std::make_unique<RunReader>(f);
      if (!r->open()) return Status::IOError(f + ": cannot read a sorted run");
      r->Next();
      if (r->failed()) return Status::IOError(f + ": reading a sorted run failed");
      if (r->valid()) readers.push_back(std::move(r));
    }
    p->Sort();
    if (!p->entries_.empty()) memories.emplace_back(p, 0);
  }
  auto key_of = [&](size_t source) -> std::string_view {
    if (source < readers.size()) return readers[source]->key();
    auto [p, at] = memories[source - readers.size()];
    return p->At(p->entries_[at]);
  };
  auto greater = [&](size_t a, size_t b) { return key_of(a) > key_of(b); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(greater)> heap(greater);
  for (size_t i = 0; i < readers.size() + memories.size(); ++i) heap.push(i);
  while (!heap.empty()) {
    size_t source = heap.top();
    heap.pop();
    if (Status s = fn(key_of(source)); !s.ok()) return s;
    if (source < readers.size()) {
      RunReader& r = *readers[source];
      r.Next();
      if (r.failed()) return Status::IOError("reading a sorted run of " + parts[0]->name_ + " failed");
      if (r.valid()) heap.push(source);
    } else {
      auto& [p, at] = memories[source - readers.size()];
      if (++at < p->entries_.size()) heap.push(source);
    }
  }
  readers.clear();
  for (SortedKeys* p : parts) {
    p->Clear();
    std::error_code ec;
    for (const std::string& f : p->files_) std::filesystem::remove(f, ec);
    p->files_.clear();
    p->count_ = 0;
  }
  return Status::OK();
}

Status SortedKeys::WriteFile(std::span<SortedKeys* const> parts, storage::SstWriter& writer, bool* written,
                             const std::function<Status(std::string_view)>& check) {
  Source source{{parts.begin(), parts.end()}, check};
  return WriteFile(std::span<const Source>(&source, 1), writer, written);
}

Status SortedKeys::WriteFile(std::span<const Source> sources, storage::SstWriter& writer, bool* written) {
  *written = false;
  uint64_t count = 0;
  for (const Source& source : sources)
    for (SortedKeys* p : source.parts) count += p->count_;
  if (count == 0) return Status::OK();
  if (Status s = writer.Open(); !s.ok()) return s;
  for (const Source& source : sources) {
    Status s = Merge(source.parts, [&](std::string_view k) {
      if (source.check)
        if (Status c = source.check(k); !c.ok()) return c;
      return writer.Put(k, {});
    });
    if (!s.ok()) return s;
  }
  if (Status f = writer.Finish(); !f.ok()) return f;
  *written = true;
  return Status::OK();
}

}  // namespace kg::graph
