#include <cstdio>

#include "cli/commands.h"
#include "gen/generator.h"

namespace fleetlake::cli {
namespace {

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

}  // namespace

void AddGenerateCommand(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<gen::GenerateOptions>();
  auto* generate = app.add_subcommand("generate", "Write a realistic sample event stream");
  generate->add_option("--out", o->out_dir, "Output folder (objects go to OUT/data/)")->required();
  generate->add_option("--days", o->days, "Days of stream")->capture_default_str();
  generate->add_option("--vehicles", o->vehicles, "Fleet size")->capture_default_str();
  generate->add_option("--seed", o->seed, "Random seed (same seed, same bytes)")
      ->capture_default_str();
  generate->add_option("--start", o->start_date, "First day YYYY-MM-DD")->capture_default_str();
  generate->add_option("--hours", o->active_hours, "Hours of stream per day")
      ->capture_default_str();
  generate->add_option("--interval", o->update_interval_s, "Seconds between vehicle updates")
      ->capture_default_str();
  generate->add_option("--periods", o->periods_per_day, "Operating periods per day")
      ->capture_default_str();
  generate->add_option("--organizations", o->organizations, "Tenants")->capture_default_str();
  generate->add_option("--reject-rate", o->reject_rate, "Share of bad records")
      ->capture_default_str();
  generate->add_option("--duplicate-rate", o->duplicate_rate, "Share of re-delivered records")
      ->capture_default_str();
  generate->add_flag("--gzip-some", o->gzip_some, "Write some objects gzip-compressed");
  generate->callback([o, exit_code] { *exit_code = CmdGenerate(*o); });
}

}  // namespace fleetlake::cli
