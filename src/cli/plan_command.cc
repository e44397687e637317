#include <cstdio>

#include "cli/commands.h"
#include "pipeline/plan.h"

namespace fleetlake::cli {
namespace {

struct PlanFlags {
  bool json = false;
  std::string date_template = "{{ ds }}";
};

int CmdPlan(const GlobalFlags& g, const PlanFlags& f) {
  auto config = LoadFromFlags(g);
  if (!config.ok()) return Fail(config.status());
  Plan plan = BuildPlan(*config, {g.config_path, g.sets, f.date_template});
  std::fputs((f.json ? PlanToJson(plan) : PlanToText(plan)).c_str(), stdout);
  return kExitOk;
}

}  // namespace

void AddPlanCommand(CLI::App& app, GlobalFlags& g, int* exit_code) {
  auto f = std::make_shared<PlanFlags>();
  auto* plan = app.add_subcommand(
      "plan", "Print the task graph of a config (one day): the commands an orchestrator runs");
  AddConfigOptions(plan, g);
  plan->add_flag("--json", f->json, "JSON, as the Airflow DAG reads it");
  plan->add_option("--date-template", f->date_template,
                   "The --date value of the tasks (default: Airflow's {{ ds }})");
  plan->callback([&g, f, exit_code] { *exit_code = CmdPlan(g, *f); });
}

}  // namespace fleetlake::cli
