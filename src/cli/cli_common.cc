#include "cli/cli_common.h"

#include <cstdio>
#include <filesystem>

#include "common/log.h"
#include "common/time_util.h"
#include "pipeline/runner.h"

namespace fleetlake::cli {

int Fail(const Status& st) {
  // Through the logger: one JSON object with --log-format json, and never mixed with a progress
  // bar.
  LogLine(LogLevel::kError, st.ToString());
  return st.IsInvalidArgument() ? kExitUsage : kExitFailed;
}

void AddConfigOptions(CLI::App* cmd, GlobalFlags& g) {
  cmd->add_option("--config,-c", g.config_path, "The pipeline's YAML config")->required();
  cmd->add_option("--set", g.sets, "Override a config value: dotted.key=value (repeatable)");
  cmd->add_flag("--quiet,-q", g.quiet, "Only errors on stderr");
  cmd->add_flag("--verbose,-v", g.verbose, "Debug logging on stderr");
  cmd->add_option("--log-format", g.log_format,
                  "text (for people; colour unless NO_COLOR is set) or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

void ApplyLogFlags(const GlobalFlags& g) {
  LogOptions o;
  o.level = g.quiet ? LogLevel::kError : g.verbose ? LogLevel::kDebug : LogLevel::kInfo;
  o.format = g.log_format == "json" ? LogFormat::kJson : LogFormat::kText;
  ConfigureLogging(o);
}

static std::string ConfigHint(const GlobalFlags& g) {
  return g.config_path.empty() ? "--config FILE" : "--config " + g.config_path;
}

Result<Database> OpenExistingWarehouse(const Config& config, const GlobalFlags& g) {
  std::error_code ec;
  if (!std::filesystem::exists(config.warehouse.path, ec)) {
    return Status::NotFound(fmt::format(
        "no warehouse at {}: run `fleetlake run {}` first, or check warehouse.path in {}",
        config.warehouse.path, ConfigHint(g), config.file));
  }
  auto db = Database::Open(config.warehouse.path);
  if (!db.ok()) return WithHint(db.status(), config);
  return db;
}

Result<WarehouseSession> OpenWarehouseSession(const GlobalFlags& g) {
  FL_ASSIGN_OR_RETURN(Config config, LoadFromFlags(g));
  FL_ASSIGN_OR_RETURN(Database db, OpenExistingWarehouse(config, g));
  FL_ASSIGN_OR_RETURN(Connection conn, db.Connect());
  return WarehouseSession{std::move(config), std::move(conn)};
}

// The same kind of status with `extra` after its message.
static Status Append(const Status& st, const std::string& extra) {
  std::string m = st.message() + extra;
  switch (st.code()) {
    case Status::Code::kInvalidArgument:
      return Status::InvalidArgument(m);
    case Status::Code::kNotFound:
      return Status::NotFound(m);
    case Status::Code::kIOError:
      return Status::IOError(m);
    case Status::Code::kCorruption:
      return Status::Corruption(m);
    case Status::Code::kBusy:
      return Status::Busy(m);
    case Status::Code::kCancelled:
      return Status::Cancelled(m);
    default:
      return Status::Internal(m);
  }
}

Status WithHint(const Status& st, const Config& config) {
  const std::string& m = st.message();
  if (st.code() == Status::Code::kBusy) {
    return Append(st, ": another fleetlake process is using " + config.warehouse.path +
                          "; wait for it to finish (see `fleetlake status`) and try again");
  }
  if (m.find("Catalog Error") != std::string::npos &&
      m.find("does not exist") != std::string::npos) {
    return Append(st, "\nhint: list the tables with `fleetlake sql --config " + config.file +
                          " \"SHOW TABLES\"`; entity tables and marts appear after "
                          "`fleetlake run`");
  }
  if (m.find("Parser Error") != std::string::npos) {
    return Append(st, "\nhint: the query is DuckDB SQL; quote it as one argument");
  }
  return st;
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
