// The embedded SQL engine (DuckDB, C API only) behind RAII handles.
//
//   FL_ASSIGN_OR_RETURN(Database db, Database::Open("warehouse.duckdb"));
//   FL_ASSIGN_OR_RETURN(Connection conn, db.Connect());   // one per thread
//   FL_RETURN_IF_ERROR(conn.Execute("CREATE TABLE t (x BIGINT)"));
//   FL_ASSIGN_OR_RETURN(QueryResult r, conn.Query("SELECT x FROM t WHERE x > ?", {int64_t{1}}));
//
// No duckdb_* handle escapes this layer: callers see Status, Result<T> and text values.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"

namespace fleetlake {

// A bound statement parameter. std::monostate binds SQL NULL.
using Value = std::variant<std::monostate, std::string, int64_t, double, bool>;

// A fully materialised query result. Values are rendered as text exactly like DuckDB's CAST(x AS
// VARCHAR) (timestamps "2019-06-01 18:17:05.094", booleans "true"), NULL as std::nullopt.
struct QueryResult {
  std::vector<std::string> column_names;
  std::vector<std::string> column_types;  // "VARCHAR", "DOUBLE", "TIMESTAMP", "DECIMAL(18,3)", ...
  std::vector<std::vector<std::optional<std::string>>> rows;

  size_t num_rows() const { return rows.size(); }
  size_t num_columns() const { return column_names.size(); }
  // The value at (row, column name); nullopt when NULL or the column does not exist.
  std::optional<std::string> Get(size_t row, const std::string& column) const;
};

class Connection;
namespace duckdb_util {
struct Access;  // warehouse-internal access to the raw handle (appenders)
}

// An open database: ":memory:" or a file. Copies share the same engine instance; the file is closed
// when the last copy and the last Connection made from it are gone.
class Database {
 public:
  // Opens (creating if needed) the database at `path`. A file locked by another process gives
  // Status::Busy naming the path; other failures give IOError naming the path. Within one process,
  // opening the same file again returns the same engine instance (never a second, conflicting one);
  // every ":memory:" database is a new, private one.
  static Result<Database> Open(const std::string& path);

  // A new connection. Connections are not thread-safe: use one per thread.
  Result<Connection> Connect() const;

  const std::string& path() const { return path_; }

  struct Handle;  // owns the duckdb_database

 private:
  Database(std::shared_ptr<Handle> handle, std::string path)
      : handle_(std::move(handle)), path_(std::move(path)) {}
  std::shared_ptr<Handle> handle_;
  std::string path_;
};

// One session. Every connection has the scalar function (registered in the database's catalog
// when its first connection is made)
//   haversine_m(lat1 DOUBLE, lng1 DOUBLE, lat2 DOUBLE, lng2 DOUBLE) -> DOUBLE
// (great-circle distance in metres, Earth radius 6,371,000 m; NULL if any input is NULL).
class Connection {
 public:
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more ';'-separated statements, discarding any result.
  Status Execute(const std::string& sql);
  // Runs one statement with '?' / '$1' parameters bound from `params`.
  Status Execute(const std::string& sql, const std::vector<Value>& params);

  Result<QueryResult> Query(const std::string& sql);
  Result<QueryResult> Query(const std::string& sql, const std::vector<Value>& params);

  Status Begin();
  Status Commit();
  Status Rollback();

  struct Impl;  // owns the duckdb_connection (and keeps the database alive)

 private:
  friend class Database;
  friend struct duckdb_util::Access;
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Scoped transaction: rolls back on destruction unless Commit() succeeded.
//   FL_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(conn));
//   ... FL_RETURN_IF_ERROR(txn.Commit());
class Transaction {
 public:
  static Result<Transaction> Begin(Connection& conn);
  Transaction(Transaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status Commit();
  Status Rollback();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;  // null once committed or rolled back
};

// SQL quoting helpers: "ident" with embedded '"' doubled, 'literal' with embedded '\'' doubled.
std::string QuoteIdentifier(const std::string& name);
std::string QuoteLiteral(const std::string& text);

}  // namespace fleetlake
