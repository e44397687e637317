// The typed, validated form of a fleetlake YAML config (see README "Config reference").
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace fleetlake {

enum class ColumnType { kString, kDouble, kBigint, kBoolean, kTimestamp };

// "string", "double", ... as written in the config and shown in messages.
const char* ColumnTypeName(ColumnType type);
// The DuckDB/Parquet SQL type of a column: VARCHAR, DOUBLE, BIGINT, BOOLEAN, TIMESTAMP.
const char* ColumnSqlType(ColumnType type);

struct ColumnConfig {
  std::string name;  // SQL identifier in the tables
  std::string path;  // dotted JSON path in the record: "data.location.lat"
  ColumnType type = ColumnType::kString;
};

struct PartitionConfig {
  std::string column;               // a timestamp column of the entity
  std::string granularity = "day";  // only "day" for now
  std::string name = "event_date";  // the Hive partition key
};

struct EntityConfig {
  std::string name;
  // Routing: a record belongs to this entity when every (path, value) pair matches.
  std::vector<std::pair<std::string, std::string>> match;
  // Paths that must be present, non-null and non-empty (timestamps must also parse).
  std::vector<std::string> required;
  // Column indexes (into `columns`) whose values identify one event.
  std::vector<int> unique_key;
  std::vector<ColumnConfig> columns;
  PartitionConfig partition_by;
  int partition_column = -1;  // index into `columns`

  int ColumnIndex(const std::string& name_or_path) const;
};

// How to reach a source or lake on S3 (ignored for local folders). Secrets here are never printed.
struct S3Config {
  std::string region;      // empty: AWS_REGION, AWS_DEFAULT_REGION, the profile's, else us-east-1
  std::string endpoint;    // S3-compatible endpoint override: MinIO, R2, Ceph, s3rver
  bool anonymous = false;  // unsigned requests, for public buckets
  std::string profile;     // AWS profile; empty: AWS_PROFILE, else "default"
  std::string addressing = "auto";  // auto (path style with an endpoint), path, virtual
  std::string access_key_id;        // explicit credentials; better from the environment/profile
  std::string secret_access_key;
  std::string session_token;
  int concurrency = 16;   // parallel transfers (objects in fetch, parts of a multipart upload)
  int part_size_mb = 16;  // multipart part size; files of 4 parts or more go up in parts
};

struct SourceConfig : S3Config {
  std::string uri;  // local folder, or s3://bucket/prefix/
};

struct LakeConfig : S3Config {
  std::string uri;  // local folder, or s3://bucket/prefix
};

struct WarehouseConfig {
  std::string engine = "duckdb";
  std::string path;
};

struct MartConfig {
  std::string name;
  std::string sql;  // a SELECT; the mart is materialised as a table of that name
};

struct ProcessOptions {
  int threads = 0;             // 0: one per core
  int64_t max_rows = 500000;  // rows buffered per entity before a Parquet file is flushed
};

struct RunOptions {
  int retries = 2;       // extra attempts per task
  int backoff_ms = 500;  // first retry delay; doubles each time
};

struct Config {
  std::string file;  // where it was loaded from, for messages
  SourceConfig source;
  LakeConfig lake;
  WarehouseConfig warehouse;
  std::vector<EntityConfig> entities;
  std::vector<MartConfig> marts;
  ProcessOptions process;
  RunOptions run;

  const EntityConfig* FindEntity(const std::string& name) const;
};

// Names fleetlake adds to every entity table; config columns may not use them.
inline constexpr const char* kSourceKeyColumn = "source_key";
inline constexpr const char* kSourceLineColumn = "source_line";

// Loads and validates a config file. `overrides` are "dotted.key=value" pairs applied before
// validation (the CLI's --set). Errors name file:line:column and what was expected.
Result<Config> LoadConfig(const std::string& path, const std::vector<std::string>& overrides = {});
Result<Config> ParseConfig(const std::string& yaml_text, const std::string& file_name,
                           const std::vector<std::string>& overrides = {});

// True for [A-Za-z_][A-Za-z0-9_]* of at most 63 characters that is not an SQL keyword.
bool IsValidIdentifier(const std::string& name);

}  // namespace fleetlake
