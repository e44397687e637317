#include "warehouse/marts.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace fleetlake {
namespace {

using testing::MemoryDb;
using testing::MustQuery;
using testing::RowStrings;

std::vector<std::string> Names(const std::vector<MartConfig>& marts) {
  std::vector<std::string> out;
  for (const auto& m : marts) out.push_back(m.name);
  return out;
}

TEST(MartsTest, BuiltInDependencyOrder) {
  MemoryDb m;
  ASSERT_TRUE(m.conn->Execute("CREATE TABLE base AS SELECT * FROM range(5) t(x)").ok());
  // Config order is the reverse of what the SQL needs; "totals_by_x" must not count as a mention
  // of "totals" (whole words only).
  std::vector<MartConfig> marts = {
      {"report", "SELECT n * 2 AS n2 FROM Totals;\n"},
      {"totals", "SELECT count(*) AS n FROM evens"},
      {"evens", "SELECT x FROM base WHERE x % 2 = 0"},
      {"totals_by_x", "SELECT x, count(*) FROM base GROUP BY x"},
  };
  auto order = OrderMarts(marts);
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  EXPECT_EQ(Names(*order), (std::vector<std::string>{"evens", "totals", "report", "totals_by_x"}));
  Status st = BuildMarts(*m.conn, marts);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(RowStrings(MustQuery(*m.conn, "SELECT n2 FROM report")),
            (std::vector<std::string>{"6"}));

  // Rebuilding replaces the contents.
  ASSERT_TRUE(m.conn->Execute("INSERT INTO base VALUES (10)").ok());
  ASSERT_TRUE(BuildMarts(*m.conn, marts).ok());
  EXPECT_EQ(RowStrings(MustQuery(*m.conn, "SELECT n2 FROM report")),
            (std::vector<std::string>{"8"}));
}

TEST(MartsTest, CycleIsAnErrorNamingTheMarts) {
  std::vector<MartConfig> marts = {
      {"ok", "SELECT 1"}, {"a", "SELECT * FROM b"}, {"b", "SELECT * FROM a"}};
  auto order = OrderMarts(marts);
  ASSERT_FALSE(order.ok());
  EXPECT_TRUE(order.status().IsInvalidArgument());
  EXPECT_NE(order.status().message().find("cycle: a, b"), std::string::npos)
      << order.status().message();
  MemoryDb m;
  EXPECT_FALSE(BuildMarts(*m.conn, marts).ok());
  EXPECT_FALSE(OrderMarts({{"x", "SELECT 1"}, {"X", "SELECT 2"}}).ok());  // duplicate name
}

TEST(MartsTest, FailingMartLeavesPreviousMartsIntact) {
  MemoryDb m;
  std::vector<MartConfig> marts = {{"one", "SELECT 1 AS v"}, {"two", "SELECT v + 1 AS v FROM one"}};
  ASSERT_TRUE(BuildMarts(*m.conn, marts).ok());

  marts[0].sql = "SELECT 100 AS v";                                 // would succeed...
  marts[1].sql = "SELECT v FROM one JOIN missing_table USING (v)";  // ...but this fails
  Status st = BuildMarts(*m.conn, marts);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("mart two"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("missing_table"), std::string::npos) << st.message();
  EXPECT_EQ(MustQuery(*m.conn, "SELECT v FROM one").rows[0][0], "1");
  EXPECT_EQ(MustQuery(*m.conn, "SELECT v FROM two").rows[0][0], "2");
  // The connection is usable afterwards (the transaction was rolled back).
  EXPECT_TRUE(m.conn->Execute("CREATE TABLE after_failure (x INTEGER)").ok());
}

TEST(MartsTest, MartsCanUseHaversine) {
  MemoryDb m;
  Status st = BuildMarts(*m.conn, {{"dist", "SELECT round(haversine_m(0, 0, 1, 0)) AS d"}});
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(MustQuery(*m.conn, "SELECT d FROM dist").rows[0][0], "111195.0");
}

}  // namespace
}  // namespace fleetlake
