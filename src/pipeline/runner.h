// `fleetlake run`: fetch -> process -> crawl (entities in parallel) -> marts, for one date or a
// range, with retries and backoff, history in the warehouse and a summary at the end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "pipeline/dq_report.h"
#include "pipeline/tasks.h"

namespace fleetlake {

struct RunRequest {
  std::vector<int32_t> dates;  // empty: every date in the source that is not done yet
  bool force = false;          // re-run dates that already succeeded
};

struct TaskOutcome {
  std::string date;
  std::string task;
  std::string entity;
  std::string status;  // success, failed, upstream_failed, cancelled
  int attempts = 0;
  int64_t duration_ms = 0;
  int64_t rows_in = 0, rows_out = 0, rows_rejected = 0;
  std::string message;
  CrawlStats crawl;  // crawl tasks only
};

struct RunOutcome {
  std::vector<TaskOutcome> tasks;
  std::vector<std::string> skipped;  // "2019-06-01: already done (use --force to run it again)"
  std::vector<DqReport> quality;     // data-quality report of each date whose crawl succeeded
  bool ok = true;
};

// Holds the lake's run lock for the whole run; a second run on the same lake fails at once.
Result<RunOutcome> RunPipeline(PipelineContext& ctx, const RunRequest& request);

// The end-of-run table for people.
std::string FormatRunSummary(const RunOutcome& outcome);
// The last line: what happened overall, and what to do next when it failed.
std::string FormatRunVerdict(const RunOutcome& outcome, bool color);

// Path of the lock file guarding a config's lake and warehouse.
std::string LockPath(const Config& config);

// Set from a signal handler: the runner stops between tasks and reports the run as cancelled.
void RequestStop();
bool StopRequested();

}  // namespace fleetlake
