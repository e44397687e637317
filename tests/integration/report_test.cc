// What users see, end to end on the real binary: the data-quality report after `run` and from
// `report` (text, JSON, HTML in headless Chromium), the status grid, progress on a terminal and
// not on a pipe, JSON logs, NO_COLOR, and the main error messages.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "cli_harness.h"
#include "gen/generator.h"
#include "warehouse/database.h"

namespace fleetlake {
namespace {

using fleetlake_test::CliResult;
using fleetlake_test::CommandLine;
using fleetlake_test::RunCli;
using fleetlake_test::RunShell;
using fleetlake_test::Scratch;
using fleetlake_test::ShellQuote;

int64_t Count(const Scratch& s, const std::string& sql) {
  auto db = Database::Open(s.warehouse());
  if (!db.ok()) return -1;
  auto conn = db->Connect();
  if (!conn.ok()) return -1;
  auto r = conn->Query(sql);
  if (!r.ok() || r->num_rows() != 1 || !r->rows[0][0]) return -1;
  return std::stoll(*r->rows[0][0]);
}

// One generated day, run once for the whole suite.
class Report : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_ = new Scratch("report");
    gen::GenerateOptions o;
    o.out_dir = s_->source();
    o.days = 1;
    o.vehicles = 6;
    o.seed = 11;
    o.start_date = "2019-06-01";
    o.active_hours = 0.5;
    auto g = gen::Generate(o);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    run_ = new CliResult(RunCli(s_->Args("run", {"--date", "2019-06-01"})));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete s_;
  }
  static Scratch* s_;
  static CliResult* run_;
};
Scratch* Report::s_ = nullptr;
CliResult* Report::run_ = nullptr;

TEST_F(Report, RunPrintsTheSummaryAndTheDataQualityReport) {
  ASSERT_EQ(run_->exit_code, 0) << run_->output;
  const std::string& out = run_->output;
  EXPECT_NE(out.find("Data quality of 2019-06-01"), std::string::npos) << out;
  EXPECT_NE(out.find("rejected, by reason:"), std::string::npos) << out;
  EXPECT_NE(out.find("run succeeded: 1 date(s) ran"), std::string::npos) << out;
  EXPECT_NE(out.find("fleetlake report --config"), std::string::npos) << out;
  // Not a terminal: plain log lines, no bar, no colour.
  EXPECT_NE(out.find("fleetlake info: 2019-06-01 fetch: "), std::string::npos) << out;
  EXPECT_NE(out.find("fleetlake info: 2019-06-01 process: "), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out.find("\033["), std::string::npos);
}

TEST_F(Report, JsonReportAgreesWithTheWarehouse) {
  auto r = RunCli(s_->Args("report", {"--date", "2019-06-01", "--format", "json"}));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::smatch m;
  std::regex vehicle(
      "\\{\"entity\":\"vehicle\",\"rows_in\":(\\d+),\"rows_kept\":(\\d+),\"rows_rejected\":(\\d+),"
      "\"duplicates\":(\\d+),\"late_rows\":(\\d+)");
  ASSERT_TRUE(std::regex_search(r.output, m, vehicle)) << r.output;
  int64_t in = std::stoll(m[1]), kept = std::stoll(m[2]), rejected = std::stoll(m[3]),
          dups = std::stoll(m[4]);
  EXPECT_EQ(in, kept + rejected);
  // Kept rows minus the duplicates the crawl collapsed are the table's rows.
  EXPECT_EQ(kept - dups, Count(*s_, "SELECT count(*) FROM vehicle"));
  EXPECT_GT(rejected, 0);  // the generator injects bad records
  EXPECT_EQ(Count(*s_, "SELECT count(*) FROM fleetlake_dq_runs"), 1);
  EXPECT_EQ(Count(*s_, "SELECT sum(rows) FROM fleetlake_dq_rejects WHERE entity = 'vehicle'"),
            rejected);
  EXPECT_NE(r.output.find("\"files\":{\"listed\":"), std::string::npos);
}

TEST_F(Report, TextReportIsTheDefaultAndTheLatestDate) {
  auto r = RunCli(s_->Args("report"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Data quality of 2019-06-01"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("freshest event"), std::string::npos) << r.output;
}

TEST_F(Report, StatusIsADatesByTasksGrid) {
  auto r = RunCli(s_->Args("status"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string header = r.output.substr(0, r.output.find('\n'));
  for (const char* col :
       {"date", "run", "fetch", "process", "crawl vehicle", "crawl operating_period", "marts"}) {
    EXPECT_NE(header.find(col), std::string::npos) << col << "\n" << r.output;
  }
  EXPECT_TRUE(std::regex_search(r.output, std::regex("2019-06-01 +ok [0-9.]+s +ok [0-9.]+s")))
      << r.output;
  auto d = RunCli(s_->Args("status", {"--date", "2019-06-01"}));
  ASSERT_EQ(d.exit_code, 0) << d.output;
  EXPECT_NE(d.output.find("duplicates collapsed"), std::string::npos) << d.output;
}

TEST_F(Report, JsonLogsAreOneObjectPerLine) {
  // stderr only (stdout to /dev/null): every line must be a JSON object.
  auto r = RunShell(
      CommandLine(s_->Args("run", {"--date", "2019-06-01", "--force", "--log-format", "json"})) +
      " 2>&1 >/dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::istringstream lines(r.output);
  int n = 0;
  for (std::string line; std::getline(lines, line);) {
    ++n;
    static const std::regex kJsonLine(
        R"re(\{"time":"[0-9T:.\-]+Z","level":"(info|warn|error|debug)","msg":".*"\})re");
    EXPECT_TRUE(std::regex_match(line, kJsonLine)) << line;
  }
  EXPECT_GE(n, 4);
  EXPECT_NE(r.output.find("2019-06-01 fetch: "), std::string::npos) << r.output;
}

TEST_F(Report, QuietPrintsNoLogLines) {
  auto r = RunShell(CommandLine(s_->Args("run", {"--date", "2019-06-01", "--force", "--quiet"})) +
                    " 2>&1 >/dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
}

// On a terminal (util-linux `script` gives the command a pseudo-terminal) the bar is drawn and
// the level names are coloured; NO_COLOR removes the colour but keeps the bar.
TEST_F(Report, ProgressBarAndColourOnATerminalOnly) {
  std::string cmd = CommandLine(s_->Args("fetch", {"--date", "2019-06-01"}));
  auto tty = RunShell("script -qec " + ShellQuote(cmd) + " /dev/null 2>&1");
  ASSERT_EQ(tty.exit_code, 0) << tty.output;
  EXPECT_NE(tty.output.find("fetch 2019-06-01 ["), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find(" objects"), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("\r\033[K"), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("\033[36minfo"), std::string::npos) << tty.output;

  auto no_color = RunShell("NO_COLOR=1 script -qec " + ShellQuote(cmd) + " /dev/null 2>&1");
  ASSERT_EQ(no_color.exit_code, 0) << no_color.output;
  EXPECT_NE(no_color.output.find("fetch 2019-06-01 ["), std::string::npos) << no_color.output;
  EXPECT_EQ(no_color.output.find("\033[36m"), std::string::npos) << no_color.output;

  auto pipe = RunShell(cmd + " 2>&1");
  ASSERT_EQ(pipe.exit_code, 0) << pipe.output;
  EXPECT_EQ(pipe.output.find("fetch 2019-06-01 ["), std::string::npos) << pipe.output;
  EXPECT_NE(pipe.output.find("fleetlake info: fetch 2019-06-01: "), std::string::npos)
      << pipe.output;
}

// The HTML report in a real browser: headless Chromium loads the file (no network), the DOM has
// the tables and charts, and a screenshot is taken.
TEST_F(Report, HtmlReportRendersInChromium) {
  std::string html = (s_->root / "report.html").string();
  auto r = RunCli(s_->Args("report", {"--format", "html", "--out", html}));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string profile = (s_->root / "chromium-profile").string();
  std::string flags =
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
      " --disable-background-networking --disable-component-update --disable-sync"
      " --user-data-dir=" +
      ShellQuote(profile);
  auto which = RunShell("command -v chromium");
  ASSERT_EQ(which.exit_code, 0) << "chromium is missing: run scripts/setup.sh";
  auto dom = RunShell("timeout 120 chromium" + flags + " --dump-dom " +
                      ShellQuote("file://" + html) + " 2>/dev/null");
  ASSERT_EQ(dom.exit_code, 0) << dom.output.substr(0, 2000);
  for (const char* part :
       {"<svg id=\"gantt\"", "<svg id=\"volume-chart\"", "<svg id=\"reject-chart\"",
        "<svg id=\"positions-map\"", "<table id=\"dq-table\"",
        "<table id=\"mart-operating_period_distance\"", "class=\"task-bar success\"",
        "<circle class=\"pos\"", "<rect class=\"bar\""}) {
    EXPECT_NE(dom.output.find(part), std::string::npos) << part;
  }
  std::string png = (s_->root / "report.png").string();
  auto shot = RunShell("timeout 120 chromium" + flags + " --window-size=1100,2400 --screenshot=" +
                       ShellQuote(png) + " " + ShellQuote("file://" + html) + " 2>&1");
  ASSERT_EQ(shot.exit_code, 0) << shot.output;
  std::ifstream in(png, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  EXPECT_GT(std::filesystem::file_size(png), 20'000u);  // a page with charts, not a blank one
  if (const char* keep = std::getenv("FLEETLAKE_REPORT_SCREENSHOT")) {
    std::filesystem::copy_file(png, keep, std::filesystem::copy_options::overwrite_existing);
  }
}

// Every error says what was wrong and what to do.
TEST_F(Report, ErrorsSayWhatToDo) {
  Scratch empty("report-errors");
  auto sql = RunCli(empty.Args("sql", {"SELECT 1"}));
  EXPECT_EQ(sql.exit_code, 1);
  EXPECT_NE(sql.output.find("no warehouse at " + empty.warehouse()), std::string::npos)
      << sql.output;
  EXPECT_NE(sql.output.find("run `fleetlake run"), std::string::npos) << sql.output;
  EXPECT_NE(sql.output.find("check warehouse.path"), std::string::npos) << sql.output;
  EXPECT_FALSE(std::filesystem::exists(empty.warehouse()));  // not created by the failed query

  auto status = RunCli(empty.Args("status"));
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_NE(status.output.find("no warehouse at"), std::string::npos) << status.output;

  auto report = RunCli(s_->Args("report", {"--date", "2019-07-04"}));
  EXPECT_EQ(report.exit_code, 1);
  EXPECT_NE(report.output.find("no data-quality report for 2019-07-04"), std::string::npos)
      << report.output;
  EXPECT_NE(report.output.find("--date 2019-07-04` first"), std::string::npos) << report.output;

  auto table = RunCli(s_->Args("sql", {"SELECT * FROM no_such_table"}));
  EXPECT_EQ(table.exit_code, 2);  // a bad query is the user's to fix
  EXPECT_NE(table.output.find("hint: list the tables"), std::string::npos) << table.output;

  auto date = RunCli(s_->Args("report", {"--date", "June 1st"}));
  EXPECT_EQ(date.exit_code, 2);
  EXPECT_NE(date.output.find("expected a date YYYY-MM-DD"), std::string::npos) << date.output;

  auto format = RunCli(s_->Args("report", {"--format", "pdf"}));
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_NE(format.output.find("--format"), std::string::npos) << format.output;

  auto log_format = RunCli(s_->Args("status", {"--log-format", "xml"}));
  EXPECT_EQ(log_format.exit_code, 2);
  EXPECT_NE(log_format.output.find("--log-format"), std::string::npos) << log_format.output;

  auto out = RunCli(s_->Args("report", {"--out", "/nonexistent-dir/r.html"}));
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.output.find("check that its folder exists"), std::string::npos) << out.output;

  auto range = RunCli(s_->Args("run", {"--from", "2019-06-02", "--to", "2019-06-01"}));
  EXPECT_EQ(range.exit_code, 2);
  EXPECT_NE(range.output.find("--to is before --from"), std::string::npos) << range.output;
}

}  // namespace
}  // namespace fleetlake
