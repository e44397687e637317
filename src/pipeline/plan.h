// The task graph of a config, for orchestrators: which fleetlake commands to run for one day, and
// in what order. `fleetlake plan --json` prints it; the Airflow DAG (deploy/airflow) builds its
// tasks from that output, so a new entity in the config needs no DAG edit.
//
//   fetch_data >> process_data >> [crawl_<entity>, ...] >> build_marts
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace fleetlake {

struct PlanTask {
  std::string id;       // fetch_data, process_data, crawl_<entity>, build_marts
  std::string command;  // the fleetlake subcommand: fetch, process, crawl, marts
  std::string entity;   // crawl tasks only
  // The command line after the binary name, e.g. {"crawl", "--config", F, "--date", "{{ ds }}",
  // "--entity", "vehicle"}. `marts` rebuilds every mart from the whole warehouse: it has no date.
  std::vector<std::string> args;
  std::vector<std::string> upstream;  // ids of the tasks that must succeed first
};

struct Plan {
  std::string config;             // the --config argument, as given
  std::vector<std::string> sets;  // the --set overrides, repeated on every task's command line
  std::vector<std::string> entities;
  std::vector<std::string> marts;
  int retries = 0;              // run.retries of the config: extra attempts per task
  std::vector<PlanTask> tasks;  // in a valid execution order
};

struct PlanOptions {
  std::string config_arg;                  // the config path the tasks will be run with
  std::vector<std::string> sets;           // --set overrides to pass on
  std::string date_template = "{{ ds }}";  // the --date value: Airflow's logical date by default
};

Plan BuildPlan(const Config& config, const PlanOptions& options);

// {"config": ..., "sets": [...], "entities": [...], "marts": [...], "retries": N,
//  "tasks": [{"id", "command", "entity" (crawl only), "args": [...], "upstream": [...]}]}
// with two-space indentation and a final newline; stable, so it can be diffed and golden-tested.
std::string PlanToJson(const Plan& plan);
// One line per task: id, upstream ids, and the shell-quoted command line.
std::string PlanToText(const Plan& plan);

}  // namespace fleetlake
