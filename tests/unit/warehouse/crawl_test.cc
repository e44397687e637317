#include "warehouse/crawl.h"

#include <gtest/gtest.h>

#include <thread>

#include "test_util.h"
#include "warehouse/parquet_writer.h"

namespace fleetlake {
namespace {

using testing::MemoryDb;
using testing::MustQuery;
using testing::RowStrings;
using testing::TempDir;

constexpr int32_t kJune1 = 18048;  // 2019-06-01
constexpr int32_t kJune2 = 18049;

EntityConfig VehicleEntity() {
  EntityConfig e;
  e.name = "vehicle";
  e.columns = {{"event", "event", ColumnType::kString},
               {"vehicle_id", "data.id", ColumnType::kString},
               {"event_at", "at", ColumnType::kTimestamp},
               {"lat", "data.location.lat", ColumnType::kDouble}};
  e.unique_key = {0, 1, 2};
  e.partition_by = {"event_at", "day", "event_date"};
  e.partition_column = 2;
  return e;
}

struct Row {
  std::string event, id;
  int64_t at_seconds;  // after midnight of the partition day
  std::optional<double> lat;
  std::string source_key;
  int64_t line;
};

// lat as the column's type: tests also write it as a wrongly typed column.
void AppendLat(ColumnData& col, std::optional<double> lat) {
  if (!lat) return col.AppendNull();
  switch (col.type) {
    case ColumnType::kDouble:
      return col.AppendDouble(*lat);
    case ColumnType::kString:
      return col.AppendString(std::to_string(*lat));
    default:
      return col.AppendInt(static_cast<int64_t>(*lat));
  }
}

// Writes `rows` as a structured-zone file of `entity` (config columns + source_key/line).
std::string WriteFile(const TempDir& dir, const std::string& name, const EntityConfig& entity,
                      int32_t day, const std::vector<Row>& rows) {
  std::vector<std::pair<std::string, ColumnType>> schema;
  for (const auto& c : entity.columns) schema.emplace_back(c.name, c.type);
  schema.emplace_back("source_key", ColumnType::kString);
  schema.emplace_back("source_line", ColumnType::kBigint);
  ColumnBatch b = ColumnBatch::WithSchema(schema);
  for (const auto& r : rows) {
    for (auto& col : b.columns) {
      if (col.name == "event")
        col.AppendString(r.event);
      else if (col.name == "vehicle_id")
        col.AppendString(r.id);
      else if (col.name == "event_at")
        col.AppendInt(int64_t{day} * 86400000000 + r.at_seconds * 1000000);
      else if (col.name == "lat")
        AppendLat(col, r.lat);
      else if (col.name == "source_key")
        col.AppendString(r.source_key);
      else if (col.name == "source_line")
        col.AppendInt(r.line);
      else
        col.AppendNull();  // columns added later in a test
    }
  }
  b.num_rows = rows.size();
  const std::string path =
      dir / fmt::format("structured/{}/event_date=day{}/{}", entity.name, day, name);
  auto writer = ParquetWriter::Open();
  EXPECT_TRUE(writer.ok());
  Status st = (*writer)->Write(b, path);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return path;
}

std::vector<std::string> TableRows(Connection& conn) {
  return RowStrings(MustQuery(conn,
                              "SELECT event_date, event, vehicle_id, event_at, lat, source_key, "
                              "source_line FROM vehicle ORDER BY ALL"));
}

TEST(CrawlTest, DedupAcrossFilesKeepsSmallestSource) {
  TempDir dir;
  EntityConfig e = VehicleEntity();
  auto f1 = WriteFile(dir, "a.parquet", e, kJune1,
                      {{"update", "v1", 10, 52.1, "raw/b.json", 3},
                       {"update", "v2", 20, 52.2, "raw/b.json", 4},
                       {"update", "v1", 10, 99.0, "raw/b.json", 9}});  // dup inside the file
  auto f2 = WriteFile(dir, "b.parquet", e, kJune1,
                      {{"update", "v1", 10, 11.0, "raw/a.json", 7},  // smallest source: wins
                       {"register", "v3", 5, std::nullopt, "raw/a.json", 1}});
  MemoryDb m;
  auto stats = CrawlEntity(*m.conn, e, {{kJune1, {f1, f2}}});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->rows_read, 5);
  EXPECT_EQ(stats->rows_written, 3);
  EXPECT_EQ(stats->duplicates, 2);
  ASSERT_EQ(stats->partitions.size(), 1u);
  EXPECT_EQ(stats->partitions[0].files, 2);
  EXPECT_EQ(TableRows(*m.conn), (std::vector<std::string>{
                                    "2019-06-01|register|v3|2019-06-01 00:00:05|NULL|raw/a.json|1",
                                    "2019-06-01|update|v1|2019-06-01 00:00:10|11.0|raw/a.json|7",
                                    "2019-06-01|update|v2|2019-06-01 00:00:20|52.2|raw/b.json|4"}));
  auto types = MustQuery(*m.conn,
                         "SELECT typeof(event_date), typeof(event_at), "
                         "typeof(source_line) FROM vehicle LIMIT 1");
  EXPECT_EQ(RowStrings(types), (std::vector<std::string>{"DATE|TIMESTAMP|BIGINT"}));
  auto recorded = MustQuery(*m.conn,
                            "SELECT entity, partition_date, files, rows_read, \"rows\", "
                            "duplicates, crawled_at IS NOT NULL FROM fleetlake_partitions");
  EXPECT_EQ(RowStrings(recorded), (std::vector<std::string>{"vehicle|2019-06-01|2|5|3|2|true"}));
}

TEST(CrawlTest, RecrawlReplacesOnlyThosePartitionsAndIsIdempotent) {
  TempDir dir;
  EntityConfig e = VehicleEntity();
  auto d1 = WriteFile(dir, "p1.parquet", e, kJune1,
                      {{"update", "v1", 1, 1.0, "k1", 1}, {"update", "v2", 2, 2.0, "k1", 2}});
  auto d2 = WriteFile(dir, "p1.parquet", e, kJune2, {{"update", "v9", 3, 9.0, "k2", 1}});
  MemoryDb m;
  ASSERT_TRUE(CrawlEntity(*m.conn, e, {{kJune1, {d1}}, {kJune2, {d2}}}).ok());
  const auto first = TableRows(*m.conn);
  ASSERT_EQ(first.size(), 3u);

  // Same files again: identical table.
  auto again = CrawlEntity(*m.conn, e, {{kJune1, {d1}}, {kJune2, {d2}}});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(TableRows(*m.conn), first);
  EXPECT_EQ(MustQuery(*m.conn, "SELECT count(*) FROM fleetlake_partitions").rows[0][0], "2");

  // June 1 re-processed: its file changed (v2 gone, v3 new). June 2 is not touched.
  d1 = WriteFile(dir, "p1.parquet", e, kJune1,
                 {{"update", "v1", 1, 1.5, "k1", 1}, {"update", "v3", 4, 3.0, "k1", 5}});
  auto st = CrawlEntity(*m.conn, e, {{kJune1, {d1}}});
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(TableRows(*m.conn),
            (std::vector<std::string>{"2019-06-01|update|v1|2019-06-01 00:00:01|1.5|k1|1",
                                      "2019-06-01|update|v3|2019-06-01 00:00:04|3.0|k1|5",
                                      "2019-06-02|update|v9|2019-06-02 00:00:03|9.0|k2|1"}));
}

TEST(CrawlTest, PartitionWithoutFilesIsEmptied) {
  TempDir dir;
  EntityConfig e = VehicleEntity();
  auto d1 = WriteFile(dir, "p.parquet", e, kJune1, {{"update", "v1", 1, 1.0, "k", 1}});
  auto d2 = WriteFile(dir, "p.parquet", e, kJune2, {{"update", "v2", 1, 1.0, "k", 1}});
  MemoryDb m;
  ASSERT_TRUE(CrawlEntity(*m.conn, e, {{kJune1, {d1}}, {kJune2, {d2}}}).ok());
  auto stats = CrawlEntity(*m.conn, e, {{kJune1, {}}});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->rows_written, 0);
  EXPECT_EQ(RowStrings(MustQuery(*m.conn, "SELECT vehicle_id FROM vehicle")),
            (std::vector<std::string>{"v2"}));
  EXPECT_EQ(RowStrings(MustQuery(*m.conn,
                                 "SELECT files, \"rows\" FROM fleetlake_partitions "
                                 "WHERE partition_date = DATE '2019-06-01'")),
            (std::vector<std::string>{"0|0"}));
}

TEST(CrawlTest, SchemaMismatchNamesFileColumnAndTypes) {
  TempDir dir;
  EntityConfig e = VehicleEntity();
  auto good = WriteFile(dir, "good.parquet", e, kJune1, {{"update", "v1", 1, 1.0, "k", 1}});
  EntityConfig wrong = e;
  wrong.columns[3].type = ColumnType::kString;  // lat written as VARCHAR
  auto bad = WriteFile(dir, "bad.parquet", wrong, kJune1, {});
  MemoryDb m;
  ASSERT_TRUE(CrawlEntity(*m.conn, e, {{kJune1, {good}}}).ok());

  auto st = CrawlEntity(*m.conn, e, {{kJune1, {good, bad}}});
  ASSERT_FALSE(st.ok());
  const std::string msg = st.status().message();
  EXPECT_NE(msg.find(bad), std::string::npos) << msg;
  EXPECT_NE(msg.find("lat"), std::string::npos) << msg;
  EXPECT_NE(msg.find("VARCHAR"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected DOUBLE"), std::string::npos) << msg;
  // Nothing changed.
  EXPECT_EQ(TableRows(*m.conn).size(), 1u);

  // A missing column is named too.
  EntityConfig fewer = e;
  fewer.columns.pop_back();
  auto missing = WriteFile(dir, "missing.parquet", fewer, kJune1, {});
  st = CrawlEntity(*m.conn, e, {{kJune1, {missing}}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("column lat (DOUBLE expected) is missing"),
            std::string::npos)
      << st.status().message();

  // A file that does not exist fails cleanly.
  st = CrawlEntity(*m.conn, e, {{kJune1, {dir / "nope.parquet"}}});
  EXPECT_FALSE(st.ok());
}

TEST(CrawlTest, ColumnAddedToConfigIsAddedToTable) {
  TempDir dir;
  EntityConfig e = VehicleEntity();
  auto d1 = WriteFile(dir, "p.parquet", e, kJune1, {{"update", "v1", 1, 1.0, "k", 1}});
  MemoryDb m;
  ASSERT_TRUE(CrawlEntity(*m.conn, e, {{kJune1, {d1}}}).ok());

  EntityConfig e2 = e;
  e2.columns.push_back({"lng", "data.location.lng", ColumnType::kDouble});
  auto d2 = WriteFile(dir, "p.parquet", e2, kJune2, {{"update", "v2", 1, 2.0, "k", 2}});
  auto st = CrawlEntity(*m.conn, e2, {{kJune2, {d2}}});
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(RowStrings(MustQuery(*m.conn,
                                 "SELECT vehicle_id, lng, typeof(lng) FROM vehicle "
                                 "ORDER BY 1")),
            (std::vector<std::string>{"v1|NULL|DOUBLE", "v2|NULL|DOUBLE"}));
}

TEST(CrawlTest, ChangedColumnTypeIsRefused) {
  TempDir dir;
  EntityConfig e = VehicleEntity();
  auto d1 = WriteFile(dir, "p.parquet", e, kJune1, {{"update", "v1", 1, 1.0, "k", 1}});
  MemoryDb m;
  ASSERT_TRUE(CrawlEntity(*m.conn, e, {{kJune1, {d1}}}).ok());
  // A column whose type changed in the config is refused before anything is replaced.
  EntityConfig changed = e;
  changed.columns[3].type = ColumnType::kBigint;
  auto d2 = WriteFile(dir, "q.parquet", changed, kJune1, {{"update", "v2", 1, 5, "k", 1}});
  auto st = CrawlEntity(*m.conn, changed, {{kJune1, {d2}}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("lat"), std::string::npos) << st.status().message();
  EXPECT_EQ(RowStrings(MustQuery(*m.conn, "SELECT vehicle_id FROM vehicle")),
            (std::vector<std::string>{"v1"}));
}

TEST(CrawlTest, TwoEntitiesInParallelOnAFileWarehouse) {
  // The DAG crawls vehicle and operating_period side by side, one connection each.
  TempDir dir;
  EntityConfig vehicle = VehicleEntity();
  EntityConfig other = VehicleEntity();
  other.name = "operating_period";
  auto fv = WriteFile(dir, "v.parquet", vehicle, kJune1, {{"update", "v1", 1, 1.0, "k", 1}});
  auto fo = WriteFile(
      dir, "o.parquet", other, kJune1,
      {{"create", "op_1", 1, std::nullopt, "k", 2}, {"create", "op_1", 1, std::nullopt, "k", 3}});
  auto db = Database::Open(dir / "w.duckdb");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  for (int round = 0; round < 2; ++round) {
    Status sv, so;
    std::thread tv([&] {
      auto conn = db->Connect();
      if (!conn.ok()) {
        sv = conn.status();
        return;
      }
      auto r = CrawlEntity(*conn, vehicle, {{kJune1, {fv}}});
      sv = r.ok() ? Status::OK() : r.status();
    });
    std::thread to([&] {
      auto conn = db->Connect();
      if (!conn.ok()) {
        so = conn.status();
        return;
      }
      auto r = CrawlEntity(*conn, other, {{kJune1, {fo}}});
      so = r.ok() ? Status::OK() : r.status();
    });
    tv.join();
    to.join();
    ASSERT_TRUE(sv.ok()) << sv.ToString();
    ASSERT_TRUE(so.ok()) << so.ToString();
  }
  auto conn = db->Connect();
  EXPECT_EQ(RowStrings(MustQuery(*conn,
                                 "SELECT entity, rows_read, \"rows\", duplicates FROM "
                                 "fleetlake_partitions ORDER BY entity")),
            (std::vector<std::string>{"operating_period|2|1|1", "vehicle|1|1|0"}));
}

}  // namespace
}  // namespace fleetlake
