#include <cstdio>

#include "cli/commands.h"

namespace fleetlake::cli {
namespace {

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

}  // namespace

void AddValidateCommand(CLI::App& app, GlobalFlags& g, int* exit_code) {
  auto* validate = app.add_subcommand("validate", "Check a config and print what it describes");
  AddConfigOptions(validate, g);
  validate->callback([&g, exit_code] { *exit_code = CmdValidate(g); });
}

}  // namespace fleetlake::cli
