#include <cstdio>

#include "cli/commands.h"
#include "pipeline/history.h"
#include "warehouse/format.h"

namespace fleetlake::cli {
namespace {

int CmdSql(const GlobalFlags& g, const std::string& query, const std::string& format) {
  auto config = LoadFromFlags(g);
  if (!config.ok()) return Fail(config.status());
  auto db = Database::Open(config->warehouse.path);
  if (!db.ok()) return Fail(db.status());
  auto conn = db->Connect();
  if (!conn.ok()) return Fail(conn.status());
  auto result = conn->Query(query);
  if (!result.ok()) return Fail(result.status());
  std::string out = format == "csv"    ? FormatCsv(*result)
                    : format == "json" ? FormatJson(*result)
                                       : FormatTable(*result);
  std::fputs(out.c_str(), stdout);
  if (!out.empty() && out.back() != '\n') std::fputc('\n', stdout);
  return kExitOk;
}

int CmdStatus(const GlobalFlags& g, int limit) {
  auto config = LoadFromFlags(g);
  if (!config.ok()) return Fail(config.status());
  auto db = Database::Open(config->warehouse.path);
  if (!db.ok()) return Fail(db.status());
  auto conn = db->Connect();
  if (!conn.ok()) return Fail(conn.status());
  Status st = EnsureHistoryTables(*conn);
  if (!st.ok()) return Fail(st);
  auto runs = conn->Query(
      "SELECT run_date, status, started_at, round(epoch(finished_at - started_at), 2) AS seconds, "
      "forced, run_id "
      "FROM fleetlake_runs ORDER BY started_at DESC LIMIT ?",
      {int64_t{limit}});
  if (!runs.ok()) return Fail(runs.status());
  std::printf("Recent runs\n%s", FormatTable(*runs).c_str());
  auto tasks = conn->Query(
      "SELECT t.run_date, t.task, coalesce(t.entity, '') AS entity, t.status, t.attempts, "
      "t.duration_ms, t.rows_in,"
      " t.rows_out, t.rows_rejected, coalesce(t.message, '') AS message FROM fleetlake_tasks t"
      " JOIN (SELECT run_id FROM fleetlake_runs ORDER BY started_at DESC LIMIT ?) r USING (run_id)"
      " ORDER BY t.started_at DESC, t.task",
      {int64_t{limit}});
  if (!tasks.ok()) return Fail(tasks.status());
  std::printf("\nTasks of those runs\n%s", FormatTable(*tasks).c_str());
  return kExitOk;
}

struct QueryFlags {
  std::string query;
  std::string format = "table";
  int limit = 10;
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

  auto* status = app.add_subcommand("status", "Recent runs and their tasks");
  AddConfigOptions(status, g);
  status->add_option("--limit", f->limit, "How many runs")->capture_default_str();
  status->callback([&g, f, exit_code] { *exit_code = CmdStatus(g, f->limit); });
}

}  // namespace fleetlake::cli
