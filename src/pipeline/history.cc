#include "pipeline/history.h"

#include <unistd.h>

#include <atomic>

#include "common/time_util.h"

namespace fleetlake {

Status EnsureHistoryTables(Connection& conn) {
  return conn.Execute(
      "CREATE TABLE IF NOT EXISTS fleetlake_runs ("
      " run_id VARCHAR PRIMARY KEY, run_date DATE, started_at TIMESTAMP, finished_at TIMESTAMP,"
      " status VARCHAR, forced BOOLEAN, message VARCHAR);"
      "CREATE TABLE IF NOT EXISTS fleetlake_tasks ("
      " run_id VARCHAR, run_date DATE, task VARCHAR, entity VARCHAR, status VARCHAR,"
      " attempts INTEGER, started_at TIMESTAMP, finished_at TIMESTAMP, duration_ms BIGINT,"
      " rows_in BIGINT, rows_out BIGINT, rows_rejected BIGINT, message VARCHAR);");
}

Result<std::string> StartRun(Connection& conn, const std::string& run_date, bool forced) {
  static std::atomic<int> counter{0};
  int64_t now = NowMicros();
  std::string id = fmt::format("{}-{}-{}-{}", run_date, now, ::getpid(), counter++);
  FL_RETURN_IF_ERROR(
      conn.Execute("INSERT INTO fleetlake_runs VALUES (?, CAST(? AS DATE), make_timestamp(?), "
                   "NULL, 'running', ?, NULL)",
                   {id, run_date, now, forced}));
  return id;
}

Status RecordTask(Connection& conn, const std::string& run_id, const std::string& run_date,
                  const TaskRecord& t) {
  Value entity = t.entity.empty() ? Value{} : Value{t.entity};
  Value message = t.message.empty() ? Value{} : Value{t.message};
  return conn.Execute(
      "INSERT INTO fleetlake_tasks VALUES (?, CAST(? AS DATE), ?, ?, ?, ?, make_timestamp(?),"
      " make_timestamp(?), ?, ?, ?, ?, ?)",
      {run_id, run_date, t.task, entity, t.status, int64_t{t.attempts}, t.started_us, t.finished_us,
       (t.finished_us - t.started_us) / 1000, t.rows_in, t.rows_out, t.rows_rejected, message});
}

Status FinishRun(Connection& conn, const std::string& run_id, const std::string& status,
                 const std::string& message) {
  Value msg = message.empty() ? Value{} : Value{message};
  return conn.Execute(
      "UPDATE fleetlake_runs SET finished_at = make_timestamp(?), status = ?, message = ? WHERE "
      "run_id = ?",
      {NowMicros(), status, msg, run_id});
}

Result<bool> DateSucceeded(Connection& conn, const std::string& run_date) {
  FL_ASSIGN_OR_RETURN(
      QueryResult r, conn.Query("SELECT status FROM fleetlake_runs WHERE run_date = CAST(? AS DATE)"
                                " AND status <> 'running' ORDER BY finished_at DESC LIMIT 1",
                                {run_date}));
  return r.num_rows() == 1 && r.rows[0][0] == std::optional<std::string>("success");
}

}  // namespace fleetlake
