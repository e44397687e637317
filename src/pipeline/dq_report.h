// The data-quality report of one run of a date: what came in, what was kept, what was rejected and
// why, what was coerced to NULL, what collapsed as duplicates, how late the events were and how
// fresh the tables are. Built by the runner at the end of a date, stored in the warehouse
// (fleetlake_dq_* tables, one set of rows per run), printed after the run summary and shown by
// `fleetlake report`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "fetch/fetch.h"
#include "process/process_report.h"
#include "warehouse/crawl.h"
#include "warehouse/database.h"

namespace fleetlake {

struct DqEntity {
  std::string entity;  // an entity of the config, or "_unroutable"
  int64_t rows_in = 0;
  int64_t rows_kept = 0;
  int64_t rows_rejected = 0;
  int64_t duplicates = 0;    // collapsed by the crawl in the partitions the batch touched
  int64_t late_rows = 0;     // rows of the batch in the table whose event day is not the run date
  std::string max_event_at;  // newest event of the batch in the table ("" = none)
  std::string table_max_event_at;                // newest event in the whole table: its freshness
  std::map<std::string, int64_t> rejected;       // reason -> rows
  std::map<std::string, int64_t> coerced_nulls;  // column -> values made NULL
  std::map<std::string, int64_t> rows_per_day;   // event day -> rows of the batch in the table
};

struct DqReport {
  std::string run_id;
  std::string run_date;    // YYYY-MM-DD, the batch
  std::string created_at;  // when the report was made, as stored
  int64_t files_listed = 0, files_selected = 0, files_fetched = 0, files_skipped = 0,
          files_refused = 0, bytes_fetched = 0;
  int64_t objects_read = 0, bytes_read = 0, records_read = 0;
  std::vector<DqEntity> entities;  // config order, then "_unroutable" when there were any

  int64_t RowsIn() const;
  int64_t RowsKept() const;
  int64_t RowsRejected() const;
};

// Assembles the report of a date from its tasks' outputs, and reads lateness and freshness from the
// warehouse tables (so it runs after the crawl). `manifest_keys` are the batch's source keys.
Result<DqReport> BuildDqReport(Connection& conn, const Config& config, const std::string& run_id,
                               const std::string& run_date, const FetchReport& fetch,
                               const ProcessReport& process,
                               const std::map<std::string, CrawlStats>& crawl,
                               const std::vector<std::string>& manifest_keys);

// fleetlake_dq_runs, fleetlake_dq_entities, fleetlake_dq_rejects, fleetlake_dq_nulls,
// fleetlake_dq_days.
Status EnsureDqTables(Connection& conn);
// Stores the report (replacing rows of the same run id).
Status SaveDqReport(Connection& conn, const DqReport& report);
// The latest stored report of a date; nullopt when there is none.
Result<std::optional<DqReport>> LoadDqReport(Connection& conn, const std::string& run_date);
// The most recent date with a report; nullopt when there is none.
Result<std::optional<std::string>> LatestDqDate(Connection& conn);

// For people: a few aligned tables. `color` adds ANSI colour to the alarming numbers.
std::string FormatDqText(const DqReport& report, bool color = false);
// One line per report: date, rows in, kept, rejected, duplicates, late, files fetched.
std::string FormatDqLines(const std::vector<DqReport>& reports);
// For machines: one JSON object.
std::string FormatDqJson(const DqReport& report);

}  // namespace fleetlake
