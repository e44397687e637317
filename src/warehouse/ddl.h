// DDL that puts a SQL engine over the lake fleetlake writes, with no fleetlake in the query path:
// Athena (external tables with partition projection, marts as views) or DuckDB (views over
// read_parquet). `fleetlake ddl` prints it. Pure text generation: no engine is contacted.
#pragma once

#include <string>

#include "common/status.h"
#include "config/config.h"

namespace fleetlake {

enum class DdlTarget { kAthena, kDuckdb };

struct DdlOptions {
  DdlTarget target = DdlTarget::kAthena;
  std::string database = "fleetlake";  // Athena database (the Glue database); unused for DuckDB
  // Lake root the tables point at; empty means the config's lake.uri. Athena needs s3://.
  std::string location;
  // First day of the Athena partition projection range (up to NOW). Keep it close to the first
  // event: a query without an event_date filter lists every day of the range.
  std::string first_date = "2019-01-01";
};

// Athena: CREATE DATABASE, then per entity an external table <entity>_files over
// <lake>/structured/<entity>/ (the config's columns, source_key, source_line; partitioned by the
// partition key as a date, with partition projection) and a view <entity> that de-duplicates it
// like the crawl does, so the entity and the marts read the same rows as in the warehouse; then
// the marts as views in dependency order. DuckDB: the same with read_parquet views. A mart whose
// SQL cannot be made portable is skipped with a comment saying why. An entity or mart already
// named <entity>_files is an InvalidArgument.
Result<std::string> GenerateDdl(const Config& config, const DdlOptions& options);

// The Athena (Hive DDL) type of a config column type: string, double, bigint, boolean, timestamp.
const char* AthenaType(ColumnType type);

// Mart SQL rewritten to run on engines without fleetlake's C++ functions (Athena/Trino, a plain
// DuckDB): every haversine_m(lat1, lng1, lat2, lng2) call becomes the same formula in standard
// SQL math functions, and DuckDB's arg_max/arg_min become max_by/min_by (names both engines
// know). String literals, quoted identifiers and comments are left alone. A haversine_m call
// without exactly four arguments, or unbalanced parentheses, is an InvalidArgument.
Result<std::string> PortableMartSql(const std::string& sql);

// haversine_m as an SQL expression of four argument expressions: 2 * 6371000 * asin(sqrt(h)) with
// h clamped to [0, 1] like the C++ function, and NULL when any argument is NULL.
std::string HaversineSql(const std::string& lat1, const std::string& lng1, const std::string& lat2,
                         const std::string& lng2);

}  // namespace fleetlake
