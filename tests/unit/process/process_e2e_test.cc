// ProcessBatch end to end: a local lake, the DuckDB Parquet writer, and the files read back.
#include <gtest/gtest.h>

#include <filesystem>

#include "process/process_task.h"
#include "storage/local_store.h"
#include "test_util.h"
#include "warehouse/database.h"

namespace fleetlake {
namespace {

TEST(ProcessBatchEndToEnd, ParquetReadsBack) {
  std::string root = (std::filesystem::temp_directory_path() /
                      ("fleetlake-process-e2e-" + std::to_string(::getpid())))
                         .string();
  std::filesystem::remove_all(root);
  auto lake = LocalStore::Open(root);
  ASSERT_TRUE(lake.ok()) << lake.status().ToString();

  const std::string text =
      R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05.094Z","data":{"id":"v1","location":{"lat":52.45097,"lng":13.46139,"at":"2019-06-01T18:17:05.094Z"}},"organization_id":"org-id"})"
      "\n"
      R"({"event":"register","on":"vehicle","at":"2019-06-01T18:00:00+02:00","data":{"id":"v2"},"organization_id":"org-id"})"
      "\n"
      R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:06Z","data":{"id":"v1","location":{"lat":"52.1","lng":"north","at":null}},"organization_id":"org-id"})"
      "\n"
      R"({"event":"create","on":"operating_period","at":"2019-06-01T17:00:00Z","data":{"id":"op_1","start":"2019-06-01T17:00:00Z","finish":"2019-06-01T19:00:00Z"},"organization_id":"org-id"})"
      "\nnot json\n";
  ASSERT_TRUE((*lake)->Put("raw/data/2019-06-01-15-17-3-events.json", text).ok());
  ASSERT_TRUE((*lake)->Put("raw/data/2019-06-01-15-17-4-events.json.gz", testing::Gzip(text)).ok());

  Config config = testing::TestConfig(2);
  auto report = ProcessBatch(
      config, **lake, "2019-06-01",
      {"raw/data/2019-06-01-15-17-4-events.json.gz", "raw/data/2019-06-01-15-17-3-events.json"});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entities.at("vehicle").rows_kept, 6);
  EXPECT_EQ(report->entities.at("vehicle").coerced_nulls.at("lng"), 2);
  EXPECT_EQ(report->unroutable_rows, 2);

  const std::string vehicle_file =
      root + "/structured/vehicle/event_date=2019-06-01/part-2019-06-01-0.parquet";
  ASSERT_TRUE(std::filesystem::exists(vehicle_file));
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto conn = db->Connect();
  ASSERT_TRUE(conn.ok());
  auto q = conn->Query(
      "SELECT vehicle_id, event_at, lat, lng, location_at, source_key, "
      "source_line FROM read_parquet('" +
      vehicle_file + "') ORDER BY source_key, source_line");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_EQ(q->num_rows(), 6u);
  EXPECT_EQ(q->column_types[1], "TIMESTAMP");
  EXPECT_EQ(q->column_types[2], "DOUBLE");
  EXPECT_EQ(q->Get(0, "vehicle_id"), "v1");
  EXPECT_EQ(q->Get(0, "event_at"), "2019-06-01 18:17:05.094");
  EXPECT_EQ(q->Get(0, "source_key"), "data/2019-06-01-15-17-3-events.json");
  EXPECT_EQ(q->Get(1, "event_at"), "2019-06-01 16:00:00");
  EXPECT_EQ(q->Get(1, "lat"), std::nullopt);
  EXPECT_EQ(q->Get(2, "lat"), "52.1");
  EXPECT_EQ(q->Get(2, "lng"), std::nullopt);
  EXPECT_EQ(q->Get(2, "source_line"), "3");
  EXPECT_EQ(q->Get(3, "source_key"), "data/2019-06-01-15-17-4-events.json.gz");

  auto rejects = conn->Query("SELECT reason, line FROM read_json_auto('" + root +
                             "/rejects/_unroutable/*/*.ndjson') ORDER BY source_key");
  ASSERT_TRUE(rejects.ok()) << rejects.status().ToString();
  ASSERT_EQ(rejects->num_rows(), 2u);
  EXPECT_EQ(rejects->Get(0, "line"), "5");

  // A re-run gives the same files.
  auto again = ProcessBatch(
      config, **lake, "2019-06-01",
      {"raw/data/2019-06-01-15-17-3-events.json", "raw/data/2019-06-01-15-17-4-events.json.gz"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToJson(), report->ToJson());
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace fleetlake
