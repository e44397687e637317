#include "warehouse/ddl.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "../warehouse/test_util.h"
#include "golden.h"
#include "warehouse/database.h"

namespace fleetlake {
namespace {

using testing::FixtureConfig;
using testing::MemoryDb;
using testing::MustQuery;

TEST(DdlTest, GoldenAthena) {
  auto ddl = GenerateDdl(FixtureConfig(), {DdlTarget::kAthena, "fleetlake", "", "2019-06-01"});
  ASSERT_TRUE(ddl.ok()) << ddl.status().ToString();
  testing::ExpectGolden("athena.sql", *ddl);
}

TEST(DdlTest, GoldenDuckdb) {
  auto ddl = GenerateDdl(FixtureConfig(), {DdlTarget::kDuckdb, "fleetlake", "/data/lake/"});
  ASSERT_TRUE(ddl.ok()) << ddl.status().ToString();
  testing::ExpectGolden("duckdb.sql", *ddl);
}

TEST(DdlTest, AthenaNeedsAnS3Location) {
  Config config = FixtureConfig({"lake.uri=./lake"});
  auto ddl = GenerateDdl(config, {DdlTarget::kAthena});
  ASSERT_FALSE(ddl.ok());
  EXPECT_TRUE(ddl.status().IsInvalidArgument());
  EXPECT_NE(ddl.status().message().find("--location"), std::string::npos);
  ddl = GenerateDdl(config, {DdlTarget::kAthena, "db2", "s3://other/root//"});
  ASSERT_TRUE(ddl.ok()) << ddl.status().ToString();
  EXPECT_NE(ddl->find("LOCATION 's3://other/root/structured/vehicle/'"), std::string::npos);
  EXPECT_NE(ddl->find("CREATE EXTERNAL TABLE `db2`.`operating_period_files`"), std::string::npos);
}

TEST(DdlTest, PartitionKeyNameDrivesProjection) {
  Config config = FixtureConfig({"entities.vehicle.partition_by.name=day"});
  auto ddl = GenerateDdl(config, {DdlTarget::kAthena});
  ASSERT_TRUE(ddl.ok()) << ddl.status().ToString();
  EXPECT_NE(ddl->find("PARTITIONED BY (`day` date)"), std::string::npos);
  EXPECT_NE(ddl->find("'projection.day.format' = 'yyyy-MM-dd'"), std::string::npos);
  EXPECT_NE(ddl->find("/structured/vehicle/day=${day}/'"), std::string::npos);
}

TEST(DdlTest, AthenaTypes) {
  EXPECT_STREQ(AthenaType(ColumnType::kString), "string");
  EXPECT_STREQ(AthenaType(ColumnType::kDouble), "double");
  EXPECT_STREQ(AthenaType(ColumnType::kBigint), "bigint");
  EXPECT_STREQ(AthenaType(ColumnType::kBoolean), "boolean");
  EXPECT_STREQ(AthenaType(ColumnType::kTimestamp), "timestamp");
}

TEST(DdlTest, MartThatCannotBeTranslatedIsSkippedWithAReason) {
  Config config = FixtureConfig();
  config.marts.push_back({"broken", "SELECT haversine_m(1, 2, 3) AS x"});
  config.marts.push_back({"two", "SELECT 1; SELECT 2"});
  auto ddl = GenerateDdl(config, {DdlTarget::kAthena});
  ASSERT_TRUE(ddl.ok()) << ddl.status().ToString();
  EXPECT_NE(ddl->find("-- mart broken skipped: haversine_m takes 4 arguments"), std::string::npos);
  EXPECT_NE(ddl->find("-- mart two skipped: its SQL holds more than one statement"),
            std::string::npos);
  EXPECT_EQ(ddl->find("VIEW \"fleetlake\".\"broken\""), std::string::npos);
  EXPECT_NE(ddl->find("VIEW \"fleetlake\".\"operating_period_distance\""), std::string::npos);
}

TEST(PortableMartSqlTest, RewritesCallsOnly) {
  auto sql = PortableMartSql(
      "SELECT arg_max(a, b), ARG_MIN (a, b), t.arg_max, my_arg_max(x), 'haversine_m(1)' AS s, "
      "\"arg_max\" -- arg_max(\n/* haversine_m( */ FROM t");
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  EXPECT_EQ(*sql,
            "SELECT max_by(a, b), min_by (a, b), t.arg_max, my_arg_max(x), 'haversine_m(1)' AS s, "
            "\"arg_max\" -- arg_max(\n/* haversine_m( */ FROM t");
}

TEST(PortableMartSqlTest, InlinesHaversineWithNestedArguments) {
  auto sql = PortableMartSql("SELECT Haversine_M(lag(lat, 1) OVER w, f(',', g(1, 2)), 0, 0) x");
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  EXPECT_EQ(sql->find("aversine"), std::string::npos) << *sql;
  EXPECT_NE(sql->find("radians((0) - (lag(lat, 1) OVER w))"), std::string::npos) << *sql;
  EXPECT_NE(sql->find("radians((0) - (f(',', g(1, 2))))"), std::string::npos) << *sql;
  EXPECT_TRUE(sql->starts_with("SELECT (2 * 6371000e0 * asin(")) << *sql;
  EXPECT_TRUE(sql->ends_with(" x")) << *sql;
}

TEST(PortableMartSqlTest, BadCallsAreErrors) {
  EXPECT_TRUE(PortableMartSql("SELECT haversine_m(1, 2, 3)").status().IsInvalidArgument());
  EXPECT_TRUE(PortableMartSql("SELECT haversine_m()").status().IsInvalidArgument());
  EXPECT_TRUE(PortableMartSql("SELECT haversine_m(1, 2, 3, f(4)").status().IsInvalidArgument());
}

// The inlined formula must give what the C++ haversine_m gives, NULLs and rounding edges included.
TEST(PortableMartSqlTest, InlinedFormulaMatchesHaversineM) {
  MemoryDb db;
  const std::string points =
      "(VALUES (52.52, 13.405, 48.8566, 2.3522), (0.0, 0.0, 0.0, 180.0), (10.0, 20.0, 10.0, 20.0),"
      " (-33.8688, 151.2093, 51.5074, -0.1278), (52.5, 13.4, 52.5000001, 13.4000001),"
      " (NULL, 1.0, 2.0, 3.0), (1.0, 2.0, 3.0, NULL)) t(a, b, c, d)";
  const std::string sql = fmt::format("SELECT haversine_m(a, b, c, d) AS want, {} AS got FROM {}",
                                      HaversineSql("a", "b", "c", "d"), points);
  QueryResult r = MustQuery(*db.conn, sql);
  ASSERT_EQ(r.num_rows(), 7u);
  for (size_t i = 0; i < r.num_rows(); ++i) {
    auto want = r.Get(i, "want"), got = r.Get(i, "got");
    ASSERT_EQ(want.has_value(), got.has_value()) << "row " << i;
    if (!want) continue;
    const double w = std::stod(*want), g = std::stod(*got);
    EXPECT_NEAR(g, w, 1e-9 * std::max(1.0, w)) << "row " << i;
  }
  EXPECT_NEAR(std::stod(*r.Get(1, "want")), M_PI * 6371000, 1e-3);  // antipodal: the clamp
}

// The DuckDB target end to end: Parquet laid out like the lake, the DDL's views over it, and the
// portable mart view against the config's own SQL (with the C++ haversine_m) on the same data.
TEST(DdlTest, DuckdbViewsOverParquetMatchTheMartSql) {
  testing::TempDir dir;
  MemoryDb db;
  const std::string lake = dir.path() + "/lake";
  for (const char* sub :
       {"vehicle/event_date=2019-06-01", "operating_period/event_date=2019-06-01"}) {
    std::filesystem::create_directories(lake + "/structured/" + sub);
  }
  ASSERT_TRUE(db.conn
                  ->Execute(fmt::format(
                      "COPY (SELECT CASE WHEN i = 7 THEN 'register' ELSE 'update' END AS event, "
                      "'v' || (i % 3) AS vehicle_id, "
                      "TIMESTAMP '2019-06-01 10:00:00' + INTERVAL (i) MINUTE AS event_at, "
                      "52.5 + i * 0.001 * (i % 3) AS lat, 13.4 + i * 0.002 AS lng, "
                      "TIMESTAMP '2019-06-01 10:00:00' + INTERVAL (i) MINUTE AS location_at, "
                      "'o' || (i % 2) AS organization_id, 'k' AS source_key, "
                      "i::BIGINT AS source_line FROM range(40) t(i)) "
                      "TO '{}/structured/vehicle/event_date=2019-06-01/part-1.parquet' "
                      "(FORMAT parquet)",
                      lake))
                  .ok());
  ASSERT_TRUE(db.conn
                  ->Execute(fmt::format(
                      "COPY (SELECT e AS event, 'p' || o AS period_id, "
                      "TIMESTAMP '2019-06-01 08:00:00' AS event_at, "
                      "TIMESTAMP '2019-06-01 10:05:00' AS start_at, "
                      "TIMESTAMP '2019-06-01 10:30:00' AS finish_at, 'o' || o AS organization_id, "
                      "'k' AS source_key, 1::BIGINT AS source_line "
                      "FROM (VALUES ('create', 0), ('create', 1)) t(e, o)) "
                      "TO '{}/structured/operating_period/event_date=2019-06-01/part-1.parquet' "
                      "(FORMAT parquet)",
                      lake))
                  .ok());
  Config config = FixtureConfig();
  auto ddl = GenerateDdl(config, {DdlTarget::kDuckdb, "", lake});
  ASSERT_TRUE(ddl.ok()) << ddl.status().ToString();
  Status st = db.conn->Execute(*ddl);
  ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << *ddl;

  QueryResult types = MustQuery(*db.conn, "DESCRIBE vehicle");
  EXPECT_EQ(types.Get(types.num_rows() - 1, "column_name"), "event_date");
  EXPECT_EQ(types.Get(types.num_rows() - 1, "column_type"), "DATE");
  const std::string order = " ORDER BY operating_period_id";
  const std::string want_sql = config.marts[1].sql;  // operating_period_distance, with haversine_m
  ASSERT_EQ(config.marts[1].name, "operating_period_distance");
  QueryResult want = MustQuery(*db.conn, "SELECT * FROM (" + want_sql + ")" + order);
  QueryResult got = MustQuery(*db.conn, "SELECT * FROM operating_period_distance" + order);
  ASSERT_EQ(want.num_rows(), 2u);
  ASSERT_EQ(got.num_rows(), want.num_rows());
  for (size_t i = 0; i < want.num_rows(); ++i) {
    EXPECT_EQ(got.Get(i, "vehicles"), want.Get(i, "vehicles"));
    const double w = std::stod(*want.Get(i, "total_distance_m"));
    EXPECT_GT(w, 100.0);  // the data moves: a zero would hide a broken formula
    EXPECT_NEAR(std::stod(*got.Get(i, "total_distance_m")), w, 1e-6);
  }
  QueryResult dependent = MustQuery(*db.conn, "SELECT periods FROM organization_distance");
  EXPECT_EQ(dependent.Get(0, "periods"), "2");
}

}  // namespace
}  // namespace fleetlake
