// `fleetlake report`: the data-quality report of a date, as text, JSON or a self-contained HTML
// page (task Gantt, volume and reject charts, the BI answer, the day's positions).
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "cli/commands.h"
#include "common/log.h"
#include "common/time_util.h"
#include "pipeline/dq_report.h"
#include "pipeline/report_page.h"

namespace fleetlake::cli {
namespace {

struct ReportFlags {
  std::string date;
  std::string format = "text";
  std::string out;
};

int CmdReport(const GlobalFlags& g, const ReportFlags& f) {
  auto date = ParseDateFlag("--date", f.date);
  if (!date.ok()) return Fail(date.status());
  auto session = OpenWarehouseSession(g);
  if (!session.ok()) return Fail(session.status());
  const Config* config = &session->config;
  Connection* conn = &session->conn;

  std::string day;
  if (*date) {
    day = FormatDate(**date);
  } else {
    auto latest = LatestDqDate(*conn);
    if (!latest.ok()) return Fail(latest.status());
    if (!*latest) {
      return Fail(Status::NotFound(
          fmt::format("no data-quality report in {} yet: run `fleetlake run --config {}` first",
                      config->warehouse.path, g.config_path)));
    }
    day = **latest;
  }
  auto dq = LoadDqReport(*conn, day);
  if (!dq.ok()) return Fail(dq.status());
  if (!*dq) {
    return Fail(Status::NotFound(fmt::format(
        "no data-quality report for {}: run `fleetlake run --config {} --date {}` first (a report "
        "is made when a date's crawl succeeds; `fleetlake status` shows the dates that ran)",
        day, g.config_path, day)));
  }

  std::string text;
  if (f.format == "json") {
    text = FormatDqJson(**dq);
  } else if (f.format == "html") {
    auto page = LoadReportPage(*conn, *config, **dq);
    if (!page.ok()) return Fail(page.status());
    text = RenderReportHtml(*page);
  } else {
    text = FormatDqText(**dq, f.out.empty() && ColorWanted(STDOUT_FILENO));
  }

  if (f.out.empty()) {
    std::fputs(text.c_str(), stdout);
    return kExitOk;
  }
  std::ofstream out(f.out, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    return Fail(Status::IOError(
        fmt::format("could not write {}: check that its folder exists and is writable", f.out)));
  }
  LogInfo("wrote the {} report of {} to {}", f.format, day, f.out);
  return kExitOk;
}

}  // namespace

void AddReportCommand(CLI::App& app, GlobalFlags& g, int* exit_code) {
  auto f = std::make_shared<ReportFlags>();
  auto* cmd = app.add_subcommand("report", "The data-quality report of a run (text, json or html)");
  AddConfigOptions(cmd, g);
  cmd->add_option("--date", f->date, "The run date YYYY-MM-DD; default the latest with a report");
  cmd->add_option("--format", f->format, "text, json or html (one self-contained page)")
      ->check(CLI::IsMember({"text", "json", "html"}))
      ->capture_default_str();
  cmd->add_option("--out,-o", f->out, "Write to this file instead of stdout");
  cmd->callback([&g, f, exit_code] { *exit_code = CmdReport(g, *f); });
}

}  // namespace fleetlake::cli
