#include "warehouse/database.h"

#include <duckdb.h>
#include <fmt/core.h>

#include <atomic>
#include <mutex>

#include "warehouse/duckdb_util.h"
#include "warehouse/sql_functions.h"

namespace fleetlake {

using duckdb_util::Prepared;
using duckdb_util::ResultOwner;

struct Database::Handle {
  duckdb_database db = nullptr;
  // SQL functions live in the database-wide catalog: registered once, visible to every connection.
  std::atomic<bool> functions_registered{false};
  ~Handle() { duckdb_close(&db); }
};

struct Connection::Impl {
  std::shared_ptr<Database::Handle> db;  // the database outlives its connections
  duckdb_connection conn = nullptr;
  ~Impl() { duckdb_disconnect(&conn); }
};

std::optional<std::string> QueryResult::Get(size_t row, const std::string& column) const {
  for (size_t c = 0; c < column_names.size(); ++c) {
    if (column_names[c] == column) return rows.at(row).at(c);
  }
  return std::nullopt;
}

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string QuoteLiteral(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') out += '\'';
    out += ch;
  }
  return out + "'";
}

namespace {

// Two independent DuckDB instances on one file in one process would each believe they own it (the
// OS file lock is per process) and corrupt it. DuckDB's instance cache hands out the same instance
// for the same file instead. The cache is process-wide and deliberately never destroyed, so no
// static-destruction order can close it under a live Database. In-memory databases stay private.
duckdb_state OpenShared(const std::string& path, duckdb_database* out, char** error) {
  if (path.empty() || path == ":memory:") return duckdb_open_ext(":memory:", out, nullptr, error);
  static duckdb_instance_cache cache = duckdb_create_instance_cache();
  return duckdb_get_or_create_from_cache(cache, path.c_str(), out, nullptr, error);
}

}  // namespace

Result<Database> Database::Open(const std::string& path) {
  auto handle = std::make_shared<Handle>();
  char* error = nullptr;
  if (OpenShared(path, &handle->db, &error) != DuckDBSuccess) {
    std::string msg = error ? error : "unknown error";
    duckdb_free(error);
    // DuckDB takes an exclusive file lock per read-write process; losing that race is not an I/O
    // fault but "someone else has the warehouse", which the CLI reports differently.
    if (msg.find("lock") != std::string::npos) {
      return Status::Busy(fmt::format("warehouse {} is in use by another process ({})", path, msg));
    }
    return Status::IOError(fmt::format("cannot open warehouse {}: {}", path, msg));
  }
  return Database(std::move(handle), path);
}

Result<Connection> Database::Connect() const {
  auto impl = std::make_unique<Connection::Impl>();
  impl->db = handle_;
  if (duckdb_connect(handle_->db, &impl->conn) != DuckDBSuccess) {
    return Status::Internal(fmt::format("cannot connect to warehouse {}", path_));
  }
  if (!handle_->functions_registered.load()) {
    // Concurrent registrations of one function conflict in DuckDB's catalog, and handles opened on
    // the same file share one catalog: serialise registration process-wide. It happens once per
    // Database, so the lock is never contended in steady state.
    static std::mutex register_mu;
    std::lock_guard<std::mutex> lock(register_mu);
    if (!handle_->functions_registered.load()) {
      FL_RETURN_IF_ERROR(RegisterSqlFunctions(impl->conn));
      handle_->functions_registered.store(true);
    }
  }
  return Connection(std::move(impl));
}

duckdb_connection duckdb_util::Access::Raw(Connection& conn) { return conn.impl_->conn; }

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

namespace {

// Renders a materialised result as text. duckdb_value_string casts each value with DuckDB's own
// VARCHAR cast, which is exactly the rendering we promise; its "deprecated" note concerns speed,
// and results here are small (reports, stats, marts shown to a person).
QueryResult Materialise(duckdb_result* r) {
  QueryResult out;
  const idx_t ncols = duckdb_column_count(r);
  const idx_t nrows = duckdb_row_count(r);
  for (idx_t c = 0; c < ncols; ++c) {
    out.column_names.emplace_back(duckdb_column_name(r, c));
    duckdb_util::LogicalType type(duckdb_column_logical_type(r, c));
    out.column_types.push_back(duckdb_util::TypeName(type.get()));
  }
  out.rows.reserve(nrows);
  for (idx_t row = 0; row < nrows; ++row) {
    std::vector<std::optional<std::string>> values(ncols);
    for (idx_t c = 0; c < ncols; ++c) {
      if (duckdb_value_is_null(r, c, row)) continue;
      duckdb_string s = duckdb_value_string(r, c, row);
      if (s.data) values[c] = std::string(s.data, s.size);
      duckdb_free(s.data);
    }
    out.rows.push_back(std::move(values));
  }
  return out;
}

Status Bind(duckdb_prepared_statement stmt, const std::vector<Value>& params) {
  const idx_t expected = duckdb_nparams(stmt);
  if (expected != params.size()) {
    return Status::InvalidArgument(
        fmt::format("statement has {} parameters, {} given", expected, params.size()));
  }
  for (idx_t i = 0; i < params.size(); ++i) {
    const idx_t idx = i + 1;  // parameters are 1-based
    duckdb_state st = std::visit(
        [&](const auto& v) -> duckdb_state {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            return duckdb_bind_null(stmt, idx);
          } else if constexpr (std::is_same_v<T, std::string>) {
            return duckdb_bind_varchar_length(stmt, idx, v.data(), v.size());
          } else if constexpr (std::is_same_v<T, int64_t>) {
            return duckdb_bind_int64(stmt, idx, v);
          } else if constexpr (std::is_same_v<T, double>) {
            return duckdb_bind_double(stmt, idx, v);
          } else {
            return duckdb_bind_boolean(stmt, idx, v);
          }
        },
        params[i]);
    if (st != DuckDBSuccess) {
      return Status::InvalidArgument(fmt::format("cannot bind parameter {}", idx));
    }
  }
  return Status::OK();
}

// Prepares `sql`, binds `params` and runs it into `result`.
Status RunPrepared(duckdb_connection conn, const std::string& sql, const std::vector<Value>& params,
                   duckdb_result* result) {
  Prepared stmt;
  if (duckdb_prepare(conn, sql.c_str(), stmt.out()) != DuckDBSuccess) {
    const char* msg = duckdb_prepare_error(stmt.get());
    return Status::InvalidArgument(msg ? msg : "cannot prepare statement");
  }
  FL_RETURN_IF_ERROR(Bind(stmt.get(), params));
  if (duckdb_execute_prepared(stmt.get(), result) != DuckDBSuccess) {
    return duckdb_util::ResultError(result);
  }
  return Status::OK();
}

}  // namespace

Status Connection::Execute(const std::string& sql) {
  ResultOwner r;
  if (duckdb_query(impl_->conn, sql.c_str(), r.get()) != DuckDBSuccess) {
    return duckdb_util::ResultError(r.get());
  }
  return Status::OK();
}

Status Connection::Execute(const std::string& sql, const std::vector<Value>& params) {
  ResultOwner r;
  return RunPrepared(impl_->conn, sql, params, r.get());
}

Result<QueryResult> Connection::Query(const std::string& sql) {
  ResultOwner r;
  if (duckdb_query(impl_->conn, sql.c_str(), r.get()) != DuckDBSuccess) {
    return duckdb_util::ResultError(r.get());
  }
  return Materialise(r.get());
}

Result<QueryResult> Connection::Query(const std::string& sql, const std::vector<Value>& params) {
  ResultOwner r;
  FL_RETURN_IF_ERROR(RunPrepared(impl_->conn, sql, params, r.get()));
  return Materialise(r.get());
}

Status Connection::Begin() { return Execute("BEGIN TRANSACTION"); }
Status Connection::Commit() { return Execute("COMMIT"); }
Status Connection::Rollback() { return Execute("ROLLBACK"); }

Result<Transaction> Transaction::Begin(Connection& conn) {
  FL_RETURN_IF_ERROR(conn.Begin());
  return Transaction(&conn);
}

Transaction::~Transaction() {
  if (conn_) (void)conn_->Rollback();  // nothing useful to do if rollback itself fails
}

Status Transaction::Commit() {
  if (!conn_) return Status::Internal("transaction already finished");
  Connection* conn = conn_;
  conn_ = nullptr;
  Status st = conn->Commit();
  // A failed COMMIT (e.g. a conflict) leaves DuckDB's transaction aborted: roll it back so the
  // connection is usable again.
  if (!st.ok()) (void)conn->Rollback();
  return st;
}

Status Transaction::Rollback() {
  if (!conn_) return Status::OK();
  Connection* conn = conn_;
  conn_ = nullptr;
  return conn->Rollback();
}

}  // namespace fleetlake
