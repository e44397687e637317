// Run and task history, stored in the warehouse beside the data (tables fleetlake_runs and
// fleetlake_tasks), so `fleetlake status` and SQL both see it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "warehouse/database.h"

namespace fleetlake {

struct TaskRecord {
  std::string task;    // fetch, process, crawl, marts
  std::string entity;  // for per-entity rows; empty otherwise
  std::string status;  // success, failed, skipped
  int attempts = 0;
  int64_t started_us = 0;
  int64_t finished_us = 0;
  int64_t rows_in = 0;
  int64_t rows_out = 0;
  int64_t rows_rejected = 0;
  std::string message;
};

Status EnsureHistoryTables(Connection& conn);
// Records a new run of `run_date` (YYYY-MM-DD) and returns its id.
Result<std::string> StartRun(Connection& conn, const std::string& run_date, bool forced);
Status RecordTask(Connection& conn, const std::string& run_id, const std::string& run_date,
                  const TaskRecord& task);
Status FinishRun(Connection& conn, const std::string& run_id, const std::string& status,
                 const std::string& message);
// True when the latest finished run of `run_date` succeeded.
Result<bool> DateSucceeded(Connection& conn, const std::string& run_date);

}  // namespace fleetlake
