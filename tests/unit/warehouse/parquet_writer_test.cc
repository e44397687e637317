#include "warehouse/parquet_writer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace fleetlake {
namespace {

using testing::MemoryDb;
using testing::MustQuery;
using testing::RowStrings;
using testing::TempDir;

ColumnBatch AllTypes() {
  ColumnBatch b = ColumnBatch::WithSchema({{"s", ColumnType::kString},
                                           {"d", ColumnType::kDouble},
                                           {"i", ColumnType::kBigint},
                                           {"b", ColumnType::kBoolean},
                                           {"ts", ColumnType::kTimestamp}});
  ColumnData& s = b.columns[0];
  ColumnData& d = b.columns[1];
  ColumnData& i = b.columns[2];
  ColumnData& bo = b.columns[3];
  ColumnData& ts = b.columns[4];
  // Row 0: ordinary values. 2019-06-01T18:17:05.094Z = 1559413025094000 us.
  s.AppendString("plain");
  d.AppendDouble(52.45097);
  i.AppendInt(-7);
  bo.AppendInt(1);
  ts.AppendInt(1559413025094000);
  // Row 1: all NULL.
  s.AppendNull();
  d.AppendNull();
  i.AppendNull();
  bo.AppendNull();
  ts.AppendNull();
  // Row 2: empty string, quotes, zero, false, the epoch.
  s.AppendString("");
  d.AppendDouble(0);
  i.AppendInt(0);
  bo.AppendInt(0);
  ts.AppendInt(0);
  // Row 3: unicode and both quote kinds, a long (non-inlined) string.
  s.AppendString("Grüße \"x\" 'y' — 東京 🚗 and a string longer than twelve bytes");
  d.AppendDouble(-1e300);
  i.AppendInt(INT64_MAX);
  bo.AppendInt(1);
  ts.AppendInt(-1);  // 1969-12-31 23:59:59.999999
  b.num_rows = 4;
  return b;
}

TEST(ParquetWriterTest, RoundTripEveryType) {
  TempDir dir;
  // A quote in the folder name checks the path quoting of COPY.
  const std::string path = dir / "it's/event_date=2019-06-01/part-1.parquet";
  auto writer = ParquetWriter::Open();
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  Status st = (*writer)->Write(AllTypes(), path);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(std::filesystem::exists(path));
  // Only the final file remains: the temporary was renamed.
  EXPECT_EQ(
      std::distance(std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()),
                    std::filesystem::directory_iterator()),
      1);

  MemoryDb m;
  const std::string src = "read_parquet(" + QuoteLiteral(path) + ", hive_partitioning = false)";
  auto types = MustQuery(*m.conn, "DESCRIBE SELECT * FROM " + src);
  EXPECT_EQ(RowStrings(types).size(), 5u);
  std::vector<std::string> names_types;
  for (const auto& row : types.rows) names_types.push_back(*row[0] + " " + *row[1]);
  EXPECT_EQ(names_types, (std::vector<std::string>{"s VARCHAR", "d DOUBLE", "i BIGINT", "b BOOLEAN",
                                                   "ts TIMESTAMP"}));
  auto r = MustQuery(*m.conn, "SELECT * FROM " + src);
  EXPECT_EQ(RowStrings(r),
            (std::vector<std::string>{
                "plain|52.45097|-7|true|2019-06-01 18:17:05.094",
                "NULL|NULL|NULL|NULL|NULL",
                "|0.0|0|false|1970-01-01 00:00:00",
                "Grüße \"x\" 'y' — 東京 🚗 and a string longer than twelve bytes|-1e+300|"
                "9223372036854775807|true|1969-12-31 23:59:59.999999",
            }));
  // NULL and the empty string stay distinct.
  EXPECT_EQ(MustQuery(*m.conn, "SELECT count(*) FROM " + src + " WHERE s = ''").rows[0][0], "1");
  // zstd, as the design asks.
  auto codec = MustQuery(
      *m.conn, "SELECT DISTINCT compression FROM parquet_metadata(" + QuoteLiteral(path) + ")");
  EXPECT_EQ(RowStrings(codec), (std::vector<std::string>{"ZSTD"}));
}

TEST(ParquetWriterTest, ManyChunksAndRewrite) {
  TempDir dir;
  const std::string path = dir / "big.parquet";
  auto writer = ParquetWriter::Open();
  ASSERT_TRUE(writer.ok());
  ColumnBatch b = ColumnBatch::WithSchema({{"k", ColumnType::kString}, {"v", ColumnType::kBigint}});
  const int n = 10000;  // several DuckDB vectors, the last one partial
  for (int i = 0; i < n; ++i) {
    b.columns[0].AppendString("key-" + std::to_string(i));
    if (i % 7 == 0) {
      b.columns[1].AppendNull();
    } else {
      b.columns[1].AppendInt(i);
    }
  }
  b.num_rows = n;
  ASSERT_TRUE((*writer)->Write(b, path).ok());
  MemoryDb m;
  auto r = MustQuery(*m.conn,
                     "SELECT count(*), count(v), sum(v), max(k), "
                     "count(*) FILTER (WHERE v IS NULL AND "
                     "CAST(substr(k, 5) AS INTEGER) % 7 <> 0) FROM " +
                         QuoteLiteral(path));
  int64_t sum = 0, nonnull = 0;
  for (int i = 0; i < n; ++i) {
    if (i % 7) sum += i, ++nonnull;
  }
  EXPECT_EQ(RowStrings(r),
            (std::vector<std::string>{fmt::format("{}|{}|{}|key-9999|0", n, nonnull, sum)}));

  // Writing again to the same path replaces the file.
  ColumnBatch small = ColumnBatch::WithSchema({{"k", ColumnType::kString}});
  small.columns[0].AppendString("only");
  small.num_rows = 1;
  ASSERT_TRUE((*writer)->Write(small, path).ok());
  EXPECT_EQ(RowStrings(MustQuery(*m.conn, "SELECT * FROM " + QuoteLiteral(path))),
            (std::vector<std::string>{"only"}));
}

TEST(ParquetWriterTest, EmptyBatchAndInconsistentBatch) {
  TempDir dir;
  auto writer = ParquetWriter::Open();
  ASSERT_TRUE(writer.ok());
  ColumnBatch empty = ColumnBatch::WithSchema({{"x", ColumnType::kDouble}});
  ASSERT_TRUE((*writer)->Write(empty, dir / "empty.parquet").ok());
  MemoryDb m;
  EXPECT_EQ(
      MustQuery(*m.conn, "SELECT count(*) FROM " + QuoteLiteral(dir / "empty.parquet")).rows[0][0],
      "0");

  ColumnBatch bad = ColumnBatch::WithSchema({{"x", ColumnType::kDouble}});
  bad.columns[0].AppendDouble(1);
  bad.num_rows = 2;  // claims more rows than it holds
  Status st = (*writer)->Write(bad, dir / "bad.parquet");
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "bad.parquet"));
}

}  // namespace
}  // namespace fleetlake
