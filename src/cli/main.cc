// fleetlake: the command line. Thin: parse flags, call the pipeline, map Status to exit codes
// (0 ok, 1 run failed, 2 usage or config error).
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "common/log.h"
#include "common/time_util.h"
#include "gen/generator.h"
#include "pipeline/history.h"
#include "pipeline/run_lock.h"
#include "pipeline/runner.h"
#include "pipeline/tasks.h"
#include "warehouse/format.h"

namespace fleetlake {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int Fail(const Status& st) {
  std::fprintf(stderr, "fleetlake: %s\n", st.ToString().c_str());
  return st.IsInvalidArgument() ? kExitUsage : kExitFailed;
}

struct GlobalFlags {
  std::string config_path;
  std::vector<std::string> sets;
  bool quiet = false;
  bool verbose = false;
};

Result<Config> LoadFromFlags(const GlobalFlags& g) {
  if (g.config_path.empty()) {
    return Status::InvalidArgument(
        "--config FILE is required (for example examples/door2door.yaml)");
  }
  return LoadConfig(g.config_path, g.sets);
}

Result<std::optional<int32_t>> ParseDateFlag(const std::string& flag, const std::string& value) {
  if (value.empty()) return std::optional<int32_t>();
  auto d = ParseDate(value);
  if (!d)
    return Status::InvalidArgument(fmt::format("{} '{}': expected a date YYYY-MM-DD", flag, value));
  return std::optional<int32_t>(*d);
}

void OnSignal(int) { RequestStop(); }

int CmdGenerate(const gen::GenerateOptions& options) {
  auto stats = gen::Generate(options);
  if (!stats.ok()) return Fail(stats.status());
  std::printf(
      "generated %lld objects, %lld bytes, %lld events (%lld vehicle, %lld operating period), "
      "%lld planted rejects, %lld duplicates into %s/data/\n",
      static_cast<long long>(stats->objects), static_cast<long long>(stats->bytes),
      static_cast<long long>(stats->events), static_cast<long long>(stats->vehicle_events),
      static_cast<long long>(stats->period_events), static_cast<long long>(stats->rejects_planted),
      static_cast<long long>(stats->duplicates_planted), options.out_dir.c_str());
  return kExitOk;
}

int CmdValidate(const GlobalFlags& g) {
  auto config = LoadFromFlags(g);
  if (!config.ok()) return Fail(config.status());
  std::printf("%s: valid\n  source    %s\n  lake      %s\n  warehouse %s (%s)\n",
              config->file.c_str(), config->source.uri.c_str(), config->lake.uri.c_str(),
              config->warehouse.path.c_str(), config->warehouse.engine.c_str());
  for (const auto& e : config->entities) {
    std::printf("  entity %s: %zu columns, partitioned by %s(%s)\n", e.name.c_str(),
                e.columns.size(), e.partition_by.name.c_str(), e.partition_by.column.c_str());
  }
  for (const auto& m : config->marts) std::printf("  mart %s\n", m.name.c_str());
  return kExitOk;
}

// Opens the context and takes the lake lock, waiting for a running task to finish, so standalone
// tasks started by an orchestrator queue up instead of failing.
struct TaskSession {
  std::unique_ptr<PipelineContext> ctx;
  std::unique_ptr<RunLock> lock;
};
Result<TaskSession> OpenSession(const GlobalFlags& g) {
  FL_ASSIGN_OR_RETURN(Config config, LoadFromFlags(g));
  TaskSession s;
  FL_ASSIGN_OR_RETURN(s.lock, RunLock::Acquire(LockPath(config), 600));
  FL_ASSIGN_OR_RETURN(s.ctx, PipelineContext::Open(config));
  return s;
}

int CmdFetch(const GlobalFlags& g, const std::string& date_flag) {
  auto date = ParseDateFlag("--date", date_flag);
  if (!date.ok()) return Fail(date.status());
  auto s = OpenSession(g);
  if (!s.ok()) return Fail(s.status());
  auto r = FetchTask(*s->ctx, *date);
  if (!r.ok()) return Fail(r.status());
  std::printf(
      "fetch: %zu objects listed, %zu selected, %zu copied (%llu bytes), %zu already there, %zu "
      "refused\n",
      r->listed, r->selected, r->copied, static_cast<unsigned long long>(r->bytes_copied),
      r->skipped, r->refused.size());
  return kExitOk;
}

int CmdProcess(const GlobalFlags& g, const std::string& date_flag) {
  auto date = ParseDateFlag("--date", date_flag);
  if (!date.ok()) return Fail(date.status());
  auto s = OpenSession(g);
  if (!s.ok()) return Fail(s.status());
  std::vector<std::string> batches;
  if (*date) {
    batches.push_back(FormatDate(**date));
  } else {
    auto all = FetchedBatches(*s->ctx);
    if (!all.ok()) return Fail(all.status());
    batches = *all;
  }
  for (const auto& batch : batches) {
    auto r = ProcessTask(*s->ctx, batch);
    if (!r.ok()) return Fail(r.status().WithContext("processing batch " + batch));
    for (const auto& [entity, e] : r->entities) {
      std::printf("process %s %-18s in %lld, kept %lld, rejected %lld, coerced to null %lld\n",
                  batch.c_str(), entity.c_str(), static_cast<long long>(e.rows_in),
                  static_cast<long long>(e.rows_kept), static_cast<long long>(e.rows_rejected),
                  static_cast<long long>(e.coerced_nulls));
    }
  }
  return kExitOk;
}

int CmdCrawl(const GlobalFlags& g, const std::string& date_flag, const std::string& entity_name) {
  auto date = ParseDateFlag("--date", date_flag);
  if (!date.ok()) return Fail(date.status());
  auto s = OpenSession(g);
  if (!s.ok()) return Fail(s.status());
  const Config& config = s->ctx->config();
  if (!entity_name.empty() && !config.FindEntity(entity_name)) {
    return Fail(Status::InvalidArgument(
        fmt::format("--entity '{}' is not an entity of {}", entity_name, config.file)));
  }
  auto db = s->ctx->warehouse();
  if (!db.ok()) return Fail(db.status());
  auto conn = (*db)->Connect();
  if (!conn.ok()) return Fail(conn.status());
  std::optional<std::string> batch;
  if (*date) batch = FormatDate(**date);
  for (const auto& e : config.entities) {
    if (!entity_name.empty() && e.name != entity_name) continue;
    auto r = CrawlTask(*s->ctx, *conn, e, batch);
    if (!r.ok()) return Fail(r.status().WithContext("crawling " + e.name));
    std::printf(
        "crawl %-18s %zu partitions, %lld rows read, %lld rows, %lld duplicates collapsed\n",
        e.name.c_str(), r->partitions.size(), static_cast<long long>(r->rows_read),
        static_cast<long long>(r->rows_written), static_cast<long long>(r->duplicates));
  }
  return kExitOk;
}

int CmdMarts(const GlobalFlags& g) {
  auto s = OpenSession(g);
  if (!s.ok()) return Fail(s.status());
  auto db = s->ctx->warehouse();
  if (!db.ok()) return Fail(db.status());
  auto conn = (*db)->Connect();
  if (!conn.ok()) return Fail(conn.status());
  Status st = MartsTask(*s->ctx, *conn);
  if (!st.ok()) return Fail(st);
  std::printf("marts: built %zu\n", s->ctx->config().marts.size());
  return kExitOk;
}

int CmdRun(const GlobalFlags& g, const std::string& date_flag, const std::string& from_flag,
           const std::string& to_flag, bool force) {
  auto date = ParseDateFlag("--date", date_flag);
  auto from = ParseDateFlag("--from", from_flag);
  auto to = ParseDateFlag("--to", to_flag);
  for (const auto* r : {&date, &from, &to}) {
    if (!r->ok()) return Fail(r->status());
  }
  RunRequest request;
  request.force = force;
  if (*date) {
    if (*from || *to)
      return Fail(Status::InvalidArgument("use either --date or --from/--to, not both"));
    request.dates.push_back(**date);
  } else if (*from || *to) {
    if (!*from || !*to) return Fail(Status::InvalidArgument("--from and --to go together"));
    if (**to < **from) return Fail(Status::InvalidArgument("--to is before --from"));
    for (int32_t d = **from; d <= **to; ++d) request.dates.push_back(d);
  }
  auto config = LoadFromFlags(g);
  if (!config.ok()) return Fail(config.status());
  auto ctx = PipelineContext::Open(*config);
  if (!ctx.ok()) return Fail(ctx.status());
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  auto outcome = RunPipeline(**ctx, request);
  if (!outcome.ok()) return Fail(outcome.status());
  std::fputs(FormatRunSummary(*outcome).c_str(), stdout);
  return outcome->ok ? kExitOk : kExitFailed;
}

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

}  // namespace
}  // namespace fleetlake

int main(int argc, char** argv) {
  using namespace fleetlake;
  CLI::App app{
      "fleetlake: a config-driven daily pipeline from an event stream to a queryable lake"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "fleetlake 0.1.0");
  GlobalFlags g;
  auto add_config = [&](CLI::App* cmd) {
    cmd->add_option("--config,-c", g.config_path, "The pipeline's YAML config")->required();
    cmd->add_option("--set", g.sets, "Override a config value: dotted.key=value (repeatable)");
    cmd->add_flag("--quiet,-q", g.quiet, "Only errors on stderr");
    cmd->add_flag("--verbose,-v", g.verbose, "Debug logging on stderr");
  };

  gen::GenerateOptions gen_options;
  auto* generate = app.add_subcommand("generate", "Write a realistic sample event stream");
  generate->add_option("--out", gen_options.out_dir, "Output folder (objects go to OUT/data/)")
      ->required();
  generate->add_option("--days", gen_options.days, "Days of stream")->capture_default_str();
  generate->add_option("--vehicles", gen_options.vehicles, "Fleet size")->capture_default_str();
  generate->add_option("--seed", gen_options.seed, "Random seed (same seed, same bytes)")
      ->capture_default_str();
  generate->add_option("--start", gen_options.start_date, "First day YYYY-MM-DD")
      ->capture_default_str();
  generate->add_option("--hours", gen_options.active_hours, "Hours of stream per day")
      ->capture_default_str();
  generate
      ->add_option("--interval", gen_options.update_interval_s, "Seconds between vehicle updates")
      ->capture_default_str();
  generate->add_option("--periods", gen_options.periods_per_day, "Operating periods per day")
      ->capture_default_str();
  generate->add_option("--organizations", gen_options.organizations, "Tenants")
      ->capture_default_str();
  generate->add_option("--reject-rate", gen_options.reject_rate, "Share of bad records")
      ->capture_default_str();
  generate
      ->add_option("--duplicate-rate", gen_options.duplicate_rate, "Share of re-delivered records")
      ->capture_default_str();
  generate->add_flag("--gzip-some", gen_options.gzip_some, "Write some objects gzip-compressed");

  auto* validate = app.add_subcommand("validate", "Check a config and print what it describes");
  add_config(validate);

  std::string date, from, to, entity, format = "table", query;
  bool force = false;
  int limit = 10;
  auto* fetch = app.add_subcommand("fetch", "Copy new source objects into the raw zone");
  add_config(fetch);
  fetch->add_option("--date", date, "Only the objects of this day (YYYY-MM-DD, from the key)");
  auto* process = app.add_subcommand("process", "Raw objects of a batch -> Parquet + rejects");
  add_config(process);
  process->add_option("--date", date, "The batch (day) to process; default every fetched batch");
  auto* crawl = app.add_subcommand("crawl", "Make warehouse tables match the structured zone");
  add_config(crawl);
  crawl->add_option("--date", date, "Only the partitions this batch touched; default all");
  crawl->add_option("--entity", entity, "Only this entity; default all");
  auto* marts = app.add_subcommand("marts", "Rebuild the SQL models of the config");
  add_config(marts);
  auto* run = app.add_subcommand("run", "fetch -> process -> crawl -> marts for dates");
  add_config(run);
  run->add_option("--date", date, "One day YYYY-MM-DD");
  run->add_option("--from", from, "First day of a backfill");
  run->add_option("--to", to, "Last day of a backfill (inclusive)");
  run->add_flag("--force", force, "Run dates that already succeeded again");
  auto* sql = app.add_subcommand("sql", "Query the warehouse");
  add_config(sql);
  sql->add_option("query", query, "SQL")->required();
  sql->add_option("--format", format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  auto* status = app.add_subcommand("status", "Recent runs and their tasks");
  add_config(status);
  status->add_option("--limit", limit, "How many runs")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (g.quiet) SetLogLevel(LogLevel::kError);
  if (g.verbose) SetLogLevel(LogLevel::kDebug);

  if (generate->parsed()) return CmdGenerate(gen_options);
  if (validate->parsed()) return CmdValidate(g);
  if (fetch->parsed()) return CmdFetch(g, date);
  if (process->parsed()) return CmdProcess(g, date);
  if (crawl->parsed()) return CmdCrawl(g, date, entity);
  if (marts->parsed()) return CmdMarts(g);
  if (run->parsed()) return CmdRun(g, date, from, to, force);
  if (sql->parsed()) return CmdSql(g, query, format);
  if (status->parsed()) return CmdStatus(g, limit);
  return 2;
}
