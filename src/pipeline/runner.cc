#include "pipeline/runner.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "common/log.h"
#include "common/progress.h"
#include "common/time_util.h"
#include "fetch/manifest.h"
#include "pipeline/history.h"
#include "pipeline/retry.h"
#include "pipeline/run_lock.h"
#include "process/process_task.h"

namespace fleetlake {
namespace {

std::atomic<bool> g_stop{false};

// Runs one task with the run's retry policy; fills attempts, timing and status of `out`.
template <typename Fn>
Status WithRetries(const RunOptions& options, TaskOutcome& out, Fn&& fn) {
  int64_t start = NowMicros();
  auto on_retry = [&](int attempt, const Status& st, int64_t delay_ms) {
    LogWarn("{} {}{} failed (attempt {}): {}; retrying in {} ms", out.date, out.task,
            out.entity.empty() ? "" : " " + out.entity, attempt, st.ToString(), delay_ms);
  };
  Status st = RunWithRetries(options, fn, &out.attempts, on_retry, StopRequested);
  out.duration_ms = (NowMicros() - start) / 1000;
  out.status =
      st.ok() ? "success" : (st.code() == Status::Code::kCancelled ? "cancelled" : "failed");
  if (!st.ok()) out.message = st.ToString();
  return st;
}

TaskRecord ToRecord(const TaskOutcome& t, int64_t finished_us) {
  TaskRecord r;
  r.task = t.task;
  r.entity = t.entity;
  r.status = t.status;
  r.attempts = t.attempts;
  r.finished_us = finished_us;
  r.started_us = finished_us - t.duration_ms * 1000;
  r.rows_in = t.rows_in;
  r.rows_out = t.rows_out;
  r.rows_rejected = t.rows_rejected;
  r.message = t.message;
  return r;
}

Result<DqReport> MakeDqReport(PipelineContext& ctx, Connection& conn, const std::string& run_id,
                              const std::string& date, const FetchReport& fetch,
                              const std::vector<TaskOutcome>& crawls) {
  FL_ASSIGN_OR_RETURN(std::string json, ctx.lake().Get(ProcessReportKey(date)));
  FL_ASSIGN_OR_RETURN(ProcessReport process, ProcessReport::FromJson(json));
  FL_ASSIGN_OR_RETURN(BatchManifest manifest, LoadManifest(ctx.lake(), date));
  std::vector<std::string> keys;
  for (const auto& e : manifest.entries) keys.push_back(e.key);
  std::map<std::string, CrawlStats> crawl;
  for (const auto& t : crawls) crawl[t.entity] = t.crawl;
  FL_ASSIGN_OR_RETURN(DqReport report,
                      BuildDqReport(conn, ctx.config(), run_id, date, fetch, process, crawl, keys));
  FL_RETURN_IF_ERROR(SaveDqReport(conn, report));
  return report;
}

// Runs the graph for one date. Appends the outcomes; returns false when a task failed.
bool RunDate(PipelineContext& ctx, Connection& conn, const std::string& date, bool forced,
             RunOutcome& outcome) {
  const Config& config = ctx.config();
  auto run_id = StartRun(conn, date, forced);
  if (!run_id.ok()) {
    TaskOutcome failed{.date = date, .task = "run", .status = "failed", .attempts = 1};
    failed.message = run_id.status().ToString();
    outcome.tasks.push_back(failed);
    return false;
  }
  size_t first_task = outcome.tasks.size();
  auto record = [&](const TaskOutcome& t) {
    outcome.tasks.push_back(t);
    Status st = RecordTask(conn, *run_id, date, ToRecord(t, NowMicros()));
    if (!st.ok()) LogWarn("could not record task history: {}", st.ToString());
  };
  bool ok = true;
  auto upstream_failed = [&](const std::string& task, const std::string& entity) {
    record(TaskOutcome{.date = date, .task = task, .entity = entity, .status = "upstream_failed"});
  };

  LogInfo("{}: fetch", date);
  TaskOutcome fetch{.date = date, .task = "fetch"};
  FetchReport fetch_report;
  Status st = WithRetries(config.run, fetch, [&]() -> Status {
    Progress progress(date + " fetch", "objects");
    FL_ASSIGN_OR_RETURN(FetchReport r, FetchTask(ctx, ParseDate(date), &progress));
    progress.Finish();
    fetch_report = r;
    fetch.rows_in = static_cast<int64_t>(r.selected);
    fetch.rows_out = static_cast<int64_t>(r.copied);
    fetch.message = fmt::format("{} copied, {} already there, {} refused", r.copied, r.skipped,
                                r.refused.size());
    return Status::OK();
  });
  record(fetch);
  ok = st.ok();

  ProcessSummary summary;
  if (ok) {
    LogInfo("{}: process", date);
    TaskOutcome process{.date = date, .task = "process"};
    st = WithRetries(config.run, process, [&]() -> Status {
      Progress progress(date + " process", "objects");
      FL_ASSIGN_OR_RETURN(summary, ProcessTask(ctx, date, &progress));
      progress.Finish();
      return Status::OK();
    });
    if (st.ok()) {
      for (const auto& [entity, e] : summary.entities) {
        TaskOutcome per = process;
        per.entity = entity;
        per.rows_in = e.rows_in;
        per.rows_out = e.rows_kept;
        per.rows_rejected = e.rows_rejected;
        if (e.coerced_nulls)
          per.message = fmt::format("{} values coerced to null", e.coerced_nulls);
        record(per);
      }
      if (summary.entities.empty()) record(process);
    } else {
      record(process);
    }
    ok = st.ok();
  } else {
    upstream_failed("process", "");
  }

  std::vector<TaskOutcome> crawls;
  if (ok) {
    LogInfo("{}: crawl {} entities", date, config.entities.size());
    crawls.resize(config.entities.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < config.entities.size(); ++i) {
      threads.emplace_back([&, i] {
        const EntityConfig& entity = config.entities[i];
        TaskOutcome& t = crawls[i];
        t.date = date;
        t.task = "crawl";
        t.entity = entity.name;
        WithRetries(config.run, t, [&]() -> Status {
          FL_ASSIGN_OR_RETURN(Database * db, ctx.warehouse());
          FL_ASSIGN_OR_RETURN(Connection own, db->Connect());
          FL_ASSIGN_OR_RETURN(CrawlStats stats, CrawlTask(ctx, own, entity, date));
          t.rows_in = stats.rows_read;
          t.crawl = stats;
          t.rows_out = stats.rows_written;
          t.message = fmt::format("{} partitions, {} duplicates collapsed", stats.partitions.size(),
                                  stats.duplicates);
          return Status::OK();
        });
      });
    }
    for (auto& th : threads) th.join();
    for (const auto& t : crawls) {
      record(t);
      ok = ok && t.status == "success";
    }
  } else {
    for (const auto& e : config.entities) upstream_failed("crawl", e.name);
  }

  if (ok) {
    // The data-quality report needs the crawled tables; its failure does not fail the run.
    auto dq = MakeDqReport(ctx, conn, *run_id, date, fetch_report, crawls);
    if (dq.ok()) {
      outcome.quality.push_back(std::move(*dq));
    } else {
      LogWarn("{}: no data-quality report: {}", date, dq.status().ToString());
    }
  }

  if (ok) {
    LogInfo("{}: marts", date);
    TaskOutcome marts{.date = date, .task = "marts"};
    st = WithRetries(config.run, marts, [&]() -> Status { return MartsTask(ctx, conn); });
    marts.rows_out = static_cast<int64_t>(config.marts.size());
    record(marts);
    ok = st.ok();
  } else {
    upstream_failed("marts", "");
  }

  std::string status = "success";
  for (size_t i = first_task; i < outcome.tasks.size(); ++i) {
    if (outcome.tasks[i].status == "cancelled") status = "cancelled";
  }
  if (!ok && status != "cancelled") status = "failed";
  Status fin = FinishRun(conn, *run_id, status, ok ? "" : "see fleetlake_tasks");
  if (!fin.ok()) LogWarn("could not record run history: {}", fin.ToString());
  return ok;
}

// Dates with source objects the lake's manifest does not have (or has with another size).
Result<std::map<std::string, size_t>> NewObjectsPerDate(PipelineContext& ctx) {
  FL_ASSIGN_OR_RETURN(Store * source, ctx.source());
  FL_ASSIGN_OR_RETURN(auto objects, ListSource(*source, nullptr));
  std::map<std::string, BatchManifest> manifests;
  std::map<std::string, size_t> fresh;
  for (const auto& o : objects) {
    auto it = manifests.find(o.batch);
    if (it == manifests.end()) {
      FL_ASSIGN_OR_RETURN(BatchManifest m, LoadManifest(ctx.lake(), o.batch));
      it = manifests.emplace(o.batch, std::move(m)).first;
    }
    const ManifestEntry* known = it->second.Find(o.info.key);
    size_t& n = fresh[o.batch];
    if (!known || known->size != o.info.size) ++n;
  }
  return fresh;
}

}  // namespace

void RequestStop() { g_stop = true; }
bool StopRequested() { return g_stop.load(); }

std::string LockPath(const Config& config) { return config.warehouse.path + ".lock"; }

Result<RunOutcome> RunPipeline(PipelineContext& ctx, const RunRequest& request) {
  FL_ASSIGN_OR_RETURN(auto lock, RunLock::Acquire(LockPath(ctx.config())));
  FL_ASSIGN_OR_RETURN(Database * db, ctx.warehouse());
  FL_ASSIGN_OR_RETURN(Connection conn, db->Connect());
  FL_RETURN_IF_ERROR(EnsureHistoryTables(conn));
  FL_ASSIGN_OR_RETURN(auto fresh, NewObjectsPerDate(ctx));

  RunOutcome outcome;
  std::vector<std::string> dates;
  if (request.dates.empty()) {
    for (const auto& [date, n] : fresh) dates.push_back(date);
  } else {
    for (int32_t d : request.dates) dates.push_back(FormatDate(d));
  }
  for (const std::string& date : dates) {
    if (StopRequested()) {
      outcome.skipped.push_back(date + ": not started (stopped by a signal)");
      outcome.ok = false;
      continue;
    }
    FL_ASSIGN_OR_RETURN(bool done, DateSucceeded(conn, date));
    size_t new_objects = fresh.count(date) ? fresh[date] : 0;
    if (done && !request.force && new_objects == 0) {
      outcome.skipped.push_back(date + ": already done (use --force to run it again)");
      continue;
    }
    if (done && new_objects > 0)
      LogInfo("{}: {} new source objects since its last run", date, new_objects);
    if (!RunDate(ctx, conn, date, request.force, outcome)) outcome.ok = false;
  }
  return outcome;
}

std::string FormatRunSummary(const RunOutcome& outcome) {
  std::string out;
  if (!outcome.tasks.empty()) {
    out += fmt::format("{:<10}  {:<8}  {:<18}  {:<15}  {:>3}  {:>8}  {:>9}  {:>9}  {:>8}  {}\n",
                       "date", "task", "entity", "status", "try", "time", "in", "out", "rejected",
                       "note");
    for (const auto& t : outcome.tasks) {
      // One line per task: the full message is in fleetlake_tasks.
      std::string note = t.message.substr(0, t.message.find('\n'));
      out +=
          fmt::format("{:<10}  {:<8}  {:<18}  {:<15}  {:>3}  {:>7.2f}s  {:>9}  {:>9}  {:>8}  {}\n",
                      t.date, t.task, t.entity, t.status, t.attempts, t.duration_ms / 1000.0,
                      t.rows_in, t.rows_out, t.rows_rejected, note);
    }
  }
  for (const auto& s : outcome.skipped) out += "skipped " + s + "\n";
  if (outcome.tasks.empty() && outcome.skipped.empty())
    out += "nothing to do: no dates in the source\n";
  return out;
}

std::string FormatRunVerdict(const RunOutcome& outcome, bool color) {
  std::set<std::string> dates, failed;
  int64_t ms = 0;
  for (const auto& t : outcome.tasks) {
    dates.insert(t.date);
    if (t.status != "success") failed.insert(t.date);
    ms += t.duration_ms;
  }
  auto paint = [color](const std::string& s, const char* code) {
    return color ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
  };
  if (outcome.ok) {
    return paint("run succeeded", "1;32") +
           fmt::format(": {} date(s) ran, {} skipped, {} task(s), {:.2f} s of task time\n",
                       dates.size(), outcome.skipped.size(), outcome.tasks.size(), ms / 1000.0);
  }
  std::string list;
  for (const auto& d : failed) list += (list.empty() ? "" : ", ") + d;
  if (StopRequested()) {
    return paint("run STOPPED", "1;33") +
           " by a signal: the task that was running finished and nothing is half-written; tasks "
           "not started are marked cancelled. Run the same command again to continue.\n";
  }
  return paint("run FAILED", "1;31") +
         fmt::format(
             " for {}: the failed task's note above says why; `fleetlake status --date {}` "
             "shows every attempt. Fix the cause and run again: dates that succeeded are "
             "skipped.\n",
             list.empty() ? std::string("the run") : list,
             failed.empty() ? std::string("D") : *failed.begin());
}

}  // namespace fleetlake
