#include "warehouse/format.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace fleetlake {
namespace {

QueryResult Sample() {
  QueryResult r;
  r.column_names = {"name", "n", "ok", "note"};
  r.column_types = {"VARCHAR", "DOUBLE", "BOOLEAN", "VARCHAR"};
  r.rows = {{"a \"quoted\", value", "1.5", "true", std::nullopt},
            {std::nullopt, std::nullopt, "false", "line1\nline2"},
            {"Grüße", "-2", std::nullopt, "tab\there\\"}};
  return r;
}

TEST(FormatTest, Csv) {
  EXPECT_EQ(FormatCsv(Sample()),
            "name,n,ok,note\n"
            "\"a \"\"quoted\"\", value\",1.5,true,\n"
            ",,false,\"line1\nline2\"\n"
            "Grüße,-2,,tab\there\\\n");
}

TEST(FormatTest, Json) {
  EXPECT_EQ(FormatJson(Sample()),
            "[\n"
            "{\"name\":\"a \\\"quoted\\\", value\",\"n\":1.5,\"ok\":true,\"note\":null},\n"
            "{\"name\":null,\"n\":null,\"ok\":false,\"note\":\"line1\\nline2\"},\n"
            "{\"name\":\"Grüße\",\"n\":-2,\"ok\":null,\"note\":\"tab\\there\\\\\"}\n"
            "]\n");
  QueryResult empty;
  empty.column_names = {"x"};
  empty.column_types = {"BIGINT"};
  EXPECT_EQ(FormatJson(empty), "[]\n");
}

TEST(FormatTest, JsonNonFiniteAndControl) {
  QueryResult r;
  r.column_names = {"d", "s"};
  r.column_types = {"DOUBLE", "VARCHAR"};
  r.rows = {{"inf", std::string("\x01")}};
  EXPECT_EQ(FormatJson(r), "[\n{\"d\":null,\"s\":\"\\u0001\"}\n]\n");
}

TEST(FormatTest, Table) {
  EXPECT_EQ(FormatTable(Sample()),
            "name              |    n | ok    | note\n"
            "------------------+------+-------+-------------\n"
            "a \"quoted\", value |  1.5 | true  | NULL\n"
            "NULL              | NULL | false | line1\\nline2\n"
            "Grüße             |   -2 | NULL  | tab\\there\\\n"
            "(3 rows)\n");
}

TEST(FormatTest, FromRealQuery) {
  testing::MemoryDb m;
  auto r = testing::MustQuery(
      *m.conn, "SELECT 1::BIGINT AS i, 2.50::DECIMAL(4,2) AS dec, 'x''y' AS s, NULL::INTEGER AS z");
  EXPECT_EQ(FormatJson(r), "[\n{\"i\":1,\"dec\":2.50,\"s\":\"x'y\",\"z\":null}\n]\n");
  EXPECT_EQ(FormatCsv(r), "i,dec,s,z\n1,2.50,x'y,\n");
}

}  // namespace
}  // namespace fleetlake
