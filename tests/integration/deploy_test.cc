// Deploy outputs against what the pipeline really wrote: the Athena DDL's column types against the
// Parquet schema of the structured zone (read through DuckDB), and the DuckDB DDL's views against
// the warehouse tables and marts the same run built.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "cli_harness.h"
#include "warehouse/database.h"

namespace {

using fleetlake::Connection;
using fleetlake::Database;
using fleetlake::QueryResult;
using fleetlake_test::RunCli;
using fleetlake_test::Scratch;

// Athena DDL types as DuckDB reports them for Parquet columns (and the DATE Hive partition).
const std::map<std::string, std::string> kAthenaToDuckdb = {
    {"string", "VARCHAR"},  {"double", "DOUBLE"},       {"bigint", "BIGINT"}, {"int", "INTEGER"},
    {"boolean", "BOOLEAN"}, {"timestamp", "TIMESTAMP"}, {"date", "DATE"}};

// table -> (column -> Athena type) of every CREATE EXTERNAL TABLE in the DDL, partition key
// included. Parses the layout `fleetlake ddl` prints: one "  `col` type," line per column.
std::map<std::string, std::map<std::string, std::string>> ParseAthenaTables(
    const std::string& ddl) {
  std::map<std::string, std::map<std::string, std::string>> tables;
  std::istringstream in(ddl);
  std::string line, table;
  auto column = [](const std::string& text, size_t from) {
    size_t a = text.find('`', from), b = text.find('`', a + 1);
    std::string type = text.substr(b + 2);
    while (!type.empty() && (type.back() == ',' || type.back() == ')')) type.pop_back();
    return std::make_pair(text.substr(a + 1, b - a - 1), type);
  };
  while (std::getline(in, line)) {
    if (line.rfind("CREATE EXTERNAL TABLE ", 0) == 0) {
      size_t dot = line.find("`.`");
      table = line.substr(dot + 3, line.find('`', dot + 3) - dot - 3);
    } else if (!table.empty() && line.rfind("  `", 0) == 0) {
      tables[table].insert(column(line, 0));
    } else if (!table.empty() && line.rfind("PARTITIONED BY (", 0) == 0) {
      tables[table].insert(column(line, 0));
      table.clear();
    }
  }
  return tables;
}

Connection Connect(const std::string& path) {
  auto db = Database::Open(path);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  auto conn = db->Connect();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return std::move(conn).value();
}

QueryResult MustQuery(Connection& conn, const std::string& sql) {
  auto r = conn.Query(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  return r.ok() ? std::move(r).value() : QueryResult{};
}

// One run serves both checks: ctest starts every test in its own process, so a shared fixture
// would run the pipeline once per test anyway.
void CheckAthenaTypes(const Scratch& s);
void CheckDuckdbViews(const Scratch& s);

TEST(Deploy, DdlMatchesWhatARunWrote) {
  Scratch s("deploy");
  auto gen = RunCli({"generate", "--out", s.source(), "--days", "1", "--vehicles", "6", "--seed",
                     "11", "--start", "2019-06-01"});
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  auto run = RunCli(s.Args("run"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  {
    SCOPED_TRACE("athena column types");
    CheckAthenaTypes(s);
  }
  {
    SCOPED_TRACE("duckdb views");
    CheckDuckdbViews(s);
  }
}

// The Athena DDL's column types against the Parquet schema of the structured zone.
void CheckAthenaTypes(const Scratch& s) {
  auto ddl = RunCli(s.Args("ddl", {"--target", "athena", "--location", "s3://test-bucket/lake"}));
  ASSERT_EQ(ddl.exit_code, 0) << ddl.output;
  auto tables = ParseAthenaTables(ddl.output);
  ASSERT_EQ(tables.size(), 2u) << ddl.output;

  Connection conn = Connect(":memory:");
  for (const char* entity : {"vehicle", "operating_period"}) {
    const std::string table = std::string(entity) + "_files";
    ASSERT_TRUE(tables.count(table)) << table << " missing from\n" << ddl.output;
    std::map<std::string, std::string> want;
    for (const auto& [col, athena] : tables[table]) {
      ASSERT_TRUE(kAthenaToDuckdb.count(athena)) << col << " has unexpected type " << athena;
      want[col] = kAthenaToDuckdb.at(athena);
    }
    QueryResult schema =
        MustQuery(conn, "DESCRIBE SELECT * FROM read_parquet('" + s.lake() + "/structured/" +
                            entity + "/*/*.parquet', hive_partitioning = true)");
    std::map<std::string, std::string> got;
    for (size_t i = 0; i < schema.num_rows(); ++i) {
      got[*schema.Get(i, "column_name")] = *schema.Get(i, "column_type");
    }
    EXPECT_EQ(got, want) << entity;
    EXPECT_EQ(got.size(), 10u - (std::string(entity) == "operating_period")) << entity;
  }
}

// The DuckDB DDL's views against the warehouse tables and marts of the same run.
void CheckDuckdbViews(const Scratch& s) {
  auto ddl = RunCli(s.Args("ddl", {"--target", "duckdb"}));
  ASSERT_EQ(ddl.exit_code, 0) << ddl.output;
  Connection conn = Connect(":memory:");
  auto st = conn.Execute(ddl.output);
  ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << ddl.output;
  auto attach = conn.Execute("ATTACH '" + s.warehouse() + "' AS wh (READ_ONLY)");
  ASSERT_TRUE(attach.ok()) << attach.ToString();

  for (const char* t : {"vehicle", "operating_period"}) {
    // Files hold duplicates; the view collapses them exactly as the crawl did.
    QueryResult n = MustQuery(conn, fmt::format("SELECT (SELECT count(*) FROM {0}) AS v, "
                                                "(SELECT count(*) FROM {0}_files) AS f, "
                                                "(SELECT count(*) FROM wh.{0}) AS w",
                                                t));
    EXPECT_EQ(n.Get(0, "v"), n.Get(0, "w")) << t;
    EXPECT_GT(std::stoll(*n.Get(0, "w")), 0) << t;
    QueryResult diff = MustQuery(
        conn, fmt::format("SELECT count(*) AS n FROM ((SELECT * FROM {0} EXCEPT ALL SELECT * FROM "
                          "wh.{0}) UNION ALL (SELECT * FROM wh.{0} EXCEPT ALL SELECT * FROM {0}))",
                          t));
    EXPECT_EQ(diff.Get(0, "n"), "0") << t;
  }
  QueryResult dup = MustQuery(
      conn, "SELECT (SELECT count(*) FROM vehicle_files) - (SELECT count(*) FROM vehicle) AS d");
  EXPECT_GT(std::stoll(*dup.Get(0, "d")), 0) << "the generator writes duplicates: the view must "
                                                "collapse some";

  // The mart view (haversine_m inlined, max_by) against the mart table (C++ haversine_m).
  const std::string cols = "operating_period_id, start_at, finish_at, vehicles";
  QueryResult keys = MustQuery(
      conn, fmt::format("SELECT count(*) AS n FROM ((SELECT {0} FROM operating_period_distance "
                        "EXCEPT ALL SELECT {0} FROM wh.operating_period_distance) UNION ALL "
                        "(SELECT {0} FROM wh.operating_period_distance EXCEPT ALL SELECT {0} FROM "
                        "operating_period_distance))",
                        cols));
  EXPECT_EQ(keys.Get(0, "n"), "0");
  QueryResult dist =
      MustQuery(conn,
                "SELECT count(*) AS n, max(abs(coalesce(a.total_distance_m, 0) - "
                "coalesce(b.total_distance_m, 0))) AS worst, sum(b.total_distance_m) AS total "
                "FROM operating_period_distance a JOIN wh.operating_period_distance b USING "
                "(operating_period_id, start_at, finish_at)");
  EXPECT_GT(std::stoll(*dist.Get(0, "n")), 0);
  EXPECT_GT(std::stod(*dist.Get(0, "total")), 0.0);
  EXPECT_LT(std::stod(*dist.Get(0, "worst")), 1e-6);
}

TEST(Deploy, PlanListsEveryEntityAndDdlRefusesALocalLakeForAthena) {
  Scratch s("deploy-cli");
  auto plan = RunCli(s.Args("plan", {"--json"}));
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  for (const char* id : {"\"fetch_data\"", "\"process_data\"", "\"crawl_vehicle\"",
                         "\"crawl_operating_period\"", "\"build_marts\""}) {
    EXPECT_NE(plan.output.find(id), std::string::npos) << id << "\n" << plan.output;
  }
  auto athena = RunCli(s.Args("ddl", {"--target", "athena"}));
  EXPECT_EQ(athena.exit_code, 2) << athena.output;
  EXPECT_NE(athena.output.find("--location s3://"), std::string::npos) << athena.output;
  auto bad = RunCli(s.Args("ddl", {"--target", "oracle"}));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
}

}  // namespace
