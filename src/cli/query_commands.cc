#include <unistd.h>

#include <cstdio>

#include "cli/commands.h"
#include "common/log.h"
#include "common/time_util.h"
#include "pipeline/history.h"
#include "pipeline/status_grid.h"
#include "warehouse/format.h"

namespace fleetlake::cli {
namespace {

int CmdSql(const GlobalFlags& g, const std::string& query, const std::string& format) {
  auto session = OpenWarehouseSession(g);
  if (!session.ok()) return Fail(session.status());
  const Config* config = &session->config;
  Connection* conn = &session->conn;
  auto result = conn->Query(query);
  if (!result.ok()) return Fail(WithHint(result.status(), *config));
  std::string out = format == "csv"    ? FormatCsv(*result)
                    : format == "json" ? FormatJson(*result)
                                       : FormatTable(*result);
  std::fputs(out.c_str(), stdout);
  if (!out.empty() && out.back() != '\n') std::fputc('\n', stdout);
  return kExitOk;
}

// The tasks of every run of one date, newest run first.
int StatusOfDate(Connection& conn, const std::string& date) {
  auto tasks = conn.Query(
      "SELECT t.run_id, t.task, coalesce(t.entity, '') AS entity, t.status, t.attempts,"
      " t.duration_ms, t.rows_in, t.rows_out, t.rows_rejected, coalesce(t.message, '') AS message"
      " FROM fleetlake_tasks t JOIN fleetlake_runs r USING (run_id)"
      " WHERE t.run_date = CAST(? AS DATE) ORDER BY r.started_at DESC, t.started_at",
      {date});
  if (!tasks.ok()) return Fail(tasks.status());
  if (tasks->num_rows() == 0) {
    return Fail(Status::NotFound(
        fmt::format("no run of {} recorded: `fleetlake status` lists the dates that ran", date)));
  }
  std::printf("Tasks of the runs of %s, newest first\n%s", date.c_str(),
              FormatTable(*tasks).c_str());
  return kExitOk;
}

int CmdStatus(const GlobalFlags& g, int limit, const std::string& date_flag) {
  auto date = ParseDateFlag("--date", date_flag);
  if (!date.ok()) return Fail(date.status());
  if (limit <= 0)
    return Fail(Status::InvalidArgument("--limit must be a positive number of dates"));
  auto session = OpenWarehouseSession(g);
  if (!session.ok()) return Fail(session.status());
  const Config* config = &session->config;
  Connection* conn = &session->conn;
  Status st = EnsureHistoryTables(*conn);
  if (!st.ok()) return Fail(st);
  if (*date) return StatusOfDate(*conn, FormatDate(**date));
  auto grid = LoadStatusGrid(*conn, *config, limit);
  if (!grid.ok()) return Fail(grid.status());
  std::fputs(FormatStatusGrid(*grid, ColorWanted(STDOUT_FILENO)).c_str(), stdout);
  if (!grid->rows.empty()) {
    std::printf("\nlatest run of each date; details: fleetlake status --config %s --date %s\n",
                config->file.c_str(), grid->rows.front().date.c_str());
  }
  return kExitOk;
}

struct QueryFlags {
  std::string query;
  std::string format = "table";
  int limit = 14;
  std::string date;
};

}  // namespace

void AddQueryCommands(CLI::App& app, GlobalFlags& g, int* exit_code) {
  auto f = std::make_shared<QueryFlags>();
  auto* sql = app.add_subcommand("sql", "Query the warehouse");
  AddConfigOptions(sql, g);
  sql->add_option("query", f->query, "SQL")->required();
  sql->add_option("--format", f->format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  sql->callback([&g, f, exit_code] { *exit_code = CmdSql(g, f->query, f->format); });

  auto* status = app.add_subcommand(
      "status", "Dates x tasks grid of the latest runs (like Airflow's), or one date's tasks");
  AddConfigOptions(status, g);
  status->add_option("--limit", f->limit, "How many dates")->capture_default_str();
  status->add_option("--date", f->date, "Every task of every run of this date (YYYY-MM-DD)");
  status->callback([&g, f, exit_code] { *exit_code = CmdStatus(g, f->limit, f->date); });
}

}  // namespace fleetlake::cli
