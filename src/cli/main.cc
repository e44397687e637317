// fleetlake: the command line. Thin: parse flags, call the pipeline, map Status to exit codes
// (0 ok, 1 run failed, 2 usage or config error). Each subcommand lives in its own file.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "common/log.h"

int main(int argc, char** argv) {
  using namespace fleetlake;
  using namespace fleetlake::cli;
  CLI::App app{
      "fleetlake: a config-driven daily pipeline from an event stream to a queryable lake"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "fleetlake 0.1.0");
  GlobalFlags g;
  int exit_code = kExitUsage;
  // Logging must be set before a command's callback runs.
  app.parse_complete_callback([&g] { ApplyLogFlags(g); });

  AddGenerateCommand(app, &exit_code);
  AddValidateCommand(app, g, &exit_code);
  AddTaskCommands(app, g, &exit_code);
  AddRunCommand(app, g, &exit_code);
  AddQueryCommands(app, g, &exit_code);
  AddReportCommand(app, g, &exit_code);
  AddPlanCommand(app, g, &exit_code);
  AddDdlCommand(app, g, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}
