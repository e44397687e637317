// The data-quality report (built from task outputs and the warehouse, stored, loaded, rendered),
// the status grid and the HTML report page, on an in-memory warehouse.
#include "pipeline/dq_report.h"

#include <gtest/gtest.h>

#include <regex>

#include "pipeline/history.h"
#include "pipeline/report_page.h"
#include "pipeline/status_grid.h"

namespace fleetlake {
namespace {

const char* kConfig = R"(
source: {uri: /tmp/none}
lake: {uri: /tmp/none-lake}
warehouse: {engine: duckdb, path: /tmp/none.duckdb}
entities:
  - name: vehicle
    match: {on: vehicle}
    required: [data.id]
    unique_key: [data.id, at]
    columns:
      - {name: vehicle_id, path: data.id, type: string}
      - {name: event_at, path: at, type: timestamp}
      - {name: lat, path: data.location.lat, type: double}
      - {name: lng, path: data.location.lng, type: double}
    partition_by: {column: event_at, granularity: day, name: event_date}
marts:
  - name: answer
    sql: SELECT count(*) AS n FROM vehicle
)";

class DqTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = ParseConfig(kConfig, "test.yaml");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    config = *c;
    auto d = Database::Open(":memory:");
    ASSERT_TRUE(d.ok());
    db = std::make_unique<Database>(std::move(*d));
    auto cn = db->Connect();
    ASSERT_TRUE(cn.ok());
    conn = std::make_unique<Connection>(std::move(*cn));
    // The crawled table: 3 rows of the batch on its day, 2 late ones from the day before, and
    // one row of another batch (another source key) that must not count.
    ASSERT_TRUE(
        conn->Execute("CREATE TABLE vehicle (vehicle_id VARCHAR, event_at TIMESTAMP, lat DOUBLE,"
                      " lng DOUBLE, source_key VARCHAR, source_line BIGINT, event_date DATE);"
                      "INSERT INTO vehicle VALUES"
                      " ('v1', '2019-06-01 10:00:00', 52.5, 13.4, 'data/a.json', 1, '2019-06-01'),"
                      " ('v1', '2019-06-01 11:00:00', 52.51, 13.41, 'data/a.json', 2, "
                      "'2019-06-01'),"
                      " ('v2', '2019-06-01 12:30:00', 52.49, 13.39, 'data/b.json', 1, "
                      "'2019-06-01'),"
                      " ('v2', '2019-05-31 23:59:00', 52.48, 13.38, 'data/b.json', 2, "
                      "'2019-05-31'),"
                      " ('v3', '2019-05-31 23:58:00', 52.47, 13.37, 'data/b.json', 3, "
                      "'2019-05-31'),"
                      " ('v9', '2019-06-02 08:00:00', 52.40, 13.30, 'data/other.json', 1, "
                      "'2019-06-02');"
                      "CREATE TABLE answer AS SELECT 42 AS n;")
            .ok());
    fetch.listed = 10;
    fetch.selected = 2;
    fetch.copied = 1;
    fetch.skipped = 1;
    fetch.bytes_copied = 1234;
    fetch.refused = {"../evil: leaves the lake"};
    process.batch = "2019-06-01";
    process.objects_read = 2;
    process.bytes_read = 2000;
    process.records_read = 9;
    EntityProcessReport& v = process.entities["vehicle"];
    v.rows_in = 8;
    v.rows_kept = 6;
    v.rows_rejected = 2;
    v.rejected = {{"missing required field 'data.id'", 2}};
    v.coerced_nulls = {{"lat", 1}, {"lng", 0}};
    v.partitions = {{"2019-05-31", {"k1"}}, {"2019-06-01", {"k2"}}};
    process.unroutable_rows = 1;
    process.unroutable = {{"no entity configured for on='driver'", 1}};
    CrawlStats cs;
    cs.duplicates = 1;
    crawl["vehicle"] = cs;
  }

  DqReport Build() {
    auto r = BuildDqReport(*conn, config, "run-1", "2019-06-01", fetch, process, crawl,
                           {"data/a.json", "data/b.json"});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : DqReport{};
  }

  Config config;
  std::unique_ptr<Database> db;
  std::unique_ptr<Connection> conn;
  FetchReport fetch;
  ProcessReport process;
  std::map<std::string, CrawlStats> crawl;
};

TEST_F(DqTest, BuildsCountsLatenessAndFreshness) {
  DqReport r = Build();
  EXPECT_EQ(r.files_fetched, 1);
  EXPECT_EQ(r.files_skipped, 1);
  EXPECT_EQ(r.files_refused, 1);
  ASSERT_EQ(r.entities.size(), 2u);
  const DqEntity& v = r.entities[0];
  EXPECT_EQ(v.entity, "vehicle");
  EXPECT_EQ(v.rows_in, 8);
  EXPECT_EQ(v.rows_rejected, 2);
  EXPECT_EQ(v.duplicates, 1);
  EXPECT_EQ(v.late_rows, 2);  // the two rows of 2019-05-31 from this batch's objects
  EXPECT_EQ(v.rows_per_day.at("2019-06-01"), 3);
  EXPECT_EQ(v.rows_per_day.at("2019-05-31"), 2);
  EXPECT_EQ(v.rows_per_day.count("2019-06-02"), 0u);  // another batch's row
  EXPECT_EQ(v.max_event_at, "2019-06-01 12:30:00");
  EXPECT_EQ(v.table_max_event_at, "2019-06-02 08:00:00");
  EXPECT_EQ(v.coerced_nulls.size(), 1u);  // zero counts are left out
  EXPECT_EQ(v.coerced_nulls.at("lat"), 1);
  EXPECT_EQ(r.entities[1].entity, "_unroutable");
  EXPECT_EQ(r.RowsIn(), 9);
  EXPECT_EQ(r.RowsRejected(), 3);
}

TEST_F(DqTest, StoredAndLoadedBack) {
  DqReport r = Build();
  ASSERT_TRUE(SaveDqReport(*conn, r).ok());
  ASSERT_TRUE(SaveDqReport(*conn, r).ok());  // same run again: replaced, not doubled
  auto loaded = LoadDqReport(*conn, "2019-06-01");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_TRUE(loaded->has_value());
  const DqReport& l = **loaded;
  EXPECT_EQ(FormatDqJson(l).substr(FormatDqJson(l).find("\"files\"")),
            FormatDqJson(r).substr(FormatDqJson(r).find("\"files\"")));
  auto none = LoadDqReport(*conn, "2019-07-01");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto latest = LatestDqDate(*conn);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->value_or(""), "2019-06-01");
  auto n = conn->Query("SELECT count(*) FROM fleetlake_dq_entities");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->rows[0][0].value_or(""), "2");
}

TEST_F(DqTest, TextAndJson) {
  DqReport r = Build();
  std::string text = FormatDqText(r);
  EXPECT_NE(text.find("Data quality of 2019-06-01"), std::string::npos) << text;
  EXPECT_NE(text.find("1 fetched"), std::string::npos) << text;
  EXPECT_NE(text.find("missing required field 'data.id'"), std::string::npos) << text;
  EXPECT_NE(text.find("late events"), std::string::npos) << text;
  EXPECT_NE(text.find("coerced to NULL"), std::string::npos) << text;
  EXPECT_EQ(text.find("\033["), std::string::npos);  // no colour unless asked
  std::string json = FormatDqJson(r);
  EXPECT_NE(json.find("\"late_rows\":2"), std::string::npos) << json;
  EXPECT_NE(json.find("\"coerced_nulls\":{\"lat\":1}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"no entity configured for on='driver'\":1"), std::string::npos) << json;
  std::string lines = FormatDqLines({r, r});
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 4);
}

TEST_F(DqTest, StatusGridIsDatesByTasks) {
  ASSERT_TRUE(EnsureHistoryTables(*conn).ok());
  auto run = StartRun(*conn, "2019-06-01", false);
  ASSERT_TRUE(run.ok());
  TaskRecord fetch_task{.task = "fetch",
                        .status = "success",
                        .attempts = 2,
                        .started_us = 0,
                        .finished_us = 1'500'000};
  TaskRecord crawl_task{.task = "crawl",
                        .entity = "vehicle",
                        .status = "failed",
                        .attempts = 3,
                        .started_us = 2'000'000,
                        .finished_us = 2'250'000};
  ASSERT_TRUE(RecordTask(*conn, *run, "2019-06-01", fetch_task).ok());
  ASSERT_TRUE(RecordTask(*conn, *run, "2019-06-01", crawl_task).ok());
  ASSERT_TRUE(FinishRun(*conn, *run, "failed", "x").ok());
  auto grid = LoadStatusGrid(*conn, config, 10);
  ASSERT_TRUE(grid.ok()) << grid.status().ToString();
  ASSERT_EQ(grid->columns,
            (std::vector<std::string>{"fetch", "process", "crawl vehicle", "marts"}));
  ASSERT_EQ(grid->rows.size(), 1u);
  std::string text = FormatStatusGrid(*grid, false);
  EXPECT_NE(text.find("ok 1.50s (2 tries)"), std::string::npos) << text;
  EXPECT_NE(text.find("FAILED 0.25s (3 tries)"), std::string::npos) << text;
  EXPECT_NE(text.find("2019-06-01"), std::string::npos) << text;
  // Columns line up: every header starts where its cells start.
  std::string header = text.substr(0, text.find('\n'));
  std::string row = text.substr(text.find('\n') + 1);
  EXPECT_EQ(header.find("crawl vehicle"), row.find("FAILED")) << text;
  std::string colored = FormatStatusGrid(*grid, true);
  EXPECT_NE(colored.find("\033[1;31mFAILED"), std::string::npos);
  EXPECT_EQ(FormatStatusGrid(StatusGrid{}, false).find("no runs yet"), 0u);
}

TEST_F(DqTest, HtmlPageHasItsPartsAndEscapes) {
  DqReport r = Build();
  r.entities[0].rejected["<script>alert(1)</script>"] = 1;
  ASSERT_TRUE(SaveDqReport(*conn, r).ok());
  ASSERT_TRUE(EnsureHistoryTables(*conn).ok());
  ASSERT_TRUE(conn->Execute("INSERT INTO fleetlake_tasks VALUES ('run-1', '2019-06-01', 'fetch',"
                            " NULL, 'success', 1, '2019-06-01 10:00:00', '2019-06-01 10:00:02',"
                            " 2000, 0, 0, 0, NULL)")
                  .ok());
  auto page = LoadReportPage(*conn, config, r);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->positions_entity, "vehicle");
  EXPECT_EQ(page->positions.num_rows(), 3u);  // the day's positions only
  std::string html = RenderReportHtml(*page);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* part : {"id=\"gantt\"", "id=\"volume-chart\"", "id=\"reject-chart\"",
                           "id=\"positions-map\"", "id=\"dq-table\"", "id=\"mart-answer\""}) {
    EXPECT_NE(html.find(part), std::string::npos) << part;
  }
  std::regex circles("<circle class=\"pos\"");
  EXPECT_EQ(std::distance(std::sregex_iterator(html.begin(), html.end(), circles),
                          std::sregex_iterator()),
            3);
  EXPECT_NE(html.find("class=\"task-bar success\""), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);  // escaped, and no script of our own
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  // Self-contained: the only URL is the SVG namespace name, which is never fetched.
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t at = html.find(needle); at != std::string::npos; at = html.find(needle, at + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(count("http://"), count("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace fleetlake
