#include "cli/cli_common.h"

#include <cstdio>

#include "common/time_util.h"
#include "pipeline/runner.h"

namespace fleetlake::cli {

int Fail(const Status& st) {
  std::fprintf(stderr, "fleetlake: %s\n", st.ToString().c_str());
  return st.IsInvalidArgument() ? kExitUsage : kExitFailed;
}

void AddConfigOptions(CLI::App* cmd, GlobalFlags& g) {
  cmd->add_option("--config,-c", g.config_path, "The pipeline's YAML config")->required();
  cmd->add_option("--set", g.sets, "Override a config value: dotted.key=value (repeatable)");
  cmd->add_flag("--quiet,-q", g.quiet, "Only errors on stderr");
  cmd->add_flag("--verbose,-v", g.verbose, "Debug logging on stderr");
}

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

Result<TaskSession> OpenSession(const GlobalFlags& g) {
  FL_ASSIGN_OR_RETURN(Config config, LoadFromFlags(g));
  TaskSession s;
  FL_ASSIGN_OR_RETURN(s.lock, RunLock::Acquire(LockPath(config), 600));
  FL_ASSIGN_OR_RETURN(s.ctx, PipelineContext::Open(config));
  return s;
}

}  // namespace fleetlake::cli
