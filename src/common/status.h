// Status and Result<T>: how library code reports expected failures (bad config, I/O, bad data).
// Exceptions are reserved for programming errors. Modelled on LevelDB's Status and Arrow's Result.
#pragma once

#include <fmt/core.h>

#include <optional>
#include <string>
#include <utility>

namespace fleetlake {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // bad config, bad flag, bad key: the user must change something
    kNotFound,
    kIOError,
    kCorruption,  // data that cannot be what it claims to be
    kBusy,        // someone else holds the lake or the warehouse
    kCancelled,   // stopped by a signal
    kInternal,
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status Busy(std::string msg) { return {Code::kBusy, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {Code::kCancelled, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "IO error: could not open ..." — for logs and the CLI.
  std::string ToString() const;

  // Prefixes the message with where the failure happened: "reading raw/x.json: ...".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK status");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }

 private:
  Status status_;
  std::optional<T> value_;
};

#define FL_CONCAT_INNER(a, b) a##b
#define FL_CONCAT(a, b) FL_CONCAT_INNER(a, b)

#define FL_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::fleetlake::Status _fl_status = (expr); \
    if (!_fl_status.ok()) return _fl_status; \
  } while (0)

#define FL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()

// FL_ASSIGN_OR_RETURN(auto x, MakeX()); returns the error status from the enclosing function.
#define FL_ASSIGN_OR_RETURN(lhs, expr) \
  FL_ASSIGN_OR_RETURN_IMPL(FL_CONCAT(_fl_result_, __LINE__), lhs, expr)

}  // namespace fleetlake
