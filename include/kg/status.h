// Status and Result<T>: how every kg call reports failure. A call that can
// fail returns one of these; no exception crosses the public API, but for
// one misuse: reading the value of a failed Result (BadResultAccess).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace kg {

// Never renumber: codes are shown to users and stored in logs.
enum class StatusCode : int {
  kOk = 0,
  kNotFound = 1,           // the named node, edge, index, file... does not exist
  kInvalidArgument = 2,    // the caller asked for something malformed
  kConstraintViolation = 3,// a unique constraint or a delete-with-edges rule refused a write
  kConflict = 4,           // another transaction committed a conflicting write: retry
  kCorruption = 5,         // stored data is damaged
  kIOError = 6,            // the file system refused
  kNotSupported = 7,       // e.g. a database written by a newer format
  kReadOnly = 8,           // a write on a read-only database or transaction
  kBusy = 9,               // another process kept the turn to write past the busy timeout: retry
  kAborted = 10,           // cancelled, or the transaction is no longer usable
  kInternal = 11,          // a bug in kg
};

// Returns a short name for the code ("NotFound", "Conflict", ...).
const char* StatusCodeName(StatusCode code);

// The outcome of an operation: OK, or a code plus a message naming the
// offending thing ("node 42 does not exist"). Cheap to copy when OK.
class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return {}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status ConstraintViolation(std::string m) { return {StatusCode::kConstraintViolation, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status NotSupported(std::string m) { return {StatusCode::kNotSupported, std::move(m)}; }
  static Status ReadOnly(std::string m) { return {StatusCode::kReadOnly, std::move(m)}; }
  static Status Busy(std::string m) { return {StatusCode::kBusy, std::move(m)}; }
  static Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsConflict() const { return code_ == StatusCode::kConflict; }
  // True when retrying the whole transaction may succeed.
  bool IsRetryable() const { return code_ == StatusCode::kConflict || code_ == StatusCode::kBusy; }

  // "Conflict: node 7 was changed by another transaction" or "OK".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// What reading the value of a failed Result throws: a program that skipped
// the check stops with the status it skipped, not with an unexplained
// crash. The only exception kg's API throws, and only on this misuse.
class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Status& status)
      : std::logic_error("kg: the value of a failed Result was read; its status: " + status.ToString()),
        status_(status) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// A value or the Status explaining why there is none. Reading the value
// (value(), *, ->) of a Result that is not ok() throws BadResultAccess.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {}     // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    Check();
    return std::get<0>(state_);
  }
  const T& value() const& {
    Check();
    return std::get<0>(state_);
  }
  // By value on a temporary, so `for (auto& x : *txn.GetEdges(n, dir))`
  // iterates a live object rather than one destroyed before the loop.
  T value() && {
    Check();
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<1>(state_); }

 private:
  void Check() const {
    if (!ok()) throw BadResultAccess(std::get<1>(state_));
  }
  std::variant<T, Status> state_;
};

}  // namespace kg
