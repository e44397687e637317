#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "common/log.h"
#include "pipeline/runner.h"

namespace fleetlake::cli {
namespace {

void OnSignal(int) { RequestStop(); }

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
  const bool color = ColorWanted(STDOUT_FILENO);
  std::fputs(FormatRunSummary(*outcome).c_str(), stdout);
  // The data-quality report of each date: in full for a few dates, one line each for a backfill.
  if (!outcome->quality.empty()) std::fputs("\n", stdout);
  if (outcome->quality.size() <= 3) {
    for (const auto& dq : outcome->quality)
      std::fputs((FormatDqText(dq, color) + "\n").c_str(), stdout);
  } else {
    std::fputs(FormatDqLines(outcome->quality).c_str(), stdout);
    std::fputs("\n", stdout);
  }
  if (!outcome->quality.empty()) {
    std::printf("more: fleetlake report --config %s --date %s --format html --out report.html\n",
                g.config_path.c_str(), outcome->quality.back().run_date.c_str());
  }
  std::fputs(FormatRunVerdict(*outcome, color).c_str(), stdout);
  return outcome->ok ? kExitOk : kExitFailed;
}

struct RunFlags {
  std::string date, from, to;
  bool force = false;
};

}  // namespace

void AddRunCommand(CLI::App& app, GlobalFlags& g, int* exit_code) {
  auto f = std::make_shared<RunFlags>();
  auto* run = app.add_subcommand("run", "fetch -> process -> crawl -> marts for dates");
  AddConfigOptions(run, g);
  run->add_option("--date", f->date, "One day YYYY-MM-DD");
  run->add_option("--from", f->from, "First day of a backfill");
  run->add_option("--to", f->to, "Last day of a backfill (inclusive)");
  run->add_flag("--force", f->force, "Run dates that already succeeded again");
  run->callback([&g, f, exit_code] { *exit_code = CmdRun(g, f->date, f->from, f->to, f->force); });
}

}  // namespace fleetlake::cli
