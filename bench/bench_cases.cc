#include "bench/bench_cases.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "config/config.h"
#include "process/process_task.h"
#include "storage/local_store.h"
#include "warehouse/database.h"

namespace fleetlake::bench {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> RawFiles(const std::string& lake) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(lake) / "raw", ec)) {
    if (e.is_regular_file()) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

int Threads(int threads) {
  return threads > 0 ? threads
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

Status WriteResult(const CaseOptions& o, double seconds) {
  if (o.result_file.empty()) return Status::OK();
  std::ofstream out(o.result_file);
  out << "seconds=" << seconds << "\n";
  return out ? Status::OK() : Status::IOError("cannot write " + o.result_file);
}

// The one-liner as a DuckDB user writes it: read_json with typed columns, the drop rules of
// EVENTS.md as SQL filters, TRY_CAST for optional values (a wrong type becomes NULL).
std::string ReadJsonOneLiner(const std::string& lake, const std::string& entity,
                             const std::string& out_dir) {
  const std::string source = fmt::format(
      "read_json({}, format='newline_delimited', ignore_errors=true, filename=true, "
      "columns={{event: 'VARCHAR', \"on\": 'VARCHAR', \"at\": 'VARCHAR', data: 'JSON', "
      "organization_id: 'VARCHAR'}})",
      QuoteLiteral(lake + "/raw/data/*.json"));
  const std::string columns =
      entity == "vehicle"
          ? "event, data->>'$.id' AS vehicle_id, TRY_CAST(\"at\" AS TIMESTAMP) AS event_at, "
            "TRY_CAST(data->>'$.location.lat' AS DOUBLE) AS lat, "
            "TRY_CAST(data->>'$.location.lng' AS DOUBLE) AS lng, "
            "TRY_CAST(data->>'$.location.at' AS TIMESTAMP) AS location_at, organization_id"
          : "event, data->>'$.id' AS period_id, TRY_CAST(\"at\" AS TIMESTAMP) AS event_at, "
            "TRY_CAST(data->>'$.start' AS TIMESTAMP) AS start_at, "
            "TRY_CAST(data->>'$.finish' AS TIMESTAMP) AS finish_at, organization_id";
  return fmt::format(
      "COPY (SELECT {}, filename AS source_key, CAST(TRY_CAST(\"at\" AS TIMESTAMP) AS DATE) AS "
      "event_date FROM {} WHERE \"on\" = {} AND coalesce(event, '') <> '' AND "
      "coalesce(organization_id, '') <> '' AND coalesce(data->>'$.id', '') <> '' AND "
      "TRY_CAST(\"at\" AS TIMESTAMP) IS NOT NULL) TO {} "
      "(FORMAT parquet, PARTITION_BY (event_date), COMPRESSION zstd, OVERWRITE_OR_IGNORE)",
      columns, source, QuoteLiteral(entity), QuoteLiteral(out_dir + "/" + entity));
}

// The same rules, exact: lines are read as text and parsed with json_transform, because after a
// truncated line read_json(ignore_errors=true) also drops the valid line that follows (0.005% of
// this stream's events), so its counts cannot match.
std::string ExactOneLiner(const std::string& lake, const std::string& entity,
                          const std::string& out_dir) {
  const bool vehicle = entity == "vehicle";
  const std::string shape =
      vehicle
          ? R"({"event":"VARCHAR","on":"VARCHAR","at":"VARCHAR","organization_id":"VARCHAR",)"
            R"("data":{"id":"VARCHAR","location":{"lat":"VARCHAR","lng":"VARCHAR","at":"VARCHAR"}}})"
          : R"({"event":"VARCHAR","on":"VARCHAR","at":"VARCHAR","organization_id":"VARCHAR",)"
            R"("data":{"id":"VARCHAR","start":"VARCHAR","finish":"VARCHAR"}})";
  const std::string columns =
      vehicle ? "r.event, r.data.id AS vehicle_id, TRY_CAST(r.at AS TIMESTAMP) AS event_at, "
                "TRY_CAST(r.data.location.lat AS DOUBLE) AS lat, "
                "TRY_CAST(r.data.location.lng AS DOUBLE) AS lng, "
                "TRY_CAST(r.data.location.at AS TIMESTAMP) AS location_at, r.organization_id"
              : "r.event, r.data.id AS period_id, TRY_CAST(r.at AS TIMESTAMP) AS event_at, "
                "TRY_CAST(r.data.start AS TIMESTAMP) AS start_at, "
                "TRY_CAST(r.data.finish AS TIMESTAMP) AS finish_at, r.organization_id";
  return fmt::format(
      "COPY (SELECT {}, filename AS source_key, CAST(TRY_CAST(r.at AS TIMESTAMP) AS DATE) AS "
      "event_date FROM (SELECT CASE WHEN json_valid(line) AND starts_with(ltrim(line), '{{') THEN "
      "json_transform(line, {}) END AS r, filename FROM read_csv({}, "
      "columns={{line: 'VARCHAR'}}, delim=e'\\x01', quote='', escape='', header=false, "
      "auto_detect=false, filename=true)) "
      "WHERE r.on = {} AND coalesce(r.event, '') <> '' AND coalesce(r.organization_id, '') <> '' "
      "AND coalesce(r.data.id, '') <> '' AND TRY_CAST(r.at AS TIMESTAMP) IS NOT NULL) TO {} "
      "(FORMAT parquet, PARTITION_BY (event_date), COMPRESSION zstd, OVERWRITE_OR_IGNORE)",
      columns, QuoteLiteral(shape), QuoteLiteral(lake + "/raw/data/*.json"), QuoteLiteral(entity),
      QuoteLiteral(out_dir + "/" + entity));
}

Result<std::map<std::string, int64_t>> CountsOf(Connection& conn, const std::string& glob) {
  std::map<std::string, int64_t> out;
  FL_ASSIGN_OR_RETURN(
      QueryResult r,
      conn.Query(fmt::format("SELECT CAST(event_date AS VARCHAR), count(*) FROM read_parquet({}, "
                             "hive_partitioning=true) GROUP BY 1",
                             QuoteLiteral(glob))));
  for (const auto& row : r.rows) out[row[0].value_or("NULL")] = std::stoll(row[1].value_or("0"));
  return out;
}

const char* kEntities[] = {"vehicle", "operating_period"};

}  // namespace

Status RunProcess(const CaseOptions& o) {
  std::vector<std::string> sets = {"lake.uri=" + o.lake, "source.uri=" + o.lake + "/raw",
                                   "warehouse.path=" + o.lake + "/unused.duckdb",
                                   fmt::format("process.threads={}", o.threads)};
  if (o.max_rows > 0) sets.push_back(fmt::format("process.max_rows={}", o.max_rows));
  FL_ASSIGN_OR_RETURN(Config config, LoadConfig(o.config, sets));
  FL_ASSIGN_OR_RETURN(std::unique_ptr<LocalStore> lake, LocalStore::Open(o.lake));
  FL_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, lake->List("raw/"));
  std::vector<std::string> keys;
  keys.reserve(objects.size());
  for (const ObjectInfo& obj : objects) keys.push_back(obj.key);
  FL_ASSIGN_OR_RETURN(ProcessReport report, ProcessBatch(config, *lake, "bench", keys));
  for (const auto& [name, e] : report.entities) {
    std::fprintf(stderr, "  %s: %lld kept, %lld rejected\n", name.c_str(),
                 static_cast<long long>(e.rows_kept), static_cast<long long>(e.rows_rejected));
  }
  return Status::OK();
}

Status RunDuckDb(const CaseOptions& o, bool exact) {
  FL_ASSIGN_OR_RETURN(Database db, Database::Open(":memory:"));
  FL_ASSIGN_OR_RETURN(Connection conn, db.Connect());
  const std::string out_dir = o.lake + (exact ? "/duckdb_exact" : "/duckdb");
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  for (const char* entity : kEntities) {
    FL_RETURN_IF_ERROR(conn.Execute(exact ? ExactOneLiner(o.lake, entity, out_dir)
                                          : ReadJsonOneLiner(o.lake, entity, out_dir)));
  }
  return Status::OK();
}

Status RunParseOnly(const CaseOptions& o) {
  const std::vector<std::string> files = RawFiles(o.lake);
  std::atomic<size_t> next{0};
  std::atomic<int64_t> parsed{0}, failed{0};
  std::atomic<bool> io_error{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < Threads(o.threads); ++t) {
    workers.emplace_back([&] {
      simdjson::dom::parser parser;
      int64_t ok = 0, bad = 0;
      for (size_t i = next++; i < files.size(); i = next++) {
        simdjson::padded_string text;
        if (simdjson::padded_string::load(files[i]).get(text)) {
          io_error = true;
          return;
        }
        // Lines are parsed in place: the padding simdjson needs past a line is the rest of the
        // file, and the padded_string's own padding after the last line.
        const char* p = text.data();
        const char* end = p + text.size();
        while (p < end) {
          const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
          const char* line_end = nl ? nl : end;
          if (line_end > p) {
            simdjson::dom::element doc;
            if (parser.parse(p, line_end - p, false).get(doc)) {
              ++bad;
            } else {
              ++ok;
            }
          }
          p = line_end + 1;
        }
      }
      parsed += ok;
      failed += bad;
    });
  }
  for (auto& w : workers) w.join();
  if (io_error) return Status::IOError("cannot read a raw object");
  std::fprintf(stderr, "  %lld lines parsed, %lld invalid\n", static_cast<long long>(parsed.load()),
               static_cast<long long>(failed.load()));
  return Status::OK();
}

Status RunWriteOnly(const CaseOptions& o) {
  FL_ASSIGN_OR_RETURN(Database db, Database::Open(":memory:"));
  FL_ASSIGN_OR_RETURN(Connection conn, db.Connect());
  std::error_code ec;
  fs::create_directories(fs::path(o.lake) / "writeonly", ec);
  for (const char* entity : kEntities) {
    FL_RETURN_IF_ERROR(conn.Execute(
        fmt::format("CREATE TABLE {} AS SELECT * FROM read_parquet({}, hive_partitioning=true)",
                    entity, QuoteLiteral(o.lake + "/structured/" + entity + "/*/*.parquet"))));
  }
  const auto start = std::chrono::steady_clock::now();
  for (const char* entity : kEntities) {
    FL_RETURN_IF_ERROR(conn.Execute(
        fmt::format("COPY {} TO {} (FORMAT parquet, PARTITION_BY (event_date), COMPRESSION zstd, "
                    "OVERWRITE_OR_IGNORE)",
                    entity, QuoteLiteral(o.lake + "/writeonly/" + entity))));
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return WriteResult(o, took.count());
}

Result<RowCounts> CountRows(const std::string& lake) {
  FL_ASSIGN_OR_RETURN(Database db, Database::Open(":memory:"));
  FL_ASSIGN_OR_RETURN(Connection conn, db.Connect());
  RowCounts counts;
  for (const char* entity : kEntities) {
    FL_ASSIGN_OR_RETURN(auto mine, CountsOf(conn, lake + "/structured/" + entity + "/*/*.parquet"));
    FL_ASSIGN_OR_RETURN(auto theirs, CountsOf(conn, lake + "/duckdb/" + entity + "/*/*.parquet"));
    FL_ASSIGN_OR_RETURN(auto exact,
                        CountsOf(conn, lake + "/duckdb_exact/" + entity + "/*/*.parquet"));
    for (const auto& [day, n] : mine) counts.fleetlake[{entity, day}] = n;
    for (const auto& [day, n] : theirs) counts.duckdb[{entity, day}] = n;
    for (const auto& [day, n] : exact) counts.duckdb_exact[{entity, day}] = n;
  }
  return counts;
}

std::pair<int64_t, int64_t> RawSize(const std::string& lake) {
  int64_t bytes = 0, files = 0;
  for (const std::string& f : RawFiles(lake)) {
    std::error_code ec;
    bytes += static_cast<int64_t>(fs::file_size(f, ec));
    ++files;
  }
  return {bytes, files};
}

Status Replicate(const std::string& from, const std::string& to, int copies, int group) {
  const std::vector<std::string> files = RawFiles(from);
  if (files.empty()) return Status::NotFound("no raw objects under " + from);
  const fs::path dir = fs::path(to) / "raw" / "data";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir.string());
  std::string buffer;
  for (int c = 0; c < copies; ++c) {
    for (size_t i = 0; i < files.size(); i += group) {
      buffer.clear();
      for (size_t j = i; j < std::min(files.size(), i + group); ++j) {
        std::ifstream in(files[j], std::ios::binary);
        buffer.append(std::istreambuf_iterator<char>(in), {});
      }
      std::ofstream out(dir / fmt::format("copy{}-{:06}.json", c, i / group), std::ios::binary);
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      if (!out) return Status::IOError("cannot write under " + dir.string());
    }
  }
  return Status::OK();
}

}  // namespace fleetlake::bench
