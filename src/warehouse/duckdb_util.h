// Internal to src/warehouse/: small RAII owners for raw DuckDB C API handles, and the mapping of
// DuckDB errors to Status. Nothing outside this folder may include it (DESIGN.md: no raw duckdb_*
// calls outside warehouse/).
#pragma once

#include <duckdb.h>

#include <string>

#include "common/status.h"
#include "warehouse/database.h"

namespace fleetlake::duckdb_util {

// Owns one handle and calls its destroy function once. The destroy functions of the C API take a
// pointer to the handle and null it, so a default-constructed owner is a safe no-op.
template <typename H, void (*Destroy)(H*)>
class Owned {
 public:
  Owned() = default;
  explicit Owned(H h) : h_(h) {}
  Owned(Owned&& o) noexcept : h_(o.h_) { o.h_ = nullptr; }
  Owned& operator=(Owned&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = o.h_;
      o.h_ = nullptr;
    }
    return *this;
  }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() { reset(); }

  void reset() {
    if (h_) Destroy(&h_);
    h_ = nullptr;
  }
  H get() const { return h_; }
  H* out() {  // for C API out-parameters
    reset();
    return &h_;
  }

 private:
  H h_ = nullptr;
};

using LogicalType = Owned<duckdb_logical_type, duckdb_destroy_logical_type>;
using DataChunk = Owned<duckdb_data_chunk, duckdb_destroy_data_chunk>;
using Prepared = Owned<duckdb_prepared_statement, duckdb_destroy_prepare>;
inline void DestroyAppender(duckdb_appender* a) { duckdb_appender_destroy(a); }
using Appender = Owned<duckdb_appender, DestroyAppender>;
using ErrorData = Owned<duckdb_error_data, duckdb_destroy_error_data>;

// duckdb_result is a struct, not a pointer: it is destroyed even when the query failed.
class ResultOwner {
 public:
  ResultOwner() = default;
  ResultOwner(const ResultOwner&) = delete;
  ResultOwner& operator=(const ResultOwner&) = delete;
  ~ResultOwner() { duckdb_destroy_result(&r_); }
  duckdb_result* get() { return &r_; }

 private:
  duckdb_result r_{};
};

// The raw connection behind a Connection, for C API calls the wrapper does not cover (appenders).
struct Access {
  static duckdb_connection Raw(Connection& conn);
};

// A Status for a failed DuckDB call: the code follows the error class (I/O, lock/transaction
// conflict, bad SQL), the message is DuckDB's own text.
Status ErrorStatus(duckdb_error_type type, const std::string& message);
Status ResultError(duckdb_result* result);

// "VARCHAR", "DOUBLE", "DECIMAL(18,3)", "TIMESTAMP WITH TIME ZONE", ... as DuckDB spells them.
std::string TypeName(duckdb_logical_type type);

}  // namespace fleetlake::duckdb_util
