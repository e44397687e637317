// End to end: generated stream -> `fleetlake run` -> warehouse, checked against an independent
// computation of the same answer (reference_answer.cc), plus re-runs and late data.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>

#include "cli_harness.h"
#include "gen/generator.h"
#include "reference_answer.h"
#include "warehouse/database.h"
#include "warehouse/format.h"

namespace fleetlake {
namespace {

using fleetlake_test::RunCli;
using fleetlake_test::Scratch;

gen::GenerateStats MustGenerate(const Scratch& s, int days, int vehicles, uint64_t seed) {
  gen::GenerateOptions o;
  o.out_dir = s.source();
  o.days = days;
  o.vehicles = vehicles;
  o.seed = seed;
  o.start_date = "2019-06-01";
  o.active_hours = 0.5;
  auto r = gen::Generate(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : gen::GenerateStats{};
}

QueryResult MustQuery(const Scratch& s, const std::string& sql) {
  auto db = Database::Open(s.warehouse());
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  auto conn = db->Connect();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  auto r = conn->Query(sql);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : QueryResult{};
}

int64_t Count(const Scratch& s, const std::string& sql) {
  QueryResult r = MustQuery(s, sql);
  return r.num_rows() == 1 && r.rows[0][0] ? std::stoll(*r.rows[0][0]) : -1;
}

// The reference's name for one of our reject reasons.
std::string ReferenceCategory(const std::string& reason) {
  if (reason.rfind("invalid JSON", 0) == 0 || reason.rfind("not a JSON object", 0) == 0)
    return "not_json";
  if (reason.rfind("invalid timestamp in 'at'", 0) == 0) return "bad_at";
  if (reason.rfind("no entity configured", 0) == 0) return "unroutable";
  if (reason == "missing required field 'data.id'") return "missing_id";
  const std::string missing = "missing required field '";
  if (reason.rfind(missing, 0) == 0) {
    return "missing_" + reason.substr(missing.size(), reason.size() - missing.size() - 1);
  }
  return "other: " + reason;
}

// Every reject record in the lake, by the reference's reason categories.
std::map<std::string, int64_t> RejectsByReason(const Scratch& s) {
  std::map<std::string, int64_t> out;
  std::regex reason_re("\"reason\":\"([^\"]*)\"");
  if (!std::filesystem::exists(s.lake() + "/rejects")) return out;
  for (const auto& f : std::filesystem::recursive_directory_iterator(s.lake() + "/rejects")) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path());
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, reason_re)) {
        out[ReferenceCategory(m[1].str())]++;
      }
    }
  }
  return out;
}

void ExpectMartMatchesReference(const Scratch& s) {
  fleetlake_reference::ReferenceAnswer ref =
      fleetlake_reference::ComputeReferenceAnswer(s.source());
  ASSERT_TRUE(ref.error.empty()) << ref.error;
  ASSERT_FALSE(ref.periods.empty());
  QueryResult mart =
      MustQuery(s,
                "SELECT operating_period_id, vehicles, avg_distance_m, total_distance_m "
                "FROM operating_period_distance ORDER BY operating_period_id");
  ASSERT_EQ(mart.num_rows(), ref.periods.size());
  int with_vehicles = 0;
  for (const auto& row : mart.rows) {
    const auto* p = ref.Find("org-id", *row[0]);
    ASSERT_NE(p, nullptr) << *row[0];
    EXPECT_EQ(std::stoll(*row[1]), p->vehicles) << p->period_id;
    EXPECT_NEAR(std::stod(*row[3]), p->total_distance_m, 1e-6 * std::max(1.0, p->total_distance_m))
        << p->period_id;
    if (p->avg_distance_m) {
      ASSERT_TRUE(row[2].has_value()) << p->period_id;
      EXPECT_NEAR(std::stod(*row[2]), *p->avg_distance_m, 1e-6 * std::max(1.0, *p->avg_distance_m));
      ++with_vehicles;
    } else {
      EXPECT_FALSE(row[2].has_value()) << p->period_id;
    }
  }
  EXPECT_GT(with_vehicles, 0) << "the sample should have periods with vehicles";
}

std::string DumpTables(const Scratch& s) {
  std::string out;
  for (const char* sql :
       {"SELECT * FROM vehicle ORDER BY ALL", "SELECT * FROM operating_period ORDER BY ALL",
        "SELECT * FROM operating_period_distance ORDER BY ALL"}) {
    out += FormatCsv(MustQuery(s, sql));
  }
  return out;
}

TEST(Pipeline, RunsEndToEndAndAnswersTheBiQuestion) {
  Scratch s("e2e");
  gen::GenerateStats stats = MustGenerate(s, 2, 10, 7);
  fleetlake_reference::ReferenceAnswer ref =
      fleetlake_reference::ComputeReferenceAnswer(s.source());
  ASSERT_TRUE(ref.error.empty()) << ref.error;

  auto run = RunCli(s.Args("run"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("run succeeded"), std::string::npos) << run.output;

  // Kept rows: every distinct valid event once.
  EXPECT_EQ(Count(s, "SELECT count(*) FROM vehicle"), ref.distinct_records.at("vehicle"));
  EXPECT_EQ(Count(s, "SELECT count(*) FROM operating_period"),
            ref.distinct_records.at("operating_period"));
  EXPECT_EQ(
      Count(s, "SELECT count(*) FROM (SELECT DISTINCT event, vehicle_id, event_at FROM vehicle)"),
      Count(s, "SELECT count(*) FROM vehicle"));
  // Register/deregister rows are kept with null locations.
  EXPECT_GT(Count(s, "SELECT count(*) FROM vehicle WHERE event <> 'update' AND lat IS NULL"), 0);
  // Every row says where it came from.
  EXPECT_EQ(
      Count(s, "SELECT count(*) FROM vehicle WHERE source_key NOT LIKE 'data/%-events.json%'"), 0);

  // Rejected: every planted bad record, with a reason.
  auto reasons = RejectsByReason(s);
  int64_t rejected = 0;
  for (const auto& [reason, n] : reasons) rejected += n;
  EXPECT_EQ(rejected, stats.rejects_planted);
  EXPECT_EQ(rejected, ref.rejects);
  // The reference folds a record that is valid JSON but not an object into not_json too.
  std::map<std::string, int64_t> expected = ref.rejects_by_reason;
  expected["not_json"] += expected["not_object"];
  expected.erase("not_object");
  for (auto it = expected.begin(); it != expected.end();)
    it = it->second ? std::next(it) : expected.erase(it);
  EXPECT_EQ(reasons, expected);
  EXPECT_GE(reasons.size(), 6u);

  ExpectMartMatchesReference(s);

  // History: one successful run per key date (two days of stream start at 23:55 producer time on
  // the day before, so three dates), with their tasks.
  EXPECT_EQ(Count(s, "SELECT count(*) FROM fleetlake_runs WHERE status = 'success'"), 3);
  EXPECT_GE(Count(s, "SELECT count(*) FROM fleetlake_tasks WHERE status = 'success'"), 3 * 5);
  // Nothing left to do: a second run without dates finds every date done.
  auto again = RunCli(s.Args("run"));
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already done"), std::string::npos) << again.output;
}

TEST(Pipeline, ReRunsAreIdempotent) {
  Scratch s("idem");
  MustGenerate(s, 1, 6, 11);
  auto first = RunCli(s.Args("run", {"--date", "2019-06-01"}));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  std::string before = DumpTables(s);
  ASSERT_FALSE(before.empty());

  auto again = RunCli(s.Args("run", {"--date", "2019-06-01"}));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already done"), std::string::npos) << again.output;

  auto forced = RunCli(s.Args("run", {"--date", "2019-06-01", "--force"}));
  ASSERT_EQ(forced.exit_code, 0) << forced.output;
  EXPECT_EQ(DumpTables(s), before);

  // Each task alone, as an orchestrator would run them, gives the same tables too.
  for (const char* task : {"fetch", "process", "crawl"}) {
    auto r = RunCli(s.Args(task, {"--date", "2019-06-01"}));
    ASSERT_EQ(r.exit_code, 0) << task << ": " << r.output;
  }
  auto marts = RunCli(s.Args("marts"));
  ASSERT_EQ(marts.exit_code, 0) << marts.output;
  EXPECT_EQ(DumpTables(s), before);
}

TEST(Pipeline, ALateFileArrivingTheNextDayLandsInItsEventDay) {
  Scratch s("late");
  MustGenerate(s, 1, 6, 5);
  // Hold back one object of the day; it "arrives" the next day under a next-day key.
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(s.source() + "/data"))
    files.push_back(f.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 10u);
  std::filesystem::path held = files[files.size() / 2];
  std::filesystem::path aside = s.root / "held.json";
  std::filesystem::rename(held, aside);

  // The generator's day starts at 23:55 producer time: its first minutes are keyed the day before.
  auto day1 = RunCli(s.Args("run", {"--from", "2019-05-31", "--to", "2019-06-01"}));
  ASSERT_EQ(day1.exit_code, 0) << day1.output;
  int64_t before = Count(s, "SELECT count(*) FROM vehicle");

  std::filesystem::rename(aside, s.source() + "/data/2019-06-02-9-0-0-events.json");
  auto day2 = RunCli(s.Args("run", {"--date", "2019-06-02"}));
  ASSERT_EQ(day2.exit_code, 0) << day2.output;
  EXPECT_GT(Count(s, "SELECT count(*) FROM vehicle"), before);
  // Its rows sit in their event day's partition, whatever day they arrived.
  EXPECT_EQ(Count(s, "SELECT count(*) FROM vehicle WHERE event_date <> CAST(event_at AS DATE)"), 0);
  EXPECT_GT(
      Count(s,
            "SELECT count(*) FROM vehicle WHERE source_key = 'data/2019-06-02-9-0-0-events.json'"),
      0);
  ExpectMartMatchesReference(s);
}

TEST(Cli, ErrorsAreClearAndExitCodesMeanSomething) {
  Scratch s("cli");
  auto no_config = RunCli({"run", "--config", "/nonexistent.yaml"});
  EXPECT_EQ(no_config.exit_code, 2);
  EXPECT_NE(no_config.output.find("cannot read config file '/nonexistent.yaml'"), std::string::npos)
      << no_config.output;

  auto bad_date = RunCli(s.Args("run", {"--date", "2019-13-01"}));
  EXPECT_EQ(bad_date.exit_code, 2);
  EXPECT_NE(bad_date.output.find("expected a date YYYY-MM-DD"), std::string::npos)
      << bad_date.output;

  auto bad_set = RunCli(s.Args("validate", {"--set", "process.threads=lots"}));
  EXPECT_EQ(bad_set.exit_code, 2);
  EXPECT_NE(bad_set.output.find("process.threads must be a whole number"), std::string::npos)
      << bad_set.output;

  auto no_command = RunCli({});
  EXPECT_EQ(no_command.exit_code, 2);

  // `sql` reads an existing warehouse (a missing one is an error that says to run first).
  {
    auto db = Database::Open(s.warehouse());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto conn = db->Connect();
    ASSERT_TRUE(conn.ok() && conn->Execute("CREATE TABLE probe (x INTEGER)").ok());
  }
  auto bad_sql = RunCli(s.Args("sql", {"SELEC 1"}));
  EXPECT_EQ(bad_sql.exit_code, 2);
  EXPECT_NE(bad_sql.output.find("syntax error"), std::string::npos) << bad_sql.output;

  auto csv = RunCli(s.Args("sql", {"--format", "csv", "SELECT 1 AS a, 'x,y' AS b"}));
  EXPECT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_NE(csv.output.find("a,b"), std::string::npos) << csv.output;
  EXPECT_NE(csv.output.find("1,\"x,y\""), std::string::npos) << csv.output;
}

}  // namespace
}  // namespace fleetlake
