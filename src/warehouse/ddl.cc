#include "warehouse/ddl.h"

#include <fmt/core.h>

#include <cctype>
#include <string_view>
#include <vector>

#include "warehouse/database.h"
#include "warehouse/marts.h"

namespace fleetlake {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// End (one past) of the quoted text or comment starting at `i`, or `i` when none starts there.
// Quotes double to escape ('it''s'); an unterminated one runs to the end.
size_t SkipOpaque(std::string_view s, size_t i) {
  const size_t n = s.size();
  if (s[i] == '\'' || s[i] == '"') {
    const char q = s[i];
    size_t j = i + 1;
    while (j < n) {
      if (s[j] == q) {
        if (j + 1 < n && s[j + 1] == q) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      ++j;
    }
    return n;
  }
  if (s.substr(i, 2) == "--") {
    size_t j = s.find('\n', i);
    return j == std::string_view::npos ? n : j;
  }
  if (s.substr(i, 2) == "/*") {
    size_t j = s.find("*/", i + 2);
    return j == std::string_view::npos ? n : j + 2;
  }
  return i;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

struct CallArgs {
  std::vector<std::string_view> args;
  size_t end = 0;  // one past the closing parenthesis
};

// The comma-separated arguments of the call whose '(' is at `open`.
Result<CallArgs> SplitArgs(std::string_view s, size_t open) {
  CallArgs call;
  int depth = 0;
  size_t start = open + 1;
  for (size_t i = open + 1; i < s.size();) {
    size_t skip = SkipOpaque(s, i);
    if (skip != i) {
      i = skip;
      continue;
    }
    const char c = s[i];
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth == 0) {
        std::string_view last = Trim(s.substr(start, i - start));
        if (!last.empty() || !call.args.empty()) call.args.push_back(last);
        call.end = i + 1;
        return call;
      }
      --depth;
    } else if (c == ',' && depth == 0) {
      call.args.push_back(Trim(s.substr(start, i - start)));
      start = i + 1;
    }
    ++i;
  }
  return Status::InvalidArgument("unbalanced parentheses in a haversine_m call");
}

Result<std::string> Translate(std::string_view s) {
  std::string out;
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    size_t skip = SkipOpaque(s, i);
    if (skip != i) {
      out.append(s.substr(i, skip - i));
      i = skip;
      continue;
    }
    const bool word_start =
        IsIdentStart(s[i]) && (i == 0 || (!IsIdentChar(s[i - 1]) && s[i - 1] != '.'));
    if (!word_start) {
      out += s[i++];
      continue;
    }
    size_t j = i;
    while (j < n && IsIdentChar(s[j])) ++j;
    std::string word(s.substr(i, j - i));
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t k = j;
    while (k < n && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
    const bool call = k < n && s[k] == '(';
    if (call && word == "haversine_m") {
      FL_ASSIGN_OR_RETURN(CallArgs c, SplitArgs(s, k));
      if (c.args.size() != 4) {
        return Status::InvalidArgument(fmt::format(
            "haversine_m takes 4 arguments (lat1, lng1, lat2, lng2), got {}", c.args.size()));
      }
      std::vector<std::string> a;
      for (auto arg : c.args) {
        FL_ASSIGN_OR_RETURN(std::string t, Translate(arg));  // nested calls
        a.push_back(std::move(t));
      }
      out += HaversineSql(a[0], a[1], a[2], a[3]);
      i = c.end;
    } else if (call && (word == "arg_max" || word == "arg_min")) {
      out += word == "arg_max" ? "max_by" : "min_by";
      i = j;
    } else {
      out.append(s.substr(i, j - i));
      i = j;
    }
  }
  return out;
}

std::string LakeRoot(const Config& config, const DdlOptions& options) {
  std::string root = options.location.empty() ? config.lake.uri : options.location;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

// The table (Athena) or view (DuckDB) holding every row of an entity's Parquet files,
// duplicates included; the entity's own name goes to the de-duplicated view over it.
std::string FilesName(const EntityConfig& e) { return e.name + "_files"; }

Status CheckFilesNames(const Config& config) {
  for (const auto& e : config.entities) {
    const std::string files = FilesName(e);
    if (config.FindEntity(files)) {
      return Status::InvalidArgument(
          fmt::format("entity '{}' is named like the files table of entity '{}'", files, e.name));
    }
    for (const auto& m : config.marts) {
      if (m.name == files) {
        return Status::InvalidArgument(
            fmt::format("mart '{}' is named like the files table of entity '{}'", files, e.name));
      }
    }
  }
  return Status::OK();
}

// The entity as the warehouse holds it: the crawl's de-duplication (see CrawlEntity) as a view.
// Per partition and unique key the row with the smallest (source_key, source_line) wins, the other
// columns breaking exact ties. The window partitions by the partition key first, so a filter on
// it still prunes partitions through the view. Standard SQL: Athena/Trino and DuckDB alike.
std::string DedupView(const EntityConfig& e, const std::string& view, const std::string& files) {
  std::vector<std::string> cols;
  for (const auto& c : e.columns) cols.push_back(QuoteIdentifier(c.name));
  const std::string part = QuoteIdentifier(e.partition_by.name);
  std::string partition_by = part;
  if (e.unique_key.empty()) {
    for (const auto& c : cols) partition_by += ", " + c;
  } else {
    for (int k : e.unique_key) partition_by += ", " + QuoteIdentifier(e.columns[k].name);
  }
  std::string order_by =
      QuoteIdentifier(kSourceKeyColumn) + ", " + QuoteIdentifier(kSourceLineColumn);
  for (const auto& c : cols) order_by += ", " + c;
  std::string select;
  for (const auto& c : cols) select += c + ", ";
  select +=
      QuoteIdentifier(kSourceKeyColumn) + ", " + QuoteIdentifier(kSourceLineColumn) + ", " + part;
  return fmt::format(
      "\n-- {name}: the rows of {files} de-duplicated like the warehouse's crawl does\n"
      "CREATE OR REPLACE VIEW {view} AS\n"
      "SELECT {select}\n"
      "FROM (\n"
      "  SELECT *, row_number() OVER (PARTITION BY {pby}\n"
      "                               ORDER BY {oby}) AS fleetlake_row\n"
      "  FROM {files}\n"
      ") AS src\n"
      "WHERE fleetlake_row = 1;\n",
      fmt::arg("name", e.name), fmt::arg("view", view), fmt::arg("select", select),
      fmt::arg("pby", partition_by), fmt::arg("oby", order_by), fmt::arg("files", files));
}

// Mart SQL for a view: portable, without the trailing newline and ';' a YAML block leaves.
Result<std::string> ViewBody(const MartConfig& mart) {
  FL_ASSIGN_OR_RETURN(std::string sql, PortableMartSql(mart.sql));
  std::string_view body = Trim(sql);
  while (!body.empty() && body.back() == ';') body = Trim(body.substr(0, body.size() - 1));
  if (body.find(';') != std::string_view::npos) {
    return Status::InvalidArgument("its SQL holds more than one statement");
  }
  return std::string(body);
}

Result<std::string> AthenaDdl(const Config& config, const DdlOptions& options) {
  FL_RETURN_IF_ERROR(CheckFilesNames(config));
  const std::string root = LakeRoot(config, options);
  if (root.rfind("s3://", 0) != 0) {
    return Status::InvalidArgument(
        fmt::format("Athena reads S3, but the lake is '{}': pass --location s3://bucket/prefix "
                    "(the lake root the pipeline writes to)",
                    root));
  }
  const std::string& db = options.database;
  std::string out = fmt::format(
      "-- fleetlake: Athena tables over the lake at {root}/\n"
      "-- Partition projection on the partition key: no Glue crawler and no MSCK REPAIR; a day is\n"
      "-- queryable as soon as fleetlake has written its files. Athena runs one statement per\n"
      "-- query: run them in order, with `{db}` as the query's database. DROP TABLE on an\n"
      "-- external table removes only metadata: the Parquet files stay.\n\n"
      "CREATE DATABASE IF NOT EXISTS `{db}`;\n",
      fmt::arg("root", root), fmt::arg("db", db));
  for (const auto& e : config.entities) {
    const std::string location = fmt::format("{}/structured/{}/", root, e.name);
    const std::string& key = e.partition_by.name;
    const std::string files = FilesName(e);
    out += fmt::format("\nDROP TABLE IF EXISTS `{}`.`{}`;\n\n", db, files);
    out += fmt::format("CREATE EXTERNAL TABLE `{}`.`{}` (\n", db, files);
    for (const auto& c : e.columns) out += fmt::format("  `{}` {},\n", c.name, AthenaType(c.type));
    out += fmt::format("  `{}` string,\n  `{}` bigint\n)\n", kSourceKeyColumn, kSourceLineColumn);
    out += fmt::format("PARTITIONED BY (`{}` date)\nSTORED AS PARQUET\nLOCATION '{}'\n", key,
                       location);
    out += fmt::format(
        "TBLPROPERTIES (\n"
        "  'projection.enabled' = 'true',\n"
        "  'projection.{k}.type' = 'date',\n"
        "  'projection.{k}.format' = 'yyyy-MM-dd',\n"
        "  'projection.{k}.range' = '{first},NOW',\n"
        "  'projection.{k}.interval' = '1',\n"
        "  'projection.{k}.interval.unit' = 'DAYS',\n"
        "  'storage.location.template' = '{loc}{k}=${{{k}}}/'\n"
        ");\n",
        fmt::arg("k", key), fmt::arg("first", options.first_date), fmt::arg("loc", location));
    out += DedupView(e, QuoteIdentifier(db) + "." + QuoteIdentifier(e.name),
                     QuoteIdentifier(db) + "." + QuoteIdentifier(files));
  }
  FL_ASSIGN_OR_RETURN(auto marts, OrderMarts(config.marts));
  for (const auto& m : marts) {
    auto body = ViewBody(m);
    if (!body.ok()) {
      out += fmt::format("\n-- mart {} skipped: {}\n", m.name, body.status().message());
      continue;
    }
    out += fmt::format(
        "\n-- mart {}: its config SQL with haversine_m inlined and arg_max/arg_min as "
        "max_by/min_by\n"
        "CREATE OR REPLACE VIEW \"{}\".\"{}\" AS\n{};\n",
        m.name, db, m.name, *body);
  }
  return out;
}

Result<std::string> DuckdbDdl(const Config& config, const DdlOptions& options) {
  FL_RETURN_IF_ERROR(CheckFilesNames(config));
  const std::string root = LakeRoot(config, options);
  std::string out = fmt::format(
      "-- fleetlake: DuckDB views over the lake at {}/\n"
      "-- A relative path is relative to where duckdb runs. Views bind when created: each entity\n"
      "-- needs at least one Parquet file by then. haversine_m is inlined (plain DuckDB lacks "
      "it).\n"
      "-- union_by_name: files written before a column was added read it as NULL.\n",
      root);
  for (const auto& e : config.entities) {
    const std::string glob = fmt::format("{}/structured/{}/*/*.parquet", root, e.name);
    const std::string files = QuoteIdentifier(FilesName(e));
    out += fmt::format(
        "\nCREATE OR REPLACE VIEW {} AS\nSELECT * FROM read_parquet({}, hive_partitioning = true, "
        "hive_types = {{'{}': DATE}}, union_by_name = true);\n",
        files, QuoteLiteral(glob), e.partition_by.name);
    out += DedupView(e, QuoteIdentifier(e.name), files);
  }
  FL_ASSIGN_OR_RETURN(auto marts, OrderMarts(config.marts));
  for (const auto& m : marts) {
    auto body = ViewBody(m);
    if (!body.ok()) {
      out += fmt::format("\n-- mart {} skipped: {}\n", m.name, body.status().message());
      continue;
    }
    out += fmt::format("\nCREATE OR REPLACE VIEW {} AS\n{};\n", m.name, *body);
  }
  return out;
}

}  // namespace

// fleetlake's type names are Athena's (Hive DDL) names.
const char* AthenaType(ColumnType type) { return ColumnTypeName(type); }

std::string HaversineSql(const std::string& lat1, const std::string& lng1, const std::string& lat2,
                         const std::string& lng2) {
  const std::string h = fmt::format(
      "power(sin(radians(({lat2}) - ({lat1})) / 2), 2) + cos(radians({lat1})) * "
      "cos(radians({lat2})) * power(sin(radians(({lng2}) - ({lng1})) / 2), 2)",
      fmt::arg("lat1", lat1), fmt::arg("lng1", lng1), fmt::arg("lat2", lat2),
      fmt::arg("lng2", lng2));
  return fmt::format(
      "(2 * 6371000e0 * asin(sqrt(CASE WHEN {h} > 1 THEN 1e0 WHEN {h} < 0 THEN 0e0 ELSE {h} END)))",
      fmt::arg("h", h));
}

Result<std::string> PortableMartSql(const std::string& sql) { return Translate(sql); }

Result<std::string> GenerateDdl(const Config& config, const DdlOptions& options) {
  return options.target == DdlTarget::kAthena ? AthenaDdl(config, options)
                                              : DuckdbDdl(config, options);
}

}  // namespace fleetlake
