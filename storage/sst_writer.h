// SstWriter: a sorted file of one keyspace's keys and values, made for
// Store::Ingest (bulk loads and index builds). Keys must come in order.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "kg/status.h"
#include "storage/key_codec.h"

namespace rocksdb {
class SstFileWriter;
}

namespace kg::storage {

class Store;

class SstWriter {
 public:
  // new_ids: the file holds records under ids no other file holds (see
  // Store::SstOptions).
  SstWriter(const Store& store, Keyspace ks, std::string path, bool new_ids = false);
  ~SstWriter();
  SstWriter(const SstWriter&) = delete;
  SstWriter& operator=(const SstWriter&) = delete;

  const std::string& path() const { return path_; }
  Status Open();
  Status Put(std::string_view key, std::string_view value);
  Status Finish();

 private:
  std::string path_;
  std::unique_ptr<rocksdb::SstFileWriter> writer_;
};

}  // namespace kg::storage
