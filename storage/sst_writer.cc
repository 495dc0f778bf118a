#include "storage/sst_writer.h"

#include <rocksdb/sst_file_writer.h>

#include "storage/store.h"

namespace kg::storage {

SstWriter::SstWriter(const Store& store, Keyspace ks, std::string path, bool new_ids)
    : path_(std::move(path)),
      writer_(std::make_unique<rocksdb::SstFileWriter>(Store::SstFileOptions(), store.SstOptions(ks, new_ids), nullptr,
                                                       /*invalidate_page_cache=*/false)) {}

SstWriter::~SstWriter() = default;

Status SstWriter::Open() { return FromRocks(writer_->Open(path_), path_); }

Status SstWriter::Put(std::string_view key, std::string_view value) {
  rocksdb::Status s = writer_->Put(rocksdb::Slice(key.data(), key.size()), rocksdb::Slice(value.data(), value.size()));
  return s.ok() ? Status::OK() : FromRocks(s, path_);
}

Status SstWriter::Finish() { return FromRocks(writer_->Finish(), path_); }

}  // namespace kg::storage
