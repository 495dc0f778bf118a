// Database::Impl: what a Database handle owns.
#pragma once

#include <memory>

#include "kg/database.h"
#include "storage/store.h"

namespace kg {

class Database::Impl {
 public:
  std::shared_ptr<storage::Store> store;
};

}  // namespace kg
