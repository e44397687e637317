// The HTML report of a date: one self-contained file (inline CSS and SVG, no script, no network)
// with the run's task Gantt, daily volume and reject charts, the BI answer tables (the marts) and a
// map-like scatter of the day's positions. Built from the warehouse alone, so it can be made at any
// time after a run by `fleetlake report --format html`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "pipeline/dq_report.h"
#include "warehouse/database.h"

namespace fleetlake {

struct ReportPage {
  DqReport dq;
  // The tasks of the report's run: task, entity, status, attempts, start_ms and end_ms (since the
  // run started), message.
  QueryResult tasks;
  // One row per date with a report, oldest first: run_date, rows_kept, rows_rejected.
  QueryResult daily;
  // One row per (date, reason) of the same dates: run_date, reason, rows.
  QueryResult daily_rejects;
  // Each mart's rows (at most `mart_row_limit`), and its total row count.
  struct Mart {
    std::string name;
    QueryResult rows;
    int64_t total_rows = 0;
  };
  std::vector<Mart> marts;
  // Positions of the day: lat, lng, a group (the vehicle) for the colour. Empty when no entity has
  // double columns named lat and lng.
  std::string positions_entity;
  QueryResult positions;
};

// Loads everything the page shows for `run_date` (its DQ report must exist).
Result<ReportPage> LoadReportPage(Connection& conn, const Config& config, const DqReport& dq,
                                  int mart_row_limit = 200, int max_positions = 5000);

std::string RenderReportHtml(const ReportPage& page);

// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace fleetlake
