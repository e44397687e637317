// The reference answer (tests/integration/reference_answer.cc, compiled into this binary here
// since the unit build does not glob tests/integration) on a hand-written stream with
// hand-computed distances, and checked against what the generator says it planted.
#include "../../integration/reference_answer.cc"  // NOLINT(build/include)

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "gen/generator.h"
#include "gen_test_util.h"

namespace fleetlake_reference {
namespace {

constexpr double kR = 6'371'000.0;
constexpr double kDeg = std::numbers::pi / 180.0;

TEST(ReferenceTimestampTest, ParsesTheFormsOfTheStream) {
  const int64_t base = 1559413025LL * 1'000'000;  // 2019-06-01T18:17:05Z
  EXPECT_EQ(ParseIso8601Micros("2019-06-01T18:17:05Z"), base);
  EXPECT_EQ(ParseIso8601Micros("2019-06-01T18:17:05.094Z"), base + 94'000);
  EXPECT_EQ(ParseIso8601Micros("2019-06-01T18:17:05.094123456Z"), base + 94'123);
  EXPECT_EQ(ParseIso8601Micros("2019-06-01T20:17:05+02:00"), base);
  EXPECT_EQ(ParseIso8601Micros("2019-06-01T20:17:05+0200"), base);
  EXPECT_EQ(ParseIso8601Micros("2019-06-01T15:17:05-03"), base);
  EXPECT_EQ(ParseIso8601Micros("2019-06-01 18:17:05"), base);
  EXPECT_EQ(ParseIso8601Micros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseIso8601Micros("2020-02-29T00:00:00Z"), 1582934400LL * 1'000'000);
  for (const char* bad : {"2019-13-45T99:00:00Z", "2019-02-29T00:00:00Z", "2019-06-01T24:00:00Z",
                          "2019-06-01", "", "not-a-time", "2019-06-01T18:17:05.Z",
                          "2019-06-01T18:17:05Zjunk", "0000-01-01T00:00:00Z"}) {
    EXPECT_FALSE(ParseIso8601Micros(bad)) << bad;
  }
}

TEST(ReferenceHaversineTest, AlongAMeridianAndTheEquator) {
  // On a meridian or the equator a great-circle arc is R * angle, exactly.
  EXPECT_NEAR(HaversineMetres(52.5, 13.4, 52.501, 13.4), kR * 0.001 * kDeg, 1e-6);
  EXPECT_NEAR(HaversineMetres(0, 0, 0, 1), 111194.92664455873, 1e-6);
  EXPECT_EQ(HaversineMetres(52.5, 13.4, 52.5, 13.4), 0.0);
  // Berlin -> Paris, a well-known figure (about 878 km).
  EXPECT_NEAR(HaversineMetres(52.5200, 13.4050, 48.8566, 2.3522), 877'464, 500);
}

std::string Update(const char* org, const char* id, const char* at, const char* lat,
                   const char* lng, const char* loc_at = nullptr) {
  return fmt::format(
      "{{\"event\":\"update\",\"on\":\"vehicle\",\"at\":\"{}\",\"data\":{{\"id\":\"{}\","
      "\"location\":{{\"lat\":{},\"lng\":{},\"at\":\"{}\"}}}},\"organization_id\":\"{}\"}}\n",
      at, id, lat, lng, loc_at ? loc_at : at, org);
}

std::string Period(const char* event, const char* org, const char* id, const char* at,
                   const char* start, const char* finish) {
  return fmt::format(
      "{{\"event\":\"{}\",\"on\":\"operating_period\",\"at\":\"{}\",\"data\":{{\"id\":\"{}\","
      "\"start\":\"{}\",\"finish\":\"{}\"}},\"organization_id\":\"{}\"}}\n",
      event, at, id, start, finish, org);
}

TEST(ReferenceAnswerTest, HandWrittenStream) {
  std::string a, b;
  // op_1 = [10:00:00, 10:10:00]; op_2 is cancelled; op_3 has nobody in it; org-2 has its own op_1.
  a += Period("create", "org-id", "op_1", "2019-06-01T09:00:00Z", "2019-06-01T10:00:00Z",
              "2019-06-01T10:10:00Z");
  a += Period("create", "org-id", "op_2", "2019-06-01T09:00:01Z", "2019-06-01T10:00:00Z",
              "2019-06-01T11:00:00Z");
  a += Period("delete", "org-id", "op_2", "2019-06-01T09:30:00Z", "2019-06-01T10:00:00Z",
              "2019-06-01T11:00:00Z");
  a += Period("create", "org-id", "op_3", "2019-06-01T09:00:02Z", "2019-06-01T20:00:00Z",
              "2019-06-01T21:00:00Z");
  a += Period("create", "org-2", "op_1", "2019-06-01T09:00:00.5Z", "2019-06-01T10:00:00Z",
              "2019-06-01T10:10:00Z");
  // Vehicle A (org-id), out of order across two objects, along a meridian (13.4 E):
  //   09:59:59 lat 52.000 (outside: the step entering the period does not count)
  //   10:00:00 lat 52.001 (on the start: inclusive)        } 0.001 deg
  //   10:03:00 lat 52.003, delivered twice                 } 0.002 deg
  //   10:04:00 lat 52.003 (repeat: zero)                   } 0
  //   10:06:00 lat "52.004" (numeric string: kept)          } 0.001 deg
  //   10:07:00 lat "north" (not a position)
  //   10:10:00 lat 52.0 (on the finish: inclusive), with at offset +02:00   } 0.004 deg
  //   10:10:01 lat 53.0 (outside)
  a += Update("org-id", "A", "2019-06-01T10:03:00.000Z", "52.003", "13.4");
  a += Update("org-id", "A", "2019-06-01T09:59:59Z", "52.000", "13.4");
  a += Update("org-id", "A", "2019-06-01T12:10:00+02:00", "52.0", "13.4");
  b += "\xEF\xBB\xBF";  // a BOM, CRLF and blank lines are tolerated
  b += Update("org-id", "A", "2019-06-01T10:00:00Z", "52.001", "13.4");
  b.insert(b.size() - 1, "\r");
  b += "\n";
  b += Update("org-id", "A", "2019-06-01T10:06:00Z", "\"52.004\"", "13.4");
  b += Update("org-id", "A", "2019-06-01T10:04:00Z", "52.003", "13.4");
  b += Update("org-id", "A", "2019-06-01T10:03:00.000Z", "52.003", "13.4");  // duplicate
  b += Update("org-id", "A", "2019-06-01T10:07:00Z", "\"north\"", "13.4");
  b += Update("org-id", "A", "2019-06-01T10:10:01Z", "53.0", "13.4");
  // Vehicle B (org-id): one position inside (counts, zero distance), one before.
  b += Update("org-id", "B", "2019-06-01T09:00:00Z", "10.0", "10.0");
  b += Update("org-id", "B", "2019-06-01T10:05:00Z", "0", "0");
  // Vehicle C (org-2), on the equator: 1 deg of longitude inside org-2's op_1. The event `at` is
  // outside the period but location.at is inside: location.at decides.
  b += Update("org-2", "C", "2019-06-01T10:20:00Z", "0", "1", "2019-06-01T10:01:00Z");
  b += Update("org-2", "C", "2019-06-01T10:20:01Z", "0", "2", "2019-06-01T10:02:00Z");
  // Register/deregister are no positions.
  b += "{\"event\":\"register\",\"on\":\"vehicle\",\"at\":\"2019-06-01T09:00:00Z\","
       "\"data\":{\"id\":\"A\"},\"organization_id\":\"org-id\"}\n";
  b += "{\"event\":\"deregister\",\"on\":\"vehicle\",\"at\":\"2019-06-01T11:00:00Z\","
       "\"data\":{\"id\":\"A\",\"location\":null},\"organization_id\":\"org-id\"}\n";
  // Rejects: one of each reason.
  b += "not json\n";
  b += "[1,2]\n";
  b += "{\"on\":\"vehicle\",\"at\":\"2019-06-01T10:05:00Z\",\"data\":{\"id\":\"A\"},"
       "\"organization_id\":\"org-id\"}\n";  // no event
  b += "{\"event\":\"update\",\"at\":\"2019-06-01T10:05:00Z\",\"data\":{\"id\":\"A\"},"
       "\"organization_id\":\"org-id\"}\n";                    // no on
  b += Update("", "A", "2019-06-01T10:05:00Z", "60", "13.4");  // empty org
  b += "{\"event\":\"update\",\"on\":\"vehicle\",\"data\":{\"id\":\"A\"},"
       "\"organization_id\":\"org-id\"}\n";                          // no at
  b += Update("org-id", "A", "2019-13-45T99:00:00Z", "60", "13.4");  // bad at
  b += Update("org-id", "", "2019-06-01T10:05:00Z", "60", "13.4");   // empty id
  b += "{\"event\":\"update\",\"on\":\"driver\",\"at\":\"2019-06-01T10:05:00Z\","
       "\"data\":{\"id\":\"A\"},\"organization_id\":\"org-id\"}";  // unroutable, no final LF

  ReferenceBuilder builder;
  builder.AddObject(a);
  builder.AddObject(b);
  // The same events as one JSON array (the other accepted object form): all re-deliveries.
  builder.AddObject("[" + Update("org-id", "B", "2019-06-01T10:05:00Z", "0", "0") + "]");
  const ReferenceAnswer r = builder.Finish();

  ASSERT_EQ(r.periods.size(), 3u);  // op_2 deleted
  const PeriodAnswer* op1 = r.Find("org-id", "op_1");
  ASSERT_NE(op1, nullptr);
  EXPECT_EQ(op1->start, "2019-06-01T10:00:00Z");
  EXPECT_EQ(op1->finish, "2019-06-01T10:10:00Z");
  EXPECT_EQ(op1->vehicles, 2);
  const double a_distance = kR * (0.002 + 0 + 0.001 + 0.004) * kDeg;
  EXPECT_NEAR(op1->total_distance_m, a_distance, 1e-6);
  ASSERT_TRUE(op1->avg_distance_m);
  EXPECT_NEAR(*op1->avg_distance_m, a_distance / 2, 1e-6);
  EXPECT_NEAR(a_distance, 778.36, 0.01);  // a sanity anchor for the formula above

  const PeriodAnswer* op3 = r.Find("org-id", "op_3");
  ASSERT_NE(op3, nullptr);
  EXPECT_EQ(op3->vehicles, 0);
  EXPECT_FALSE(op3->avg_distance_m);
  EXPECT_EQ(r.Find("org-id", "op_2"), nullptr);

  const PeriodAnswer* org2 = r.Find("org-2", "op_1");
  ASSERT_NE(org2, nullptr);
  EXPECT_EQ(org2->vehicles, 1);
  EXPECT_NEAR(org2->total_distance_m, kR * kDeg, 1e-6);

  EXPECT_EQ(r.rejects, 9);
  for (const char* reason :
       {"not_json", "not_object", "missing_event", "missing_on", "missing_organization_id",
        "missing_at", "bad_at", "missing_id", "unroutable"}) {
    EXPECT_GE(r.rejects_by_reason.count(reason), 1u) << reason;
  }
  EXPECT_EQ(r.valid_records.at("operating_period"), 5);
  EXPECT_EQ(r.distinct_records.at("operating_period"), 5);
  // 8 updates of A + 1 duplicate, 2 of B + 1 re-delivered, 2 of C, register, deregister.
  EXPECT_EQ(r.valid_records.at("vehicle"), 16);
  EXPECT_EQ(r.distinct_records.at("vehicle"), 14);
  EXPECT_EQ(r.files, 3);
  EXPECT_TRUE(r.error.empty());
}

TEST(ReferenceAnswerTest, MissingFolderIsAnError) {
  EXPECT_FALSE(ComputeReferenceAnswer("/nonexistent/fleetlake").error.empty());
}

// The generator's bookkeeping and the reference's reading agree exactly.
TEST(ReferenceAnswerTest, AgreesWithWhatTheGeneratorPlanted) {
  fleetlake::gen::gentest::ScratchDir dir;
  fleetlake::gen::GenerateOptions o;
  o.out_dir = dir.str();
  o.days = 2;
  o.vehicles = 40;
  o.organizations = 2;
  o.active_hours = 0.1;
  o.reject_rate = 0.03;
  o.duplicate_rate = 0.03;
  o.gzip_some = true;
  auto stats = fleetlake::gen::Generate(o);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  const ReferenceAnswer r = ComputeReferenceAnswer(dir.str());
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.files, stats->objects);
  EXPECT_EQ(r.lines, stats->lines);
  EXPECT_EQ(r.rejects, stats->rejects_planted);
  EXPECT_EQ(r.distinct_records.at("vehicle"), stats->vehicle_events);
  EXPECT_EQ(r.distinct_records.at("operating_period"), stats->period_events);
  EXPECT_EQ(r.valid_records.at("vehicle") + r.valid_records.at("operating_period"),
            stats->events + stats->duplicates_planted);
  EXPECT_EQ(static_cast<int64_t>(r.periods.size()),
            stats->periods_created - stats->periods_deleted);
  int64_t with_vehicles = 0;
  for (const PeriodAnswer& p : r.periods) {
    with_vehicles += p.vehicles > 0;
    EXPECT_GE(p.total_distance_m, 0);
  }
  EXPECT_GT(with_vehicles, 0);
}

// Rejects, duplicates and coercions are noise around the same clean events: the BI answer must
// not move when their rates change.
TEST(ReferenceAnswerTest, NoiseDoesNotChangeTheAnswer) {
  std::vector<ReferenceAnswer> answers;
  for (double rate : {0.0, 0.05}) {
    fleetlake::gen::gentest::ScratchDir dir;
    fleetlake::gen::GenerateOptions o;
    o.out_dir = dir.str();
    o.vehicles = 40;
    o.organizations = 2;
    o.active_hours = 0.15;
    o.reject_rate = rate;
    o.duplicate_rate = rate;
    ASSERT_TRUE(fleetlake::gen::Generate(o).ok());
    answers.push_back(ComputeReferenceAnswer(dir.str()));
  }
  ASSERT_EQ(answers[0].periods.size(), answers[1].periods.size());
  ASSERT_GT(answers[0].periods.size(), 0u);
  for (size_t i = 0; i < answers[0].periods.size(); ++i) {
    const PeriodAnswer &x = answers[0].periods[i], &y = answers[1].periods[i];
    EXPECT_EQ(x.period_id, y.period_id);
    EXPECT_EQ(x.organization_id, y.organization_id);
    EXPECT_EQ(x.start, y.start);
    EXPECT_EQ(x.vehicles, y.vehicles);
    EXPECT_DOUBLE_EQ(x.total_distance_m, y.total_distance_m);
  }
  EXPECT_EQ(answers[0].rejects, 0);
  EXPECT_GT(answers[1].rejects, 0);
}

}  // namespace
}  // namespace fleetlake_reference
