// `fleetlake status` as a grid, like Airflow's: one row per date (its latest run), one column per
// task (fetch, process, crawl <entity>..., marts), each cell the task's state and duration.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "warehouse/database.h"

namespace fleetlake {

struct GridCell {
  std::string status;  // success, failed, upstream_failed, cancelled; "" = never ran
  int64_t duration_ms = 0;
  int attempts = 0;
};

struct GridRow {
  std::string date;
  std::string run_status;       // of the latest run of the date
  int runs = 0;                 // how many runs the date had
  double seconds = 0;           // of the latest run
  std::vector<GridCell> cells;  // one per column
};

struct StatusGrid {
  std::vector<std::string> columns;  // "fetch", "process", "crawl vehicle", ..., "marts"
  std::vector<GridRow> rows;         // newest date first
};

// The last `limit` dates with a run.
Result<StatusGrid> LoadStatusGrid(Connection& conn, const Config& config, int limit);

// An aligned text grid; `color` paints states (green ok, red failed, yellow other).
std::string FormatStatusGrid(const StatusGrid& grid, bool color);

}  // namespace fleetlake
