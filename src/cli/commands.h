// The subcommands. Each Add*Command registers one or more subcommands on `app`; when one of them
// runs, it stores its exit code in *exit_code. A new command is a new file and one line in main.cc.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace fleetlake::cli {

void AddGenerateCommand(CLI::App& app, int* exit_code);
void AddValidateCommand(CLI::App& app, GlobalFlags& g, int* exit_code);
void AddTaskCommands(CLI::App& app, GlobalFlags& g,
                     int* exit_code);  // fetch, process, crawl, marts
void AddRunCommand(CLI::App& app, GlobalFlags& g, int* exit_code);
void AddQueryCommands(CLI::App& app, GlobalFlags& g, int* exit_code);  // sql, status
void AddReportCommand(CLI::App& app, GlobalFlags& g, int* exit_code);
void AddPlanCommand(CLI::App& app, GlobalFlags& g, int* exit_code);
void AddDdlCommand(CLI::App& app, GlobalFlags& g, int* exit_code);

}  // namespace fleetlake::cli
