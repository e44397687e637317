#include "config/config.h"

#include <gtest/gtest.h>

namespace fleetlake {
namespace {

const char* kMinimal = R"(source: {uri: /data/events}
lake: {uri: /tmp/lake}
warehouse: {path: /tmp/w.duckdb}
entities:
  - name: vehicle
    match: {on: vehicle}
    required: [event, on, at, data.id]
    unique_key: [event, data.id, at]
    columns:
      - {name: event, path: event, type: string}
      - {name: vehicle_id, path: data.id, type: string}
      - {name: event_at, path: at, type: timestamp}
      - {name: lat, path: data.location.lat, type: double}
    partition_by: {column: event_at}
marts:
  - {name: m, sql: "SELECT 1"}
)";

std::string ErrorOf(const std::string& yaml, std::vector<std::string> sets = {}) {
  auto r = ParseConfig(yaml, "c.yaml", sets);
  return r.ok() ? "" : r.status().message();
}

TEST(Config, ParsesAValidConfig) {
  auto r = ParseConfig(kMinimal, "c.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Config& c = *r;
  EXPECT_EQ(c.source.uri, "/data/events");
  ASSERT_EQ(c.entities.size(), 1u);
  const EntityConfig& e = c.entities[0];
  EXPECT_EQ(e.match[0], (std::pair<std::string, std::string>("on", "vehicle")));
  EXPECT_EQ(e.unique_key, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(e.columns[3].type, ColumnType::kDouble);
  EXPECT_EQ(e.partition_column, 2);
  EXPECT_EQ(e.partition_by.name, "event_date");
  EXPECT_EQ(c.marts[0].name, "m");
}

TEST(Config, TheShippedExampleIsValid) {
  auto r = LoadConfig(std::string(FLEETLAKE_SOURCE_DIR) + "/examples/door2door.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->FindEntity("vehicle"), nullptr);
  EXPECT_NE(r->FindEntity("operating_period"), nullptr);
  EXPECT_EQ(r->marts.at(0).name, "operating_period_distance");
}

TEST(Config, YamlSyntaxErrorNamesLineAndColumn) {
  std::string err = ErrorOf("source: {uri: x\nlake: [");
  EXPECT_NE(err.find("c.yaml:"), std::string::npos) << err;
  EXPECT_NE(err.find("invalid YAML"), std::string::npos) << err;
}

TEST(Config, WrongTypeNamesFileLineColumn) {
  std::string yaml = kMinimal;
  yaml.replace(yaml.find("type: double"), 12, "type: float");
  std::string err = ErrorOf(yaml);
  EXPECT_NE(err.find("c.yaml:13:"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown column type 'float'"), std::string::npos) << err;
}

TEST(Config, UnknownKeyIsReportedWithTheAllowedOnes) {
  std::string err = ErrorOf(std::string(kMinimal) + "sorce: {uri: x}\n");
  EXPECT_NE(err.find("unknown key 'sorce'"), std::string::npos) << err;
  EXPECT_NE(err.find("source"), std::string::npos) << err;
}

TEST(Config, RejectsIdentifiersThatAreNotSql) {
  std::string yaml = kMinimal;
  yaml.replace(yaml.find("name: vehicle_id"), 16, "name: \"id; DROP TABLE x\"");
  std::string err = ErrorOf(yaml);
  EXPECT_NE(err.find("not a valid SQL identifier"), std::string::npos) << err;
  EXPECT_FALSE(IsValidIdentifier("select"));
  EXPECT_FALSE(IsValidIdentifier("1abc"));
  EXPECT_FALSE(IsValidIdentifier("a-b"));
  EXPECT_FALSE(IsValidIdentifier("fleetlake_runs"));
  EXPECT_TRUE(IsValidIdentifier("vehicle_2"));
}

TEST(Config, ReportsMissingSectionsAndBadReferences) {
  EXPECT_NE(ErrorOf("lake: {uri: x}").find("missing 'source'"), std::string::npos);
  std::string yaml = kMinimal;
  yaml.replace(yaml.find("unique_key: [event, data.id, at]"), 32, "unique_key: [event, nope]");
  EXPECT_NE(ErrorOf(yaml).find("unique_key 'nope'"), std::string::npos);
  yaml = kMinimal;
  yaml.replace(yaml.find("partition_by: {column: event_at}"), 32, "partition_by: {column: lat}");
  EXPECT_NE(ErrorOf(yaml).find("must be a timestamp column"), std::string::npos);
}

TEST(Config, WrongTypesEverywhereGiveErrorsNotCrashes) {
  std::string err = ErrorOf(
      "source: [1]\nlake: 3\nwarehouse: {path: {a: 1}}\nentities: {x: 1}\nmarts: 7\n"
      "process: {threads: many}\n");
  EXPECT_NE(err.find("source must be a mapping"), std::string::npos) << err;
  EXPECT_NE(err.find("warehouse.path must be a string"), std::string::npos) << err;
  EXPECT_NE(err.find("'entities' must be a non-empty list"), std::string::npos) << err;
  EXPECT_NE(err.find("process.threads must be a whole number"), std::string::npos) << err;
}

TEST(Config, SetOverridesValuesBeforeValidation) {
  auto r = ParseConfig(kMinimal, "c.yaml",
                       {"source.uri=/other", "lake.uri=s3://b/p", "process.threads=3",
                        "entities.vehicle.partition_by.name=day", "source.anonymous=true"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->source.uri, "/other");
  EXPECT_EQ(r->lake.uri, "s3://b/p");
  EXPECT_EQ(r->process.threads, 3);
  EXPECT_TRUE(r->source.anonymous);
  EXPECT_EQ(r->entities[0].partition_by.name, "day");
}

TEST(Config, BadSetIsAClearError) {
  EXPECT_NE(ErrorOf(kMinimal, {"novalue"}).find("expected dotted.key=value"), std::string::npos);
  EXPECT_NE(ErrorOf(kMinimal, {"entities.bus.name=x"}).find("no list element 'bus'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kMinimal, {"process.threads=-1"}).find("between 0 and"), std::string::npos);
}

}  // namespace
}  // namespace fleetlake
