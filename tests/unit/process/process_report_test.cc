#include "process/process_report.h"

#include <gtest/gtest.h>

namespace fleetlake {
namespace {

TEST(ProcessReport, JsonRoundTrip) {
  ProcessReport r;
  r.batch = "2019-06-01";
  r.objects_read = 3;
  r.bytes_read = 12345;
  r.records_read = 99;
  EntityProcessReport& v = r.entities["vehicle"];
  v.rows_in = 90;
  v.rows_kept = 88;
  v.rows_rejected = 2;
  v.rejected["invalid timestamp in 'at'"] = 1;
  v.rejected["missing required field \"data.id\"\n"] = 1;
  v.coerced_nulls["lat"] = 4;
  v.partitions["2019-06-01"] = {
      "structured/vehicle/event_date=2019-06-01/part-2019-06-01-0.parquet"};
  v.partitions["2019-05-31"] = {};
  r.entities["operating_period"];
  r.unroutable_rows = 9;
  r.unroutable["no entity configured for on='f\xc3\xa9'"] = 9;
  r.reject_files = {
      "rejects/_unroutable/event_date=__HIVE_DEFAULT_PARTITION__/part-2019-06-01.ndjson"};
  r.deleted_files = {"x"};

  std::string json = r.ToJson();
  auto back = ProcessReport::FromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << json;
  EXPECT_EQ(back->ToJson(), json);
  EXPECT_EQ(back->batch, "2019-06-01");
  EXPECT_EQ(back->entities.at("vehicle").partitions.size(), 2u);
  EXPECT_TRUE(back->entities.at("vehicle").partitions.at("2019-05-31").empty());
  EXPECT_EQ(back->entities.at("vehicle").coerced_nulls.at("lat"), 4);
  EXPECT_EQ(back->unroutable.at("no entity configured for on='f\xc3\xa9'"), 9);
  EXPECT_EQ(back->RowsKept(), 88);
  EXPECT_EQ(back->RowsRejected(), 11);
}

TEST(ProcessReport, BadJsonIsCorruption) {
  for (const char* bad : {"", "[]", "{\"objects_read\":\"x\"}", "{\"entities\":{\"v\":3}}", "{"}) {
    auto r = ProcessReport::FromJson(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  // Unknown keys (a newer writer) are ignored.
  EXPECT_TRUE(ProcessReport::FromJson("{\"future\":[1,2,{}],\"batch\":\"b\"}").ok());
}

}  // namespace
}  // namespace fleetlake
