#include <cstdio>

#include "cli/commands.h"
#include "common/progress.h"
#include "common/time_util.h"

namespace fleetlake::cli {
namespace {

int CmdFetch(const GlobalFlags& g, const std::string& date_flag) {
  auto date = ParseDateFlag("--date", date_flag);
  if (!date.ok()) return Fail(date.status());
  auto s = OpenSession(g);
  if (!s.ok()) return Fail(s.status());
  Progress progress(*date ? "fetch " + FormatDate(**date) : std::string("fetch"), "objects");
  auto r = FetchTask(*s->ctx, *date, &progress);
  if (!r.ok()) return Fail(r.status());
  progress.Finish();
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
    Progress progress("process " + batch, "objects");
    auto r = ProcessTask(*s->ctx, batch, &progress);
    if (r.ok()) progress.Finish();
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

struct TaskFlags {
  std::string date;
  std::string entity;
};

}  // namespace

void AddTaskCommands(CLI::App& app, GlobalFlags& g, int* exit_code) {
  auto f = std::make_shared<TaskFlags>();
  auto* fetch = app.add_subcommand("fetch", "Copy new source objects into the raw zone");
  AddConfigOptions(fetch, g);
  fetch->add_option("--date", f->date, "Only the objects of this day (YYYY-MM-DD, from the key)");
  fetch->callback([&g, f, exit_code] { *exit_code = CmdFetch(g, f->date); });

  auto* process = app.add_subcommand("process", "Raw objects of a batch -> Parquet + rejects");
  AddConfigOptions(process, g);
  process->add_option("--date", f->date, "The batch (day) to process; default every fetched batch");
  process->callback([&g, f, exit_code] { *exit_code = CmdProcess(g, f->date); });

  auto* crawl = app.add_subcommand("crawl", "Make warehouse tables match the structured zone");
  AddConfigOptions(crawl, g);
  crawl->add_option("--date", f->date, "Only the partitions this batch touched; default all");
  crawl->add_option("--entity", f->entity, "Only this entity; default all");
  crawl->callback([&g, f, exit_code] { *exit_code = CmdCrawl(g, f->date, f->entity); });

  auto* marts = app.add_subcommand("marts", "Rebuild the SQL models of the config");
  AddConfigOptions(marts, g);
  marts->callback([&g, exit_code] { *exit_code = CmdMarts(g); });
}

}  // namespace fleetlake::cli
