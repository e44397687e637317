#include "warehouse/crawl.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <set>
#include <thread>


namespace fleetlake {
namespace {

struct ExpectedColumn {
  std::string name;
  std::string sql_type;
};

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string DateText(int32_t days) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string DateLiteral(int32_t days) { return fmt::format("DATE '{}'", DateText(days)); }

std::string FileList(const std::vector<std::string>& files) {
  std::string out = "[";
  for (size_t i = 0; i < files.size(); ++i) out += (i ? ", " : "") + QuoteLiteral(files[i]);
  return out + "]";
}

// read_parquet over a file list. Hive partitioning is switched off because the structured zone's
// folders look like "event_date=…" and DuckDB would otherwise add that key as a column; by-name
// union so column order inside a file does not matter.
std::string ReadParquet(const std::vector<std::string>& files) {
  return fmt::format("read_parquet({}, hive_partitioning = false, union_by_name = true)",
                     FileList(files));
}

// Config columns, then source_key and source_line: what every file of the entity must hold.
std::vector<ExpectedColumn> FileSchema(const EntityConfig& entity) {
  std::vector<ExpectedColumn> cols;
  for (const auto& c : entity.columns) cols.push_back({c.name, ColumnSqlType(c.type)});
  cols.push_back({kSourceKeyColumn, "VARCHAR"});
  cols.push_back({kSourceLineColumn, "BIGINT"});
  return cols;
}

Status CheckEntity(const EntityConfig& entity) {
  if (entity.name.empty()) return Status::InvalidArgument("entity has no name");
  if (entity.columns.empty()) {
    return Status::InvalidArgument(fmt::format("entity {} has no columns", entity.name));
  }
  if (entity.partition_by.name.empty()) {
    return Status::InvalidArgument(fmt::format("entity {} has no partition name", entity.name));
  }
  for (const auto& c : entity.columns) {
    if (Lower(c.name) == Lower(entity.partition_by.name) || Lower(c.name) == kSourceKeyColumn ||
        Lower(c.name) == kSourceLineColumn) {
      return Status::InvalidArgument(fmt::format(
          "entity {}: column {} clashes with a column fleetlake adds", entity.name, c.name));
    }
  }
  for (int k : entity.unique_key) {
    if (k < 0 || static_cast<size_t>(k) >= entity.columns.size()) {
      return Status::InvalidArgument(
          fmt::format("entity {}: unique_key index {} is not a column", entity.name, k));
    }
  }
  return Status::OK();
}

Status CheckFileSchema(Connection& conn, const EntityConfig& entity, const std::string& file) {
  FL_ASSIGN_OR_RETURN(QueryResult desc,
                      conn.Query(fmt::format("DESCRIBE SELECT * FROM {}", ReadParquet({file}))));
  std::map<std::string, std::string> found;  // lower-case name -> type
  for (const auto& row : desc.rows) {
    found[Lower(row.at(0).value_or(""))] = row.at(1).value_or("");
  }
  std::set<std::string> expected_names;
  for (const auto& col : FileSchema(entity)) {
    expected_names.insert(Lower(col.name));
    auto it = found.find(Lower(col.name));
    if (it == found.end()) {
      return Status::InvalidArgument(
          fmt::format("{}: column {} ({} expected) is missing (entity {})", file, col.name,
                      col.sql_type, entity.name));
    }
    if (it->second != col.sql_type) {
      return Status::InvalidArgument(
          fmt::format("{}: column {} has type {}, expected {} (entity {})", file, col.name,
                      it->second, col.sql_type, entity.name));
    }
  }
  for (const auto& row : desc.rows) {
    const std::string name = row.at(0).value_or("");
    if (!expected_names.count(Lower(name))) {
      return Status::InvalidArgument(fmt::format("{}: column {} ({}) is not a column of entity {}",
                                                 file, name, row.at(1).value_or(""), entity.name));
    }
  }
  return Status::OK();
}

// Creates the entity's table, or adds the configured columns it lacks. A column whose type changed
// in the config is an error: converting stored data is a decision for a person.
Status EnsureTable(Connection& conn, const EntityConfig& entity) {
  std::vector<ExpectedColumn> cols = FileSchema(entity);
  cols.push_back({entity.partition_by.name, "DATE"});
  const std::string table = QuoteIdentifier(entity.name);
  std::string ddl = fmt::format("CREATE TABLE IF NOT EXISTS {} (", table);
  for (size_t i = 0; i < cols.size(); ++i) {
    ddl += fmt::format("{}{} {}", i ? ", " : "", QuoteIdentifier(cols[i].name), cols[i].sql_type);
  }
  FL_RETURN_IF_ERROR(conn.Execute(ddl + ")"));

  FL_ASSIGN_OR_RETURN(QueryResult existing,
                      conn.Query("SELECT column_name, data_type FROM duckdb_columns() "
                                 "WHERE database_name = current_database() AND "
                                 "schema_name = current_schema() AND table_name = ?",
                                 {entity.name}));
  std::map<std::string, std::string> have;
  for (const auto& row : existing.rows) have[Lower(row[0].value_or(""))] = row[1].value_or("");
  for (const auto& col : cols) {
    auto it = have.find(Lower(col.name));
    if (it == have.end()) {
      FL_RETURN_IF_ERROR(conn.Execute(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", table,
                                                  QuoteIdentifier(col.name), col.sql_type)));
    } else if (it->second != col.sql_type) {
      return Status::InvalidArgument(fmt::format(
          "table {}: column {} has type {} but the config says {}; alter or drop it by hand",
          entity.name, col.name, it->second, col.sql_type));
    }
  }
  return Status::OK();
}

// Merges entries of the same date and sorts by date.
std::vector<PartitionFiles> Normalise(const std::vector<PartitionFiles>& partitions) {
  std::map<int32_t, std::vector<std::string>> by_date;
  for (const auto& p : partitions) {
    auto& files = by_date[p.date_days];
    files.insert(files.end(), p.files.begin(), p.files.end());
  }
  std::vector<PartitionFiles> out;
  for (auto& [date, files] : by_date) {
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    out.push_back({date, std::move(files)});
  }
  return out;
}

// SELECT of all rows of all partitions' files, with the partition column added.
std::string SourceRows(const EntityConfig& entity, const std::vector<PartitionFiles>& parts) {
  std::string cols;
  for (const auto& c : FileSchema(entity)) cols += QuoteIdentifier(c.name) + ", ";
  std::string sql;
  for (const auto& p : parts) {
    if (p.files.empty()) continue;
    if (!sql.empty()) sql += "\n  UNION ALL ";
    sql += fmt::format("SELECT {}{} AS {} FROM {}", cols, DateLiteral(p.date_days),
                       QuoteIdentifier(entity.partition_by.name), ReadParquet(p.files));
  }
  return sql;
}

// The INSERT that de-duplicates: per partition and unique key, the row with the smallest
// (source_key, source_line) wins; the remaining columns only break exact ties so the choice is
// deterministic even then.
std::string InsertSql(const EntityConfig& entity, const std::vector<PartitionFiles>& parts) {
  std::vector<std::string> key_cols;
  if (entity.unique_key.empty()) {
    for (const auto& c : entity.columns) key_cols.push_back(QuoteIdentifier(c.name));
  } else {
    for (int k : entity.unique_key) key_cols.push_back(QuoteIdentifier(entity.columns[k].name));
  }
  std::string partition_by = QuoteIdentifier(entity.partition_by.name);
  for (const auto& k : key_cols) partition_by += ", " + k;
  std::string order_by =
      fmt::format("{}, {}", QuoteIdentifier(kSourceKeyColumn), QuoteIdentifier(kSourceLineColumn));
  for (const auto& c : entity.columns) order_by += ", " + QuoteIdentifier(c.name);

  std::string cols;
  for (const auto& c : FileSchema(entity)) cols += QuoteIdentifier(c.name) + ", ";
  cols += QuoteIdentifier(entity.partition_by.name);
  return fmt::format(
      "INSERT INTO {table} ({cols})\n"
      "SELECT {cols} FROM (\n  {src}\n) AS src\n"
      "QUALIFY row_number() OVER (PARTITION BY {pby} ORDER BY {oby}) = 1",
      fmt::arg("table", QuoteIdentifier(entity.name)), fmt::arg("cols", cols),
      fmt::arg("src", SourceRows(entity, parts)), fmt::arg("pby", partition_by),
      fmt::arg("oby", order_by));
}

std::string DateList(const std::vector<PartitionFiles>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    out += (i ? ", " : "") + DateLiteral(parts[i].date_days);
  }
  return out;
}

// Row count per partition date of a SELECT returning (date text, count).
Result<std::map<std::string, int64_t>> CountsByDate(Connection& conn, const std::string& sql) {
  FL_ASSIGN_OR_RETURN(QueryResult r, conn.Query(sql));
  std::map<std::string, int64_t> out;
  for (const auto& row : r.rows) {
    out[row[0].value_or("")] = std::stoll(row[1].value_or("0"));
  }
  return out;
}

Status RecordStats(Connection& conn, const EntityConfig& entity, const CrawlStats& stats,
                   const std::string& dates) {
  FL_RETURN_IF_ERROR(
      conn.Execute(fmt::format("DELETE FROM {} WHERE entity = ? AND partition_date IN ({})",
                               QuoteIdentifier(kPartitionsTable), dates),
                   {entity.name}));
  // Wall-clock UTC from here rather than now(): now() is TIMESTAMPTZ and its cast to TIMESTAMP
  // would follow the session time zone.
  const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (const auto& p : stats.partitions) {
    FL_RETURN_IF_ERROR(conn.Execute(
        fmt::format("INSERT INTO {} VALUES (?, {}, ?, ?, ?, ?, make_timestamp(CAST(? AS BIGINT)))",
                    QuoteIdentifier(kPartitionsTable), DateLiteral(p.date_days)),
        {entity.name, p.files, p.rows_read, p.rows_written, p.duplicates, now_us}));
  }
  return Status::OK();
}

// The stats table is shared by all entities, whose crawls may run in parallel (the DAG runs
// crawl_vehicle and crawl_operating_period side by side). Creating it inside each crawl's
// transaction would make two first-ever crawls conflict on the catalog, so it is created up front
// in its own auto-committed statement; losing a creation race to another crawl (Busy: catalog
// write-write conflict) is retried after a short pause, by which time the table exists.
Status EnsureStatsTable(Connection& conn) {
  const std::string ddl = fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (entity VARCHAR, partition_date DATE, files BIGINT, "
      "rows_read BIGINT, \"rows\" BIGINT, duplicates BIGINT, crawled_at TIMESTAMP)",
      QuoteIdentifier(kPartitionsTable));
  Status st = conn.Execute(ddl);
  for (int attempt = 0; attempt < 5 && st.code() == Status::Code::kBusy; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10 << attempt));
    st = conn.Execute(ddl);
  }
  return st;
}

Result<CrawlStats> CrawlInTransaction(Connection& conn, const EntityConfig& entity,
                                      const std::vector<PartitionFiles>& parts) {
  FL_RETURN_IF_ERROR(EnsureTable(conn, entity));
  const std::string dates = DateList(parts);
  const std::string table = QuoteIdentifier(entity.name);
  const std::string part_col = QuoteIdentifier(entity.partition_by.name);

  std::string count_read;
  for (const auto& p : parts) {
    if (p.files.empty()) continue;
    count_read +=
        fmt::format("{}SELECT '{}', count(*) FROM {}", count_read.empty() ? "" : " UNION ALL ",
                    DateText(p.date_days), ReadParquet(p.files));
  }
  std::map<std::string, int64_t> read;
  if (!count_read.empty()) {
    FL_ASSIGN_OR_RETURN(read, CountsByDate(conn, count_read));
  }

  FL_RETURN_IF_ERROR(
      conn.Execute(fmt::format("DELETE FROM {} WHERE {} IN ({})", table, part_col, dates)));
  if (!count_read.empty()) FL_RETURN_IF_ERROR(conn.Execute(InsertSql(entity, parts)));

  FL_ASSIGN_OR_RETURN(auto written,
                      CountsByDate(conn, fmt::format("SELECT CAST({0} AS VARCHAR), count(*) FROM "
                                                     "{1} WHERE {0} IN ({2}) GROUP BY 1",
                                                     part_col, table, dates)));
  CrawlStats stats;
  for (const auto& p : parts) {
    PartitionCrawlStats ps;
    ps.date_days = p.date_days;
    ps.files = static_cast<int64_t>(p.files.size());
    ps.rows_read = read[DateText(p.date_days)];
    ps.rows_written = written[DateText(p.date_days)];
    ps.duplicates = ps.rows_read - ps.rows_written;
    stats.rows_read += ps.rows_read;
    stats.rows_written += ps.rows_written;
    stats.duplicates += ps.duplicates;
    stats.partitions.push_back(ps);
  }
  FL_RETURN_IF_ERROR(RecordStats(conn, entity, stats, dates));
  return stats;
}

}  // namespace

Result<CrawlStats> CrawlEntity(Connection& conn, const EntityConfig& entity,
                               const std::vector<PartitionFiles>& partitions) {
  FL_RETURN_IF_ERROR(CheckEntity(entity));
  const std::vector<PartitionFiles> parts = Normalise(partitions);
  // Even with nothing to load the table must exist: marts and queries read it.
  if (parts.empty()) {
    FL_RETURN_IF_ERROR(
        EnsureTable(conn, entity).WithContext(fmt::format("crawling {}", entity.name)));
    return CrawlStats{};
  }
  // Every file is checked before anything is written: a bad file leaves the table untouched.
  for (const auto& p : parts) {
    for (const auto& f : p.files) {
      FL_RETURN_IF_ERROR(
          CheckFileSchema(conn, entity, f).WithContext(fmt::format("crawling {}", entity.name)));
    }
  }
  FL_RETURN_IF_ERROR(EnsureStatsTable(conn).WithContext("creating the partition stats table"));
  FL_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(conn));
  Result<CrawlStats> stats = CrawlInTransaction(conn, entity, parts);
  if (!stats.ok()) return stats.status().WithContext(fmt::format("crawling {}", entity.name));
  FL_RETURN_IF_ERROR(txn.Commit().WithContext(fmt::format("crawling {}", entity.name)));
  return stats;
}

}  // namespace fleetlake
