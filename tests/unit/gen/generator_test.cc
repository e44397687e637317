// Properties of the generated stream: the format of EVENTS.md and the quirks the pipeline must
// survive. Timestamps are parsed with the reference answer's parser (compiled in
// reference_answer_test.cc), not the product's.
#include "gen/generator.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <regex>
#include <set>
#include <string>

#include "../../integration/reference_answer.h"
#include "gen/civil.h"
#include "gen/gzip_stored.h"
#include "gen/object_sink.h"
#include "gen/record_writer.h"
#include "gen_test_util.h"

namespace fleetlake::gen {
namespace {

using fleetlake_reference::ParseIso8601Micros;
using gentest::Line;
using gentest::ReadLines;
using gentest::ReadObjectsRaw;
using gentest::ScratchDir;

std::string FormatDayForTest(int64_t days) {
  const CivilDate c = CivilFromDays(days);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

GenerateStats MustGenerate(const GenerateOptions& options) {
  auto result = Generate(options);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : GenerateStats{};
}

// A record decoded into the few fields the tests look at.
struct Event {
  std::string object, event, on, org, id;
  int64_t at_us = 0;
  std::string line;
  bool has_location_key = false;
  bool location_null = false;
  bool location_all_null = false;
};

// Parses the lines; `valid` receives the records that pass the EVENTS.md drop rules, and the
// return value counts those that do not.
int64_t Decode(const std::vector<Line>& lines, std::vector<Event>* valid) {
  simdjson::dom::parser parser;
  int64_t bad = 0;
  for (const Line& line : lines) {
    simdjson::dom::element el;
    simdjson::dom::object obj;
    if (parser.parse(line.text).get(el) || el.get_object().get(obj)) {
      ++bad;
      continue;
    }
    Event e;
    e.object = line.object;
    e.line = line.text;
    std::string_view event, on, org, at, id;
    simdjson::dom::object data;
    if (obj["event"].get_string().get(event) || obj["on"].get_string().get(on) ||
        obj["organization_id"].get_string().get(org) || obj["at"].get_string().get(at) ||
        obj["data"].get_object().get(data) || data["id"].get_string().get(id) || event.empty() ||
        org.empty() || id.empty() || !ParseIso8601Micros(at) ||
        (on != "vehicle" && on != "operating_period")) {
      ++bad;
      continue;
    }
    e.event = event;
    e.on = on;
    e.org = org;
    e.id = id;
    e.at_us = *ParseIso8601Micros(at);
    simdjson::dom::element loc;
    if (data["location"].get(loc) == simdjson::SUCCESS) {
      e.has_location_key = true;
      e.location_null = loc.is_null();
      simdjson::dom::object lo;
      if (loc.get_object().get(lo) == simdjson::SUCCESS) {
        e.location_all_null = lo["lat"].is_null() && lo["lng"].is_null() && lo["at"].is_null();
      }
    }
    valid->push_back(std::move(e));
  }
  return bad;
}

GenerateOptions SmallOptions(const std::string& dir) {
  GenerateOptions o;
  o.out_dir = dir;
  o.days = 2;
  o.vehicles = 60;
  o.active_hours = 0.1;  // few objects: creating files dominates the run time
  o.reject_rate = 0.03;
  o.duplicate_rate = 0.03;
  return o;
}

TEST(GeneratorTest, SameSeedSameBytes) {
  ScratchDir a, b, c;
  GenerateOptions o = SmallOptions(a.str());
  o.organizations = 3;
  o.gzip_some = true;
  const GenerateStats sa = MustGenerate(o);
  o.out_dir = b.str();
  const GenerateStats sb = MustGenerate(o);
  const auto fa = ReadObjectsRaw(a.data()), fb = ReadObjectsRaw(b.data());
  ASSERT_GT(fa.size(), 100u);
  EXPECT_TRUE(fa == fb) << "two runs with the same seed differ";
  EXPECT_EQ(sa.bytes, sb.bytes);
  EXPECT_EQ(sa.lines, sb.lines);
  EXPECT_EQ(sa.objects, static_cast<int64_t>(fa.size()));

  o.out_dir = c.str();
  o.seed = 2;
  MustGenerate(o);
  EXPECT_FALSE(fa == ReadObjectsRaw(c.data())) << "the seed is ignored";
}

TEST(GeneratorTest, StatsMatchTheFiles) {
  ScratchDir dir;
  const GenerateStats s = MustGenerate(SmallOptions(dir.str()));
  const std::vector<Line> lines = ReadLines(dir.data());
  EXPECT_EQ(static_cast<int64_t>(lines.size()), s.lines);
  EXPECT_EQ(s.lines, s.events + s.duplicates_planted + s.rejects_planted);
  EXPECT_EQ(s.events, s.vehicle_events + s.period_events);
  int64_t bytes = 0;
  for (const auto& [name, raw] : ReadObjectsRaw(dir.data())) bytes += raw.size();
  EXPECT_EQ(bytes, s.bytes);
  EXPECT_GT(s.vehicles, 60);  // day 2 replaces those that deregistered on day 1
  EXPECT_EQ(s.periods_created, 2 * 4);
  EXPECT_GE(s.periods_deleted, 2);  // at least one per day with >= 3 periods per day
}

TEST(GeneratorTest, KeysLookLikeTheBucketAndUseProducerTime) {
  ScratchDir dir;
  GenerateOptions o = SmallOptions(dir.str());
  o.gzip_some = true;
  MustGenerate(o);
  // Minute and second never zero-padded; the hour either way.
  const std::regex key(
      R"(^(\d{4})-(\d{2})-(\d{2})-(0?\d|1\d|2[0-3])-([1-5]?\d)-([1-5]?\d)-events\.json(\.gz)?$)");
  std::map<std::string, int64_t> key_second;  // object -> UTC second of its key
  bool padded_hour = false, unpadded_small_hour = false, gz = false;
  for (const auto& [name, raw] : ReadObjectsRaw(dir.data())) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(name, m, key)) << name;
    const std::string hour = m[4];
    padded_hour |= hour.size() == 2 && hour[0] == '0';
    unpadded_small_hour |= hour.size() == 1;
    gz |= m[7].matched;
    const int64_t local = DaysFromCivil(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3])) * 86400 +
                          std::stoi(hour) * 3600 + std::stoi(m[5]) * 60 + std::stoi(m[6]);
    key_second[name] = local + 3 * 3600;  // producer clock = UTC - 3 h
  }
  EXPECT_TRUE(padded_hour);
  EXPECT_TRUE(unpadded_small_hour);
  EXPECT_TRUE(gz);

  std::vector<Event> events;
  Decode(ReadLines(dir.data()), &events);
  int64_t exact = 0;
  bool date_differs = false;
  for (const Event& e : events) {
    const int64_t at_second = e.at_us / 1'000'000;
    const int64_t delta = key_second[e.object] - at_second;
    // Neighbour-file spill is one second either way; late duplicates up to 30 s later.
    ASSERT_GE(delta, -1) << e.object << ": " << e.line;
    ASSERT_LE(delta, 31) << e.object << ": " << e.line;
    exact += delta == 0;
    date_differs |= e.object.substr(0, 10) != FormatDayForTest(at_second / 86400);
  }
  EXPECT_GT(exact, static_cast<int64_t>(events.size() * 0.95));
  EXPECT_TRUE(date_differs) << "some keys should carry the previous (local) date";
}

TEST(GeneratorTest, LinesAreCompactNdjsonExceptPlantedRejects) {
  ScratchDir dir;
  const GenerateStats s = MustGenerate(SmallOptions(dir.str()));
  const std::vector<Line> lines = ReadLines(dir.data());
  for (const Line& line : lines) {
    ASSERT_FALSE(line.text.empty()) << line.object;
    ASSERT_EQ(line.text.find('\r'), std::string::npos);
    ASSERT_EQ(line.text.find(": "), std::string::npos) << "not compact: " << line.text;
  }
  std::vector<Event> events;
  const int64_t bad = Decode(lines, &events);
  EXPECT_EQ(bad, s.rejects_planted);
  EXPECT_EQ(static_cast<int64_t>(events.size()), s.events + s.duplicates_planted);
  // Roughly the asked rate (3% of clean records), with every kind represented.
  EXPECT_GT(s.rejects_planted, s.events * 0.02);
  EXPECT_LT(s.rejects_planted, s.events * 0.04);
  EXPECT_GT(s.duplicates_planted, s.events * 0.02);
  EXPECT_LT(s.duplicates_planted, s.events * 0.04);
  EXPECT_GT(s.coerced_planted, 0);

  simdjson::dom::parser parser;
  int64_t not_json = 0, no_org = 0, no_at = 0, bad_at = 0, no_id = 0, driver = 0, no_event = 0;
  int64_t numeric_string = 0, word = 0;
  for (const Line& line : lines) {
    const std::string& t = line.text;
    simdjson::dom::element el;
    if (parser.parse(t).get(el) || !el.is_object()) {
      ++not_json;
      continue;
    }
    no_org += t.find("\"organization_id\":\"org") == std::string::npos;
    no_at += t.find("\"at\":") == std::string::npos;
    bad_at += t.find("\"at\":\"2019-13-45T99:00:00Z\"") != std::string::npos ||
              t.find("\"at\":\"not-a-time\"") != std::string::npos;
    no_id += t.find("\"data\":{\"id\":\"") == std::string::npos;
    driver += t.find("\"on\":\"driver\"") != std::string::npos;
    no_event += t.find("{\"event\":\"") != 0;
    numeric_string +=
        t.find("\"lat\":\"5") != std::string::npos || t.find("\"lng\":\"1") != std::string::npos;
    word += t.find("\"north\"") != std::string::npos || t.find("\"east\"") != std::string::npos;
  }
  for (int64_t n :
       {not_json, no_org, no_at, bad_at, no_id, driver, no_event, numeric_string, word}) {
    EXPECT_GT(n, 0);
  }
}

TEST(GeneratorTest, VehicleLifecycle) {
  ScratchDir dir;
  GenerateOptions o = SmallOptions(dir.str());
  o.days = 3;
  o.organizations = 2;
  MustGenerate(o);
  std::vector<Event> events;
  Decode(ReadLines(dir.data()), &events);
  std::map<std::string, int64_t> registered, deregistered;
  std::map<std::string, int64_t> first_update, last_update;
  int64_t lifecycle = 0, absent = 0, null_location = 0, null_fields = 0;
  for (const Event& e : events) {
    if (e.on != "vehicle") continue;
    if (e.event == "register" || e.event == "deregister") {
      ++lifecycle;
      absent += !e.has_location_key;
      null_location += e.location_null;
      null_fields += e.location_all_null;
      (e.event == "register" ? registered : deregistered)[e.id] = e.at_us;
      continue;
    }
    ASSERT_EQ(e.event, "update");
    ASSERT_TRUE(e.has_location_key && !e.location_null) << e.line;
    auto [it, fresh] = first_update.try_emplace(e.id, e.at_us);
    if (!fresh) it->second = std::min(it->second, e.at_us);
    last_update[e.id] = std::max(last_update[e.id], e.at_us);
  }
  EXPECT_GT(absent, lifecycle * 0.6);  // usually absent
  EXPECT_GT(null_location, 0);         // sometimes null
  EXPECT_GT(null_fields, 0);           // sometimes with null fields
  ASSERT_FALSE(deregistered.empty());
  for (const auto& [id, at] : deregistered) {
    ASSERT_TRUE(registered.count(id)) << id;
    if (last_update.count(id)) {
      EXPECT_LT(last_update[id], at) << "update after deregister: " << id;
    }
  }
  for (const auto& [id, at] : first_update) {
    ASSERT_TRUE(registered.count(id)) << "never registered: " << id;
    EXPECT_GT(at, registered[id]) << "update before register: " << id;
  }
  // Vehicle ids look like UUIDs.
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (const auto& [id, at] : registered) ASSERT_TRUE(std::regex_match(id, uuid)) << id;
}

TEST(GeneratorTest, OperatingPeriods) {
  ScratchDir dir;
  GenerateOptions o = SmallOptions(dir.str());
  o.days = 3;
  o.organizations = 2;
  o.periods_per_day = 5;
  MustGenerate(o);
  std::vector<Event> events;
  Decode(ReadLines(dir.data()), &events);
  simdjson::dom::parser parser;
  struct P {
    int64_t create_at = -1, delete_at = -1, start = 0, finish = 0;
  };
  std::map<std::pair<std::string, std::string>, P> periods;
  std::set<std::string> orgs;
  for (const Event& e : events) {
    orgs.insert(e.org);
    if (e.on != "operating_period") continue;
    P& p = periods[{e.org, e.id}];
    if (e.event == "delete") {
      p.delete_at = e.at_us;
      continue;
    }
    ASSERT_EQ(e.event, "create");
    p.create_at = e.at_us;
    simdjson::dom::element el = parser.parse(e.line);
    p.start = *ParseIso8601Micros(std::string_view(el["data"]["start"]));
    p.finish = *ParseIso8601Micros(std::string_view(el["data"]["finish"]));
    EXPECT_LE(p.start, p.finish);
  }
  EXPECT_EQ(orgs, (std::set<std::string>{"org-1", "org-2"}));
  // Ids repeat across organisations but are unique within one.
  EXPECT_TRUE(periods.count({"org-1", "op_1"}) && periods.count({"org-2", "op_1"}));
  EXPECT_EQ(periods.size(), 2u * 3 * 5);
  int deleted = 0, overlaps = 0, created_before_earlier = 0;
  for (const auto& [key, p] : periods) {
    ASSERT_GE(p.create_at, 0) << key.second << " deleted but never created";
    if (p.delete_at >= 0) {
      ++deleted;
      EXPECT_GT(p.delete_at, p.create_at);
    }
    for (const auto& [key2, q] : periods) {
      if (key.first != key2.first || key == key2) continue;
      overlaps += p.start < q.finish && q.start < p.finish;
      created_before_earlier += p.create_at < q.create_at && q.start < p.start;
    }
  }
  EXPECT_GE(deleted, 6);
  EXPECT_GT(overlaps, 0);
  EXPECT_GT(created_before_earlier, 0);
}

TEST(GeneratorTest, TimestampsMostlyWithMilliseconds) {
  ScratchDir dir;
  MustGenerate(SmallOptions(dir.str()));
  const std::regex with_ms(R"("at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")");
  const std::regex without(R"("at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")");
  int64_t ms = 0, plain = 0;
  for (const Line& line : ReadLines(dir.data())) {
    ms += std::regex_search(line.text, with_ms);
    plain += std::regex_search(line.text, without);
  }
  EXPECT_GT(plain, 0);
  EXPECT_GT(ms, 10 * plain);
}

TEST(GeneratorTest, RejectsBadOptions) {
  GenerateOptions o;
  EXPECT_TRUE(Generate(o).status().IsInvalidArgument());  // no out_dir
  o.out_dir = "/tmp/unused";
  for (const char* date : {"2019-02-30", "2019-6-1", "yesterday"}) {
    o.start_date = date;
    EXPECT_TRUE(Generate(o).status().IsInvalidArgument()) << date;
  }
  o.start_date = "2019-06-01";
  o.active_hours = 0;
  EXPECT_TRUE(ValidateOptions(o).IsInvalidArgument());
  o.active_hours = 1;
  o.reject_rate = 1.5;
  EXPECT_TRUE(ValidateOptions(o).IsInvalidArgument());
  o.reject_rate = 0;
  o.update_interval_s = 0;
  EXPECT_TRUE(ValidateOptions(o).IsInvalidArgument());
  o.update_interval_s = 5;
  EXPECT_TRUE(ValidateOptions(o).ok());
}

// Building blocks.

TEST(GenHelpersTest, ObjectKeys) {
  const int64_t utc = DaysFromCivil(2019, 6, 1) * 86400 + 18 * 3600 + 17 * 60 + 3;
  EXPECT_EQ(ObjectKeyForSecond(utc, false, false), "2019-06-01-15-17-3-events.json");
  const int64_t early = DaysFromCivil(2019, 6, 1) * 86400 + 3 * 3600 + 5 * 60;
  EXPECT_EQ(ObjectKeyForSecond(early, true, true), "2019-06-01-00-5-0-events.json.gz");
  EXPECT_EQ(ObjectKeyForSecond(early - 5 * 60 - 1, false, false),
            "2019-05-31-23-59-59-events.json");
}

TEST(GenHelpersTest, Timestamps) {
  std::string s;
  AppendTimestamp(s, (DaysFromCivil(2019, 6, 1) * 86400 + 18 * 3600 + 17 * 60 + 5) * 1000 + 94,
                  true);
  EXPECT_EQ(s, "2019-06-01T18:17:05.094Z");
  s.clear();
  AppendTimestamp(s, DaysFromCivil(2020, 2, 29) * 86'400'000, false);
  EXPECT_EQ(s, "2020-02-29T00:00:00Z");
  EXPECT_EQ(ParseIsoDate("2019-06-01"), DaysFromCivil(2019, 6, 1));
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_FALSE(ParseIsoDate("2019-02-29"));
  EXPECT_TRUE(ParseIsoDate("2020-02-29"));
  for (int64_t d : {-800000, -1, 0, 18048, 2932896}) {
    const CivilDate c = CivilFromDays(d);
    EXPECT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
}

TEST(GenHelpersTest, Coordinates) {
  std::string s;
  AppendE5(s, 5245097);
  s.push_back(' ');
  AppendE5(s, 1340000);
  s.push_back(' ');
  AppendE5(s, 5200000);
  s.push_back(' ');
  AppendE5(s, -1340010);
  EXPECT_EQ(s, "52.45097 13.4 52 -13.4001");
}

TEST(GenHelpersTest, GzipStoredIsRealGzip) {
  std::string data;
  for (int i = 0; i < 30000; ++i) data += "line " + std::to_string(i) + "\n";  // > 65535: blocks
  std::string gz;
  GzipStored(data, gz);
  EXPECT_EQ(gentest::Gunzip(gz), data);
  GzipStored("", gz);
  EXPECT_EQ(gentest::Gunzip(gz), "");
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
}

TEST(GenHelpersTest, MutationsBreakWhatTheyClaim) {
  const RecordView r{"update", "vehicle", "2019-06-01T18:17:05.094Z",
                     "org-id", "v1",      ",\"location\":null"};
  std::string clean;
  AppendRecord(clean, r, Mutation::kNone, 0);
  EXPECT_EQ(clean,
            "{\"event\":\"update\",\"on\":\"vehicle\",\"at\":\"2019-06-01T18:17:05.094Z\","
            "\"data\":{\"id\":\"v1\",\"location\":null},\"organization_id\":\"org-id\"}");
  simdjson::dom::parser parser;
  for (uint64_t variant = 0; variant < 50; ++variant) {
    std::string line;
    AppendRecord(line, r, Mutation::kNotJson, variant);
    simdjson::dom::element el;
    const bool object = !parser.parse(line).get(el) && el.is_object();
    EXPECT_FALSE(object) << line;
    for (int m = 2; m <= kMutationCount; ++m) {
      line.clear();
      AppendRecord(line, r, static_cast<Mutation>(m), variant);
      EXPECT_FALSE(parser.parse(line).get(el)) << line;  // still JSON, but breaks a rule
      EXPECT_NE(line, clean);
    }
  }
}

}  // namespace
}  // namespace fleetlake::gen
