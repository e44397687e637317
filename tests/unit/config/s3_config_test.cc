// The S3 settings of source and lake: parsed, defaulted, validated, and secrets never echoed.
#include <gtest/gtest.h>

#include "config/config.h"

namespace fleetlake {
namespace {

const char* kConfig = R"(source: {uri: "s3://src/data/", anonymous: true, region: eu-west-1}
lake:
  uri: s3://lake/p
  endpoint: http://127.0.0.1:9000
  addressing: path
  profile: ci
  concurrency: 4
  part_size_mb: 8
warehouse: {path: /tmp/w.duckdb}
entities:
  - name: vehicle
    match: {on: vehicle}
    unique_key: [event]
    columns:
      - {name: event, path: event, type: string}
      - {name: event_at, path: at, type: timestamp}
    partition_by: {column: event_at}
)";

TEST(S3Config, ParsesSourceAndLakeSettings) {
  auto r = ParseConfig(kConfig, "c.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->source.anonymous);
  EXPECT_EQ(r->source.region, "eu-west-1");
  EXPECT_EQ(r->source.concurrency, 16);  // default
  EXPECT_EQ(r->lake.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(r->lake.addressing, "path");
  EXPECT_EQ(r->lake.profile, "ci");
  EXPECT_EQ(r->lake.concurrency, 4);
  EXPECT_EQ(r->lake.part_size_mb, 8);
  EXPECT_EQ(r->lake.region, "");  // resolved later from the environment or the profile
}

TEST(S3Config, RejectsBadValuesWithoutEchoingSecrets) {
  auto r = ParseConfig(kConfig, "c.yaml",
                       {"lake.addressing=sideways", "lake.endpoint=127.0.0.1:9000",
                        "lake.secret_access_key=SuperSecret/Value+1", "lake.concurrency=0",
                        "source.part_size_mb=1"});
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("lake.addressing must be auto, path or virtual"), std::string::npos) << m;
  EXPECT_NE(m.find("lake.endpoint must start with http://"), std::string::npos) << m;
  EXPECT_NE(m.find("needs both access_key_id and secret_access_key"), std::string::npos) << m;
  EXPECT_NE(m.find("lake.concurrency must be between 1 and 256"), std::string::npos) << m;
  EXPECT_NE(m.find("source.part_size_mb must be between 5"), std::string::npos) << m;
  EXPECT_EQ(m.find("SuperSecret"), std::string::npos) << m;
  EXPECT_FALSE(ParseConfig(kConfig, "c.yaml", {"lake.bucket_typo=x"}).ok());
}

}  // namespace
}  // namespace fleetlake
