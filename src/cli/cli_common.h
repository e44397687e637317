// Shared pieces of the subcommands: global flags, config loading, errors to exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "pipeline/run_lock.h"
#include "pipeline/tasks.h"

namespace fleetlake::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Prints the error and returns its exit code: 2 for usage/config errors, 1 otherwise.
int Fail(const Status& st);

struct GlobalFlags {
  std::string config_path;
  std::vector<std::string> sets;
  bool quiet = false;
  bool verbose = false;
  std::string log_format = "text";
};

// Adds --config (required), --set, --quiet, --verbose and --log-format to a subcommand.
void AddConfigOptions(CLI::App* cmd, GlobalFlags& g);
// Sets up logging from the flags and the environment (NO_COLOR); called once flags are parsed.
void ApplyLogFlags(const GlobalFlags& g);
// Opens the config's warehouse for reading; an absent file is an error that says what to do
// (rather than silently creating an empty warehouse).
Result<Database> OpenExistingWarehouse(const Config& config, const GlobalFlags& g);
// The config and a connection to its existing warehouse: what the read-only commands (sql,
// status, report) start with. The connection keeps the database open.
struct WarehouseSession {
  Config config;
  Connection conn;
};
Result<WarehouseSession> OpenWarehouseSession(const GlobalFlags& g);
// Turns a few common low-level errors into a message that also says what to do.
Status WithHint(const Status& st, const Config& config);
Result<Config> LoadFromFlags(const GlobalFlags& g);
// An empty value is no date; anything else must be YYYY-MM-DD.
Result<std::optional<int32_t>> ParseDateFlag(const std::string& flag, const std::string& value);

// A pipeline context holding the lake lock, for standalone tasks: it waits for a running task on
// the same warehouse to finish, so tasks started by an orchestrator queue up instead of failing.
struct TaskSession {
  std::unique_ptr<RunLock> lock;
  std::unique_ptr<PipelineContext> ctx;
};
Result<TaskSession> OpenSession(const GlobalFlags& g);

// Each subcommand registers itself and sets *exit_code when it runs (see commands.h).
}  // namespace fleetlake::cli
