// ProcessBatch over an in-memory lake with a text-dumping writer: layout, rejects files,
// determinism across thread counts, part splitting and re-run idempotence.
#include "process/process_task.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "process/batch_output.h"
#include "test_util.h"

namespace fleetlake {
namespace {

std::string Vehicle(const std::string& id, const std::string& at, int n) {
  return R"({"event":"update","on":"vehicle","at":")" + at + R"(","data":{"id":")" + id +
         R"(","location":{"lat":)" + std::to_string(52 + n * 0.001) + R"(,"lng":13.4,"at":")" + at +
         R"("}},"organization_id":"org"})";
}

// A raw zone of `objects` objects with a mix of good rows over two UTC days, bad rows and
// unroutable lines.
std::vector<std::string> FillLake(testing::MemoryStore& lake, int objects) {
  std::vector<std::string> keys;
  for (int o = 0; o < objects; ++o) {
    std::string text;
    for (int i = 0; i < 25; ++i) {
      const char* day = (i % 5 == 0) ? "2019-06-02T00:0" : "2019-06-01T23:5";
      text +=
          Vehicle("v" + std::to_string(i % 7),
                  std::string(day) + std::to_string(i % 10) + ":0" + std::to_string(o % 10) + "Z",
                  o * 100 + i) +
          "\n";
      if (i == 3) text += "not json\n";
      if (i == 4)
        text += R"({"on":"truck","at":"2019-06-01T00:00:00Z"})"
                "\n";
      if (i == 5)
        text += R"({"event":"update","on":"vehicle","at":"2019-06-01T10:00:00Z"})"
                "\n";
    }
    // Keys are added out of order: the task sorts them.
    std::string key = "raw/data/2019-06-01-15-" + std::to_string(objects - o) + "-0-events.json";
    EXPECT_TRUE(lake.Put(key, o % 3 == 0 ? testing::Gzip(text) : text).ok());
    keys.push_back(key);
  }
  return keys;
}

std::map<std::string, std::string> Outputs(testing::MemoryStore& lake) {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : lake.objects()) {
    if (k.rfind("raw/", 0) != 0) out[k] = v;
  }
  return out;
}

TEST(ProcessBatch, WritesPartitionsAndRejects) {
  testing::MemoryStore lake;
  std::vector<std::string> keys = FillLake(lake, 3);
  testing::DumpWriter writer;
  Config config = testing::TestConfig(1);
  auto report = ProcessBatch(config, lake, "2019-06-01", keys, writer);
  ASSERT_TRUE(report.ok()) << report.status().ToString();

  const EntityProcessReport& v = report->entities.at("vehicle");
  EXPECT_EQ(report->objects_read, 3);
  EXPECT_EQ(report->records_read, 3 * 28);
  EXPECT_EQ(v.rows_in, 3 * 26);
  EXPECT_EQ(v.rows_kept, 3 * 25);
  EXPECT_EQ(v.rejected.at("missing required field 'organization_id'"), 3);
  EXPECT_EQ(report->unroutable_rows, 6);
  EXPECT_EQ(report->unroutable.at("no entity configured for on='truck'"), 3);
  ASSERT_EQ(v.partitions.size(), 2u);
  EXPECT_EQ(v.partitions.at("2019-06-01"),
            std::vector<std::string>{
                "structured/vehicle/event_date=2019-06-01/part-2019-06-01-0.parquet"});
  EXPECT_TRUE(report->entities.at("operating_period").partitions.empty());

  auto files = Outputs(lake);
  const std::string& day1 =
      files.at("structured/vehicle/event_date=2019-06-01/part-2019-06-01-0.parquet");
  EXPECT_EQ(
      day1.substr(0, day1.find('\n')),
      "event|vehicle_id|event_at|lat|lng|location_at|organization_id|source_key|source_line|");
  // Rows come in source key order, then line order.
  EXPECT_NE(day1.find("|data/2019-06-01-15-1-0-events.json|2|"), std::string::npos);
  EXPECT_LT(day1.find("data/2019-06-01-15-1-0-events.json"),
            day1.find("data/2019-06-01-15-2-0-events.json"));

  const std::string unroutable_key =
      "rejects/_unroutable/event_date=__HIVE_DEFAULT_PARTITION__/part-2019-06-01.ndjson";
  const std::string vehicle_rejects =
      "rejects/vehicle/event_date=2019-06-01/part-2019-06-01.ndjson";
  ASSERT_TRUE(files.count(unroutable_key));
  ASSERT_TRUE(files.count(vehicle_rejects));
  EXPECT_EQ(report->reject_files, (std::vector<std::string>{unroutable_key, vehicle_rejects}));

  // Every reject line is a JSON object with the promised fields.
  simdjson::dom::parser parser;
  std::string_view text = files.at(vehicle_rejects);
  size_t lines = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(std::string(text.substr(pos, nl - pos))).get(e), simdjson::SUCCESS);
    EXPECT_EQ(std::string_view(e["reason"]), "missing required field 'organization_id'");
    EXPECT_EQ(std::string_view(e["entity"]), "vehicle");
    EXPECT_EQ(std::string_view(e["day"]), "2019-06-01");
    EXPECT_EQ(std::string_view(e["source_key"]).rfind("data/2019-06-01-15-", 0), 0u);
    EXPECT_EQ(int64_t(e["line"]), 9);
    EXPECT_EQ(std::string_view(e["record"]),
              R"({"event":"update","on":"vehicle","at":"2019-06-01T10:00:00Z"})");
    ++lines;
    pos = nl + 1;
  }
  EXPECT_EQ(lines, 3u);
}

TEST(ProcessBatch, SameOutputWithOneOrTwoThreads) {
  testing::MemoryStore lake1, lake2, lake3;
  std::vector<std::string> keys = FillLake(lake1, 40);
  FillLake(lake2, 40);
  FillLake(lake3, 40);
  testing::DumpWriter writer;
  auto r1 = ProcessBatch(testing::TestConfig(1, 70), lake1, "b1", keys, writer);
  auto r2 = ProcessBatch(testing::TestConfig(2, 70), lake2, "b1", keys, writer);
  auto r3 = ProcessBatch(testing::TestConfig(0, 70), lake3, "b1", keys, writer);
  ASSERT_TRUE(r1.ok() && r2.ok() && r3.ok());
  EXPECT_EQ(r1->ToJson(), r2->ToJson());
  EXPECT_EQ(r1->ToJson(), r3->ToJson());
  EXPECT_EQ(Outputs(lake1), Outputs(lake2));
  EXPECT_EQ(Outputs(lake1), Outputs(lake3));
}

TEST(ProcessBatch, SplitsPartsAtMaxRows) {
  testing::MemoryStore lake;
  std::vector<std::string> keys = FillLake(lake, 10);  // 200 rows on 2019-06-01, 50 on 06-02
  testing::DumpWriter writer;
  auto r = ProcessBatch(testing::TestConfig(2, 60), lake, "b", keys, writer);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& parts = r->entities.at("vehicle").partitions;
  ASSERT_EQ(parts.at("2019-06-01").size(), 4u);
  auto files = Outputs(lake);
  size_t rows = 0;
  for (const auto& key : parts.at("2019-06-01")) {
    const std::string& dump = files.at(key);
    size_t n = std::count(dump.begin(), dump.end(), '\n') - 1;
    EXPECT_LE(n, 60u) << key;
    rows += n;
  }
  EXPECT_EQ(rows, 200u);
  EXPECT_EQ(parts.at("2019-06-01")[3], "structured/vehicle/event_date=2019-06-01/part-b-3.parquet");
}

TEST(ProcessBatch, RerunReplacesExactlyItsOwnFiles) {
  testing::MemoryStore lake;
  std::vector<std::string> keys = FillLake(lake, 10);
  testing::DumpWriter writer;
  ASSERT_TRUE(ProcessBatch(testing::TestConfig(1, 60), lake, "b", keys, writer).ok());
  // Another batch's files and an unrelated batch whose name starts like ours stay untouched.
  ASSERT_TRUE(lake.Put("structured/vehicle/event_date=2019-06-01/part-other-0.parquet", "x").ok());
  ASSERT_TRUE(lake.Put("structured/vehicle/event_date=2019-06-01/part-b-x-0.parquet", "x").ok());
  ASSERT_TRUE(lake.Put("rejects/vehicle/event_date=2019-05-01/part-b2.ndjson", "x").ok());
  // A stale file of this batch (e.g. from a run with different data) goes away.
  ASSERT_TRUE(lake.Put("structured/vehicle/event_date=2019-05-30/part-b-0.parquet", "x").ok());
  ASSERT_TRUE(lake.Put("rejects/_unroutable/event_date=2019-05-30/part-b.ndjson", "x").ok());
  auto before = Outputs(lake);

  auto r = ProcessBatch(testing::TestConfig(1, 1000), lake, "b", keys, writer);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto after = Outputs(lake);
  EXPECT_TRUE(after.count("structured/vehicle/event_date=2019-06-01/part-other-0.parquet"));
  EXPECT_TRUE(after.count("structured/vehicle/event_date=2019-06-01/part-b-x-0.parquet"));
  EXPECT_TRUE(after.count("rejects/vehicle/event_date=2019-05-01/part-b2.ndjson"));
  EXPECT_FALSE(after.count("structured/vehicle/event_date=2019-05-30/part-b-0.parquet"));
  EXPECT_FALSE(after.count("rejects/_unroutable/event_date=2019-05-30/part-b.ndjson"));
  // Fewer, larger parts now: parts 1..3 of the first run were removed.
  EXPECT_TRUE(after.count("structured/vehicle/event_date=2019-06-01/part-b-0.parquet"));
  EXPECT_FALSE(after.count("structured/vehicle/event_date=2019-06-01/part-b-1.parquet"));
  const auto& parts = r->entities.at("vehicle").partitions;
  EXPECT_TRUE(parts.at("2019-05-30").empty());  // touched: the crawl must refresh it
  EXPECT_EQ(r->deleted_files.size(), 5u);
}

TEST(ProcessBatch, ErrorsAreStatuses) {
  testing::MemoryStore lake;
  testing::DumpWriter writer;
  Config config = testing::TestConfig(2);
  auto missing = ProcessBatch(config, lake, "b", {"raw/a.json", "raw/b.json"}, writer);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("raw/a.json"), std::string::npos);
  EXPECT_TRUE(ProcessBatch(config, lake, "../x", {}, writer).status().IsInvalidArgument());
  EXPECT_TRUE(ProcessBatch(config, lake, "", {}, writer).status().IsInvalidArgument());
  auto empty = ProcessBatch(config, lake, "b", {}, writer);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->objects_read, 0);
}

TEST(ProcessBatch, KeysAndHelpers) {
  EXPECT_EQ(SourceKeyOf("raw/data/x.json"), "data/x.json");
  EXPECT_EQ(SourceKeyOf("data/x.json"), "data/x.json");
  EXPECT_EQ(ProcessReportKey("2019-06-01"), "_fleetlake/process/2019-06-01.json");
  RejectRecord rej;
  rej.reason = "r";
  rej.line = 3;
  rej.record = "a\"\xff";
  rej.record_bytes = 100;
  EXPECT_EQ(RejectJsonLine(rej, "_unroutable", "k", std::nullopt),
            "{\"entity\":\"_unroutable\",\"day\":null,\"reason\":\"r\",\"source_key\":\"k\","
            "\"line\":3,\"record\":\"a\\\"\xef\xbf\xbd\",\"record_truncated\":true,"
            "\"record_bytes\":100}");
}

}  // namespace
}  // namespace fleetlake
