// Hostile and broken input, end to end: every bad object or record becomes a reject with a reason,
// the good records still land, the run succeeds, and nothing is written outside the lake root.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "cli_harness.h"
#include "warehouse/database.h"

namespace fleetlake {
namespace {

using fleetlake_test::RunCli;
using fleetlake_test::Scratch;

std::string Vehicle(const std::string& id, const std::string& at, const std::string& lat = "52.5") {
  return R"({"event":"update","on":"vehicle","at":")" + at + R"(","data":{"id":")" + id +
         R"(","location":{"lat":)" + lat + R"(,"lng":13.4,"at":")" + at + R"("}},"organization_id":"org-id"})";
}

void Write(const Scratch& s, const std::string& name, const std::string& bytes) {
  std::ofstream(s.source() + "/data/" + name, std::ios::binary) << bytes;
}

int64_t Count(const Scratch& s, const std::string& sql) {
  auto db = Database::Open(s.warehouse());
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  auto conn = db->Connect();
  auto r = conn->Query(sql);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() && r->num_rows() == 1 && r->rows[0][0] ? std::stoll(*r->rows[0][0]) : -1;
}

// Reject records of one source key, from the lake's reject files.
std::vector<std::string> RejectsOf(const Scratch& s, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& f : std::filesystem::recursive_directory_iterator(s.lake() + "/rejects")) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path());
    for (std::string line; std::getline(in, line);) {
      if (line.find("\"source_key\":\"" + key + "\"") != std::string::npos) out.push_back(line);
    }
  }
  return out;
}

TEST(HostileInput, BadObjectsAndRecordsAreRejectedWithReasonsAndTheRunGoesOn) {
  Scratch s("hostile");
  std::filesystem::create_directories(s.source() + "/data");
  const std::string at = "2019-06-01T13:00:00Z";
  Write(s, "2019-06-01-10-0-1-events.json", Vehicle("good-1", at) + "\n" + Vehicle("good-2", at) + "\n");
  // Cut in the middle of a record.
  std::string truncated = Vehicle("trunc-ok", at) + "\n" + Vehicle("trunc-cut", at);
  Write(s, "2019-06-01-10-0-2-events.json", truncated.substr(0, truncated.size() - 30));
  std::mt19937 rng(3);
  std::string garbage(4096, '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  Write(s, "2019-06-01-10-0-3-events.json", garbage);
  Write(s, "2019-06-01-10-0-4-events.json", Vehicle("bad\xff\xfeutf8", at) + "\n");
  // A 100 MB single line.
  std::string huge = R"({"event":"update","on":"vehicle","at":")" + at + R"(","data":{"id":"huge","pad":")" +
                     std::string(100 << 20, 'x') + R"("},"organization_id":"org-id"})";
  Write(s, "2019-06-01-10-0-5-events.json", huge + "\n" + Vehicle("after-huge", at) + "\n");
  Write(s, "2019-06-01-10-0-6-events.json", std::string(200000, '[') + "\n" + Vehicle("after-deep", at) + "\n");
  Write(s, "2019-06-01-10-0-7-events.json",
        Vehicle("big-lat", at, "1e999") + "\n" + Vehicle("neg-lat", at, "-1e400") + "\n" +
            Vehicle("int-lat", at, "18446744073709551616") + "\n");
  Write(s, "2019-06-01-10-0-8-events.json",
        Vehicle("zero-date", "0000-00-00") + "\n" + Vehicle("bad-hour", "9999-12-31T25:61") + "\n");
  Write(s, "2019-06-01-10-0-9-events.json", "");
  // A gzip header and the start of a deflate stream, then nothing.
  Write(s, "2019-06-01-10-0-10-events.json.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x4b\x4c", 12));

  auto run = RunCli(s.Args("run", {"--date", "2019-06-01"}));
  ASSERT_EQ(run.exit_code, 0) << run.output;

  // The good records land, including those next to bad ones.
  for (const char* id : {"good-1", "good-2", "trunc-ok", "after-huge", "after-deep"}) {
    EXPECT_EQ(Count(s, std::string("SELECT count(*) FROM vehicle WHERE vehicle_id = '") + id + "'"), 1) << id;
  }
  // Every bad one is a reject with a reason.
  auto has_reject = [&](const std::string& key, const std::string& reason_part) {
    for (const auto& r : RejectsOf(s, "data/" + key)) {
      if (r.find("\"reason\":\"") != std::string::npos && r.find(reason_part) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has_reject("2019-06-01-10-0-2-events.json", "invalid JSON"));
  EXPECT_TRUE(has_reject("2019-06-01-10-0-3-events.json", "reason"));
  EXPECT_TRUE(has_reject("2019-06-01-10-0-6-events.json", "reason"));
  EXPECT_TRUE(has_reject("2019-06-01-10-0-8-events.json", "invalid timestamp in 'at': '0000-00-00'"));
  EXPECT_TRUE(has_reject("2019-06-01-10-0-8-events.json", "invalid timestamp in 'at': '9999-12-31T25:61'"));
  EXPECT_TRUE(has_reject("2019-06-01-10-0-10-events.json.gz", "gzip"));
  // The huge record is either kept or rejected, never lost; the same for out-of-range numbers.
  EXPECT_EQ(Count(s, "SELECT count(*) FROM vehicle WHERE vehicle_id = 'huge'") +
                static_cast<int64_t>(RejectsOf(s, "data/2019-06-01-10-0-5-events.json").size()),
            1);
  for (const char* id : {"big-lat", "neg-lat", "int-lat"}) {
    int64_t kept = Count(s, std::string("SELECT count(*) FROM vehicle WHERE vehicle_id = '") + id + "'");
    EXPECT_LE(kept, 1) << id;
  }
  EXPECT_EQ(Count(s, "SELECT count(*) FROM vehicle WHERE vehicle_id IN ('big-lat','neg-lat','int-lat')") +
                static_cast<int64_t>(RejectsOf(s, "data/2019-06-01-10-0-7-events.json").size()),
            3);
  // Invalid UTF-8 never makes an unreadable reject file or table: the record is somewhere.
  EXPECT_EQ(Count(s, "SELECT count(*) FROM vehicle WHERE vehicle_id LIKE 'bad%utf8'") +
                static_cast<int64_t>(RejectsOf(s, "data/2019-06-01-10-0-4-events.json").size()),
            1);

  // Nothing was written outside the scratch's source, lake and warehouse.
  for (const auto& entry : std::filesystem::directory_iterator(s.root)) {
    std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "source" || name == "lake" || name.rfind("warehouse.duckdb", 0) == 0) << name;
  }
}

}  // namespace
}  // namespace fleetlake
