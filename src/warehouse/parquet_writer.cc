#include "warehouse/parquet_writer.h"

#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "warehouse/database.h"
#include "warehouse/duckdb_util.h"

namespace fleetlake {
namespace {

namespace fs = std::filesystem;
using duckdb_util::Appender;
using duckdb_util::DataChunk;
using duckdb_util::LogicalType;

constexpr const char* kTable = "fl_batch";

duckdb_type DuckType(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return DUCKDB_TYPE_VARCHAR;
    case ColumnType::kDouble:
      return DUCKDB_TYPE_DOUBLE;
    case ColumnType::kBigint:
      return DUCKDB_TYPE_BIGINT;
    case ColumnType::kBoolean:
      return DUCKDB_TYPE_BOOLEAN;
    case ColumnType::kTimestamp:
      return DUCKDB_TYPE_TIMESTAMP;
  }
  return DUCKDB_TYPE_VARCHAR;
}

// The column vectors must agree with num_rows, or filling the chunks would read out of bounds.
Status CheckBatch(const ColumnBatch& batch) {
  if (batch.columns.empty()) return Status::InvalidArgument("batch has no columns");
  const size_t n = batch.num_rows;
  for (const auto& c : batch.columns) {
    size_t values = 0;
    switch (c.type) {
      case ColumnType::kString:
        values = c.offsets.size() - 1;
        if (c.offsets.empty() || c.offsets.back() > c.chars.size()) values = SIZE_MAX;
        break;
      case ColumnType::kDouble:
        values = c.f64.size();
        break;
      default:
        values = c.i64.size();
        break;
    }
    if (c.valid.size() != n || values != n) {
      return Status::Internal(fmt::format("column {} holds {} values for {} rows", c.name,
                                          c.valid.size() != n ? c.valid.size() : values, n));
    }
  }
  return Status::OK();
}

// Copies rows [begin, begin + count) of `col` into `vec`, values and validity.
void FillVector(const ColumnData& col, size_t begin, size_t count, duckdb_vector vec) {
  bool has_null = false;
  for (size_t i = 0; i < count; ++i) has_null |= col.valid[begin + i] == 0;
  uint64_t* validity = nullptr;
  if (has_null) duckdb_vector_ensure_validity_writable(vec);
  validity = duckdb_vector_get_validity(vec);  // may still be null: then every row is valid
  if (validity) {
    for (size_t i = 0; i < count; ++i) {
      duckdb_validity_set_row_validity(validity, i, col.valid[begin + i] != 0);
    }
  }
  void* data = duckdb_vector_get_data(vec);
  switch (col.type) {
    case ColumnType::kString:
      for (size_t i = 0; i < count; ++i) {
        if (!col.valid[begin + i]) continue;
        std::string_view s = col.StringAt(begin + i);
        duckdb_vector_assign_string_element_len(vec, i, s.data(), s.size());
      }
      break;
    case ColumnType::kDouble:
      std::memcpy(data, col.f64.data() + begin, count * sizeof(double));
      break;
    case ColumnType::kBoolean: {
      auto* out = static_cast<bool*>(data);
      for (size_t i = 0; i < count; ++i) out[i] = col.i64[begin + i] != 0;
      break;
    }
    case ColumnType::kBigint:
    case ColumnType::kTimestamp:  // duckdb_timestamp is int64 microseconds since the epoch
      std::memcpy(data, col.i64.data() + begin, count * sizeof(int64_t));
      break;
  }
}

class DuckDbParquetWriter : public ParquetWriter {
 public:
  DuckDbParquetWriter(Database db, Connection conn) : db_(std::move(db)), conn_(std::move(conn)) {}

  Status Write(const ColumnBatch& batch, const std::string& path) override {
    std::lock_guard<std::mutex> lock(mu_);  // one in-memory table per writer
    Status st = WriteLocked(batch, path);
    (void)conn_.Execute(fmt::format("DROP TABLE IF EXISTS {}", kTable));
    return st.WithContext(fmt::format("writing {}", path));
  }

 private:
  Status WriteLocked(const ColumnBatch& batch, const std::string& path) {
    FL_RETURN_IF_ERROR(CheckBatch(batch));
    std::string ddl = fmt::format("CREATE OR REPLACE TABLE {} (", kTable);
    for (size_t c = 0; c < batch.columns.size(); ++c) {
      const auto& col = batch.columns[c];
      ddl += fmt::format("{}{} {}", c ? ", " : "", QuoteIdentifier(col.name),
                         ColumnSqlType(col.type));
    }
    FL_RETURN_IF_ERROR(conn_.Execute(ddl + ")"));
    FL_RETURN_IF_ERROR(Fill(batch));

    const fs::path final_path(path);
    std::error_code ec;
    if (final_path.has_parent_path()) fs::create_directories(final_path.parent_path(), ec);
    if (ec) return Status::IOError(fmt::format("cannot create folder: {}", ec.message()));
    // Same folder as the target so the rename is atomic; a leading dot keeps the half-written file
    // out of "*.parquet" globs.
    static std::atomic<uint64_t> counter{0};
    const fs::path tmp =
        final_path.parent_path() / fmt::format(".{}.tmp-{}-{}", final_path.filename().string(),
                                               getpid(), counter.fetch_add(1));
    Status st = conn_.Execute(fmt::format("COPY {} TO {} (FORMAT parquet, COMPRESSION zstd)",
                                          kTable, QuoteLiteral(tmp.string())));
    if (st.ok()) {
      fs::rename(tmp, final_path, ec);
      if (ec) st = Status::IOError(fmt::format("cannot rename into place: {}", ec.message()));
    }
    if (!st.ok()) fs::remove(tmp, ec);
    return st;
  }

  // Appends the batch with data chunks of duckdb_vector_size() rows, filled in place: no per-value
  // C API call except for strings.
  Status Fill(const ColumnBatch& batch) {
    Appender appender;
    if (duckdb_appender_create(duckdb_util::Access::Raw(conn_), nullptr, kTable, appender.out()) !=
        DuckDBSuccess) {
      return Status::Internal("cannot create appender");
    }
    const size_t ncols = batch.columns.size();
    std::vector<LogicalType> owned;
    std::vector<duckdb_logical_type> types;
    for (const auto& col : batch.columns) {
      owned.emplace_back(duckdb_create_logical_type(DuckType(col.type)));
      types.push_back(owned.back().get());
    }
    DataChunk chunk(duckdb_create_data_chunk(types.data(), ncols));
    const size_t step = duckdb_vector_size();
    for (size_t begin = 0; begin < batch.num_rows; begin += step) {
      const size_t count = std::min(step, batch.num_rows - begin);
      duckdb_data_chunk_reset(chunk.get());
      for (size_t c = 0; c < ncols; ++c) {
        FillVector(batch.columns[c], begin, count, duckdb_data_chunk_get_vector(chunk.get(), c));
      }
      duckdb_data_chunk_set_size(chunk.get(), count);
      if (duckdb_append_data_chunk(appender.get(), chunk.get()) != DuckDBSuccess) {
        return AppenderError(appender);
      }
    }
    if (duckdb_appender_close(appender.get()) != DuckDBSuccess) return AppenderError(appender);
    return Status::OK();
  }

  static Status AppenderError(Appender& appender) {
    duckdb_util::ErrorData err(duckdb_appender_error_data(appender.get()));
    const char* msg = duckdb_error_data_message(err.get());
    return duckdb_util::ErrorStatus(duckdb_error_data_error_type(err.get()),
                                    fmt::format("appending rows: {}", msg ? msg : "unknown"));
  }

  std::mutex mu_;
  Database db_;
  Connection conn_;
};

}  // namespace

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Open() {
  FL_ASSIGN_OR_RETURN(Database db, Database::Open(":memory:"));
  FL_ASSIGN_OR_RETURN(Connection conn, db.Connect());
  return std::unique_ptr<ParquetWriter>(
      std::make_unique<DuckDbParquetWriter>(std::move(db), std::move(conn)));
}

}  // namespace fleetlake
