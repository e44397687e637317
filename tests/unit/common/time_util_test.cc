#include "common/time_util.h"

#include <gtest/gtest.h>

namespace fleetlake {
namespace {

// 2019-06-01T18:17:05Z in micros, computed independently: 18048 days * 86400 + 65825 s.
constexpr int64_t kBase = (int64_t{18048} * 86400 + 18 * 3600 + 17 * 60 + 5) * 1000000;

TEST(ParseTimestamp, WithAndWithoutFraction) {
  EXPECT_EQ(ParseTimestamp("2019-06-01T18:17:05Z"), kBase);
  EXPECT_EQ(ParseTimestamp("2019-06-01T18:17:05.094Z"), kBase + 94000);
  EXPECT_EQ(ParseTimestamp("2019-06-01T18:17:05.1Z"), kBase + 100000);
  EXPECT_EQ(ParseTimestamp("2019-06-01T18:17:05.123456Z"), kBase + 123456);
  // Beyond microseconds the digits are truncated, not rounded.
  EXPECT_EQ(ParseTimestamp("2019-06-01T18:17:05.123456789Z"), kBase + 123456);
  EXPECT_EQ(ParseTimestamp("2019-06-01T18:17:05.1234567890Z"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2019-06-01T18:17:05.Z"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2019-06-01 18:17:05"), kBase);
  EXPECT_EQ(ParseTimestamp("2019-06-01t18:17:05z"), kBase);
  EXPECT_EQ(ParseTimestamp("2019-06-01T18:17Z"), kBase - 5000000);
}

TEST(ParseTimestamp, NoZoneIsUtc) {
  EXPECT_EQ(ParseTimestamp("2019-06-01T18:17:05"), kBase);
  EXPECT_EQ(ParseTimestamp("2019-06-01T18:17:05.5"), kBase + 500000);
}

TEST(ParseTimestamp, OffsetsConvertToUtc) {
  EXPECT_EQ(ParseTimestamp("2019-06-01T20:17:05+02:00"), kBase);
  EXPECT_EQ(ParseTimestamp("2019-06-01T20:17:05+0200"), kBase);
  EXPECT_EQ(ParseTimestamp("2019-06-01T20:17:05+02"), kBase);
  EXPECT_EQ(ParseTimestamp("2019-06-01T15:17:05-03"), kBase);
  EXPECT_EQ(ParseTimestamp("2019-06-01T15:47:05.094-02:30"), kBase + 94000);
  // Crossing midnight changes the day.
  EXPECT_EQ(ParseTimestamp("2019-06-02T01:00:00+02:00"), ParseTimestamp("2019-06-01T23:00:00Z"));
  EXPECT_EQ(ParseTimestamp("2019-06-01T20:17:05+2"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2019-06-01T20:17:05+02:"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2019-06-01T20:17:05+24:00"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2019-06-01T20:17:05+02:60"), std::nullopt);
}

TEST(ParseTimestamp, RejectsGarbage) {
  for (const char* bad : {"",
                          "0000-00-00",
                          "0000-01-01T00:00:00Z",
                          "9999-12-31T25:61",
                          "9999-12-31T23:61:00Z",
                          "2019-02-29T00:00:00Z",
                          "2019-04-31T00:00:00Z",
                          "2019-13-01T00:00:00Z",
                          "2019-00-10T00:00:00Z",
                          "2019-06-00T00:00:00Z",
                          "2019-06-01T18:17:60Z",
                          "2019-06-01T18:17:05Zjunk",
                          "2019-06-01T18:17:05.094Z ",
                          " 2019-06-01T18:17:05Z",
                          "2019-06-01",
                          "2019-06-01T",
                          "2019-6-01T18:17:05Z",
                          "2019-06-01T8:17:05Z",
                          "2019-06-01X18:17:05Z",
                          "north",
                          "2019-06-01T18:17:05+02:00:00",
                          "20190601T181705Z"}) {
    EXPECT_EQ(ParseTimestamp(bad), std::nullopt) << bad;
  }
}

TEST(ParseTimestamp, LeapYears) {
  EXPECT_TRUE(ParseTimestamp("2020-02-29T00:00:00Z"));
  EXPECT_TRUE(ParseTimestamp("2000-02-29T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("1900-02-29T00:00:00Z"));
  EXPECT_TRUE(ParseTimestamp("0001-01-01T00:00:00Z"));
  EXPECT_TRUE(ParseTimestamp("9999-12-31T23:59:59.999999Z"));
}

TEST(ParseTimestamp, RoundTripsWithFormat) {
  EXPECT_EQ(FormatTimestamp(kBase + 94000), "2019-06-01T18:17:05.094000Z");
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
  for (const char* ts : {"1969-12-31T23:59:59.999999Z", "2019-06-01T18:17:05.094000Z",
                         "0001-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z"}) {
    auto us = ParseTimestamp(ts);
    ASSERT_TRUE(us) << ts;
    EXPECT_EQ(FormatTimestamp(*us), ts);
  }
}

TEST(Dates, ParseFormatAndDayOf) {
  EXPECT_EQ(ParseDate("1970-01-01"), 0);
  EXPECT_EQ(ParseDate("2019-06-01"), 18048);
  EXPECT_EQ(ParseDate("1969-12-31"), -1);
  EXPECT_EQ(ParseDate("2019-02-29"), std::nullopt);
  EXPECT_EQ(ParseDate("2019-06-01 "), std::nullopt);
  EXPECT_EQ(ParseDate("0000-01-01"), std::nullopt);
  EXPECT_EQ(FormatDate(18048), "2019-06-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(DaysFromCivil(2019, 6, 1), 18048);
  EXPECT_EQ(DayOfMicros(kBase), 18048);
  EXPECT_EQ(DayOfMicros(-1), -1);
  EXPECT_EQ(DayOfMicros(0), 0);
  for (int32_t d = -700000; d < 2900000; d += 997) {
    auto back = ParseDate(FormatDate(d));
    ASSERT_TRUE(back) << d;
    EXPECT_EQ(*back, d);
  }
}

TEST(KeyDate, ParsesNonPaddedParts) {
  EXPECT_EQ(KeyDate("data/2019-06-01-15-17-3-events.json"), 18048);
  EXPECT_EQ(KeyDate("raw/data/2019-06-01-5-7-3-events.json"), 18048);
  EXPECT_EQ(KeyDate("2019-06-01-05-07-03-events.json"), 18048);
  EXPECT_EQ(KeyDate("2019-06-01-15-17-3-events.json.gz"), 18048);
  EXPECT_EQ(KeyDate("2019-06-01-15-17-3"), 18048);
}

TEST(KeyDate, RejectsJunk) {
  for (const char* bad : {"", "data/", "events.json", "data/2019-06-01-events.json",
                          "data/2019-06-01-15-17-events.json", "data/2019-13-01-15-17-3-e.json",
                          "data/2019-02-29-15-17-3-e.json", "data/2019-06-01-24-17-3-e.json",
                          "data/2019-06-01-15-60-3-e.json", "data/2019-06-01-15-17-100-e.json",
                          "data/x2019-06-01-15-17-3-events.json",
                          "2019-06-01-15-17-3-x/events.json", "0000-00-00-0-0-0-events.json"}) {
    EXPECT_EQ(KeyDate(bad), std::nullopt) << bad;
  }
}

TEST(NowMicros, IsRecent) { EXPECT_GT(NowMicros(), *ParseTimestamp("2024-01-01T00:00:00Z")); }

}  // namespace
}  // namespace fleetlake
