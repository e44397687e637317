#include <cstdio>

#include "cli/commands.h"
#include "common/time_util.h"
#include "warehouse/ddl.h"

namespace fleetlake::cli {
namespace {

struct DdlFlags {
  std::string target = "athena";
  std::string database = "fleetlake";
  std::string location;
  std::string first_date = "2019-01-01";
};

int CmdDdl(const GlobalFlags& g, const DdlFlags& f) {
  auto config = LoadFromFlags(g);
  if (!config.ok()) return Fail(config.status());
  DdlOptions options;
  options.target = f.target == "duckdb" ? DdlTarget::kDuckdb : DdlTarget::kAthena;
  if (!IsValidIdentifier(f.database)) {
    return Fail(Status::InvalidArgument(fmt::format(
        "--database '{}': expected an SQL identifier (letters, digits, _)", f.database)));
  }
  if (!ParseDate(f.first_date)) {
    return Fail(Status::InvalidArgument(
        fmt::format("--first-date '{}': expected a date YYYY-MM-DD", f.first_date)));
  }
  options.database = f.database;
  options.location = f.location;
  options.first_date = f.first_date;
  auto ddl = GenerateDdl(*config, options);
  if (!ddl.ok()) return Fail(ddl.status());
  std::fputs(ddl->c_str(), stdout);
  return kExitOk;
}

}  // namespace

void AddDdlCommand(CLI::App& app, GlobalFlags& g, int* exit_code) {
  auto f = std::make_shared<DdlFlags>();
  auto* ddl = app.add_subcommand("ddl", "Print the SQL that puts Athena or DuckDB over the lake");
  AddConfigOptions(ddl, g);
  ddl->add_option("--target", f->target, "athena (default) or duckdb")
      ->check(CLI::IsMember({"athena", "duckdb"}));
  ddl->add_option("--database", f->database, "Athena database (default fleetlake)");
  ddl->add_option("--location", f->location,
                  "Lake root the tables read (default lake.uri; Athena needs s3://bucket/prefix)");
  ddl->add_option("--first-date", f->first_date,
                  "First day of the Athena partition projection range (default 2019-01-01)");
  ddl->callback([&g, f, exit_code] { *exit_code = CmdDdl(g, *f); });
}

}  // namespace fleetlake::cli
