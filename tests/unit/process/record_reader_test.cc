#include "process/record_reader.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "test_util.h"

namespace fleetlake {
namespace {

using Records = std::vector<std::pair<int64_t, std::string>>;

Records Read(std::string_view text) {
  Records out;
  ForEachRecord(text, [&](int64_t line, std::string_view r) { out.emplace_back(line, r); });
  return out;
}

TEST(ForEachRecord, PlainNdjson) {
  EXPECT_EQ(Read("{\"a\":1}\n{\"b\":2}\n"), (Records{{1, "{\"a\":1}"}, {2, "{\"b\":2}"}}));
}

TEST(ForEachRecord, MissingFinalNewline) {
  EXPECT_EQ(Read("{\"a\":1}\n{\"b\":2}"), (Records{{1, "{\"a\":1}"}, {2, "{\"b\":2}"}}));
}

TEST(ForEachRecord, CrlfAndBom) {
  EXPECT_EQ(Read("\xEF\xBB\xBF{\"a\":1}\r\n{\"b\":2}\r\n"),
            (Records{{1, "{\"a\":1}"}, {2, "{\"b\":2}"}}));
}

TEST(ForEachRecord, BlankLinesSkippedButCounted) {
  EXPECT_EQ(Read("\n{\"a\":1}\n  \r\n\t\n{\"b\":2}\n\n"),
            (Records{{2, "{\"a\":1}"}, {5, "{\"b\":2}"}}));
  EXPECT_TRUE(Read("").empty());
  EXPECT_TRUE(Read("\n\r\n").empty());
}

TEST(ForEachRecord, JsonArrayOfEvents) {
  EXPECT_EQ(Read("[{\"a\":1},\n {\"b\":\"],[{\"}, 3]\n"),
            (Records{{1, "{\"a\":1}"}, {2, "{\"b\":\"],[{\"}"}, {3, "3"}}));
  EXPECT_EQ(Read("\xEF\xBB\xBF [ {\"a\":[1,2]} ]"), (Records{{1, "{\"a\":[1,2]}"}}));
  EXPECT_TRUE(Read("[]").empty());
  // An empty element is passed on, to become a reject downstream.
  EXPECT_EQ(Read("[{\"a\":1},]"), (Records{{1, "{\"a\":1}"}, {2, ""}}));
}

TEST(ForEachRecord, LinesStartingWithArraysAreNdjson) {
  // Not one array: each line is a record (and each will be rejected as not an object).
  EXPECT_EQ(Read("[1]\n[2]\n"), (Records{{1, "[1]"}, {2, "[2]"}}));
  EXPECT_EQ(Read("[1,\n{\"a\":1}\n"), (Records{{1, "[1,"}, {2, "{\"a\":1}"}}));
}

TEST(Gunzip, RoundTripAndDetection) {
  std::string text = "{\"a\":1}\n{\"b\":2}\n";
  std::string gz = testing::Gzip(text);
  EXPECT_TRUE(IsGzip(gz));
  EXPECT_FALSE(IsGzip(text));
  auto r = Gunzip(gz);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, text);
  // Concatenated members decode as one stream.
  auto two = Gunzip(gz + testing::Gzip("{\"c\":3}\n"));
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(*two, text + "{\"c\":3}\n");
}

TEST(Gunzip, LargeOutputGrowsBuffer) {
  std::string text;
  for (int i = 0; i < 200000; ++i)
    text += "{\"event\":\"update\",\"n\":" + std::to_string(i) + "}\n";
  auto r = Gunzip(testing::Gzip(text));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, text);
  auto capped = Gunzip(testing::Gzip(text), 1000);
  EXPECT_FALSE(capped.ok());
}

TEST(Gunzip, TruncatedOrCorruptIsAnError) {
  std::string gz = testing::Gzip(std::string(10000, 'x') + "\n");
  for (size_t cut : {size_t{2}, size_t{10}, gz.size() / 2, gz.size() - 1}) {
    auto r = Gunzip(std::string_view(gz).substr(0, cut));
    EXPECT_FALSE(r.ok()) << cut;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  }
  std::string bad = gz;
  bad[bad.size() / 2] ^= 0x55;
  bad[bad.size() / 2 + 1] ^= 0x55;
  EXPECT_FALSE(Gunzip(bad).ok());
  EXPECT_FALSE(Gunzip(gz + "junk").ok());
}

}  // namespace
}  // namespace fleetlake
