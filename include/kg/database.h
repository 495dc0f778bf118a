// Database: one kg directory, opened by one process at a time for writing
// (or by several read-only). Thread-safe; share one Database between threads.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kg/options.h"
#include "kg/status.h"
#include "kg/transaction.h"

namespace kg {

// A property index or unique constraint on (label, property).
struct IndexSpec {
  std::string label;
  std::string property;
  // Empty: a name is made from the label and property.
  std::string name;
  // A unique constraint: no two nodes with label share a value of property.
  bool unique = false;
  // When an index or constraint of that name or on that (label, property)
  // and kind exists: succeed without change instead of failing.
  bool if_not_exists = false;
};

// A full-text index over the string (and list of string) properties of the
// nodes with any of labels, or of the relationships with any of the types
// in labels (relationships). Searched with Transaction::Search, or in
// Cypher with db.index.fulltext.queryNodes / queryRelationships.
struct FullTextIndexSpec {
  std::string name;
  bool relationships = false;
  std::vector<std::string> labels;      // labels, or relationship types
  std::vector<std::string> properties;  // at most 255
  // "standard", "english" or "cjk" (README, "Full-text search").
  std::string analyzer = "standard";
  bool if_not_exists = false;
};

struct IndexInfo {
  std::string name;
  std::string label;     // a property index's; a full-text index's first
  std::string property;  // a property index's; a full-text index's first
  bool unique = false;
  bool fulltext = false;
  // A full-text index's:
  bool relationships = false;
  std::vector<std::string> labels, properties;
  std::string analyzer;
};

class Database {
 public:
  // Opens (or, with options.create_if_missing, creates) the database in the
  // directory path. Several processes may have one directory open at once
  // (see Options::busy_timeout). Fails with kNotSupported when it was
  // written by a newer kg.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, const Options& options = {});

  // Closes the database. Transactions still alive keep the storage open
  // until they are destroyed.
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const;
  bool read_only() const;

  // Begins a transaction on a snapshot of the current state, which holds
  // every commit of any process made before. A write transaction holds its
  // process's turn to write until it ends: Begin waits while another
  // process writes, and fails with kBusy after Options::busy_timeout.
  Result<Transaction> Begin(const TransactionOptions& options = {}) const;

  // Creates an index (or unique constraint) and fills it from existing data,
  // atomically. A unique constraint fails with kConstraintViolation, naming
  // two nodes, when existing data already violates it. Transactions that
  // began before and write afterwards fail to commit with kConflict.
  Status CreateIndex(const IndexSpec& spec);
  // Creates several at once, as if one after another but atomically: all
  // of them or none. The nodes are read once for all of them. (*added)[i]
  // tells whether specs[i] made one (not so for an if_not_exists spec that
  // found its index already there).
  Status CreateIndexes(std::span<const IndexSpec> specs, std::vector<bool>* added = nullptr);
  // Creates a full-text index and fills it from existing data, atomically,
  // in bounded memory. InvalidArgument for an unknown analyzer, no label or
  // no property, or a name in use (unless if_not_exists).
  Status CreateFullTextIndex(const FullTextIndexSpec& spec);
  // Drops the index or constraint called name; NotFound if there is none.
  Status DropIndex(std::string_view name);
  std::vector<IndexInfo> Indexes() const;

  // Rewrites the stored data into its most compact form and waits for it.
  // Worth doing after a large load: reads get cheaper and later opens find
  // no background work left. Safe to call at any time.
  Status Compact();

  // Every name ever used, in order of first use.
  std::vector<std::string> Labels() const;
  std::vector<std::string> EdgeTypes() const;
  std::vector<std::string> PropertyKeys() const;

  class Impl;

 private:
  friend struct internal::Access;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kg
