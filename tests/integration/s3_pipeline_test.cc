// The whole pipeline with its source and its lake on S3 (s3rver on 127.0.0.1), against the same
// run on local folders: the warehouse must hold exactly the same rows. Then again through a proxy
// that injects 500/503s, connection resets, truncated bodies and delays.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "../s3/s3_test_server.h"
#include "cli_harness.h"
#include "storage/local_store.h"
#include "storage/s3_store.h"

namespace fleetlake {
namespace {

using fleetlake_test::RunCli;
using fleetlake_test::Scratch;
namespace fs = std::filesystem;

const char* kTables[] = {"vehicle", "operating_period", "operating_period_distance"};

class S3PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The tests' own credentials: s3rver accepts this key; nothing from the host's ~/.aws.
    ::setenv("AWS_ACCESS_KEY_ID", testing::kS3rverKey, 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", testing::kS3rverKey, 1);
    ::unsetenv("AWS_SESSION_TOKEN");
    ::unsetenv("AWS_PROFILE");
    server_ = std::make_unique<testing::S3rver>(std::vector<std::string>{"source", "lake"});
    ASSERT_GT(server_->port(), 0) << server_->error();
    scratch_ =
        std::make_unique<Scratch>(::testing::UnitTest::GetInstance()->current_test_info()->name());
    auto gen = RunCli({"generate", "--out", scratch_->source(), "--days", "2", "--vehicles", "6",
                       "--seed", "11", "--start", "2019-06-01", "--interval", "900", "--hours", "6",
                       "--reject-rate", "0.05", "--duplicate-rate", "0.05"});
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    // Keys that need encoding on the wire, with the day still in the name.
    fs::path data = fs::path(scratch_->source()) / "data";
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(data)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    ASSERT_GT(files.size(), 10u);
    fs::rename(files[0], data / (files[0].stem().string() + " copy+1 \xc3\xa9.json"));
    fs::rename(files[1], data / (files[1].stem().string() + "=a&b.json"));
  }
  void TearDown() override {
    ::unsetenv("AWS_ACCESS_KEY_ID");
    ::unsetenv("AWS_SECRET_ACCESS_KEY");
  }

  StoreOptions Options(const std::string& endpoint) const {
    StoreOptions o;
    o.endpoint = endpoint;
    o.region = "us-east-1";
    return o;
  }

  // Copies the generated source folder into s3://source/data/.
  void Upload() {
    auto src = LocalStore::Open(scratch_->source() + "/data");
    ASSERT_TRUE(src.ok());
    auto dst = OpenStore("s3://source/data/", Options(server_->endpoint()));
    ASSERT_TRUE(dst.ok()) << dst.status().ToString();
    auto list = (*src)->List("");
    ASSERT_TRUE(list.ok());
    for (const auto& o : *list) {
      auto bytes = (*src)->Get(o.key);
      ASSERT_TRUE(bytes.ok());
      ASSERT_TRUE((*dst)->Put(o.key, *bytes).ok()) << o.key;
    }
  }

  std::vector<std::string> LocalArgs(const std::string& cmd, const std::string& warehouse) const {
    return {cmd,
            "--config",
            scratch_->config(),
            "--set",
            "source.uri=" + scratch_->source() + "/data",
            "--set",
            "lake.uri=" + scratch_->lake(),
            "--set",
            "warehouse.path=" + warehouse,
            "--set",
            "run.backoff_ms=10"};
  }
  std::vector<std::string> S3Args(const std::string& cmd, const std::string& endpoint,
                                  const std::string& warehouse) const {
    return {cmd,
            "--config",
            scratch_->config(),
            "--set",
            "source.uri=s3://source/data/",
            "--set",
            "source.endpoint=" + endpoint,
            "--set",
            "lake.uri=s3://lake/prefix",
            "--set",
            "lake.endpoint=" + endpoint,
            "--set",
            "warehouse.path=" + warehouse,
            "--set",
            "run.backoff_ms=10"};
  }

  // Every table as sorted CSV.
  std::map<std::string, std::string> Tables(std::vector<std::string> base) {
    std::map<std::string, std::string> out;
    base[0] = "sql";
    for (const char* t : kTables) {
      auto args = base;
      args.push_back("--format");
      args.push_back("csv");
      args.push_back(fmt::format("SELECT * FROM {} ORDER BY ALL", t));
      auto r = RunCli(args);
      EXPECT_EQ(r.exit_code, 0) << r.output;
      out[t] = r.output;
    }
    return out;
  }

  // The local run's tables, and its lake's structured and reject keys.
  void RunLocal() {
    auto args = LocalArgs("run", scratch_->root.string() + "/local.duckdb");
    auto r = RunCli(args);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    local_tables_ = Tables(args);
    ASSERT_GT(std::count(local_tables_["vehicle"].begin(), local_tables_["vehicle"].end(), '\n'),
              100);
    auto lake = LocalStore::Open(scratch_->lake());
    ASSERT_TRUE(lake.ok());
    for (const char* zone : {"structured/", "rejects/"}) {
      auto list = (*lake)->List(zone);
      ASSERT_TRUE(list.ok());
      for (const auto& o : *list) local_keys_.push_back(o.key);
    }
  }

  void ExpectSameAsLocal(const std::vector<std::string>& s3_args) {
    auto tables = Tables(s3_args);
    for (const char* t : kTables) EXPECT_EQ(tables[t], local_tables_[t]) << t;
    auto lake = OpenStore("s3://lake/prefix", Options(server_->endpoint()));
    ASSERT_TRUE(lake.ok());
    std::vector<std::string> keys;
    for (const char* zone : {"structured/", "rejects/"}) {
      auto list = (*lake)->List(zone);
      ASSERT_TRUE(list.ok()) << list.status().ToString();
      for (const auto& o : *list) keys.push_back(o.key);
    }
    EXPECT_EQ(keys, local_keys_);
    auto raw = (*lake)->List("raw/");
    ASSERT_TRUE(raw.ok());
    EXPECT_GT(raw->size(), 10u);
  }

  std::unique_ptr<testing::S3rver> server_;
  std::unique_ptr<Scratch> scratch_;
  std::map<std::string, std::string> local_tables_;
  std::vector<std::string> local_keys_;
};

TEST_F(S3PipelineTest, SourceAndLakeOnS3GiveTheSameWarehouseAsLocalFolders) {
  ASSERT_NO_FATAL_FAILURE(Upload());
  ASSERT_NO_FATAL_FAILURE(RunLocal());
  std::string warehouse = scratch_->root.string() + "/s3.duckdb";
  auto args = S3Args("run", server_->endpoint(), warehouse);
  auto r = RunCli(args);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find(testing::kS3rverKey), std::string::npos) << "a credential was printed";
  ASSERT_NO_FATAL_FAILURE(ExpectSameAsLocal(args));

  // Incremental: a second fetch copies nothing (same keys, sizes and ETags).
  auto again = RunCli(S3Args("fetch", server_->endpoint(), warehouse));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find(" 0 copied"), std::string::npos) << again.output;

  // A missing bucket fails at once with a message naming it.
  auto bad = S3Args("fetch", server_->endpoint(), warehouse);
  bad[4] = "source.uri=s3://missing-bucket/data/";
  auto b = RunCli(bad);
  EXPECT_NE(b.exit_code, 0);
  EXPECT_NE(b.output.find("bucket 'missing-bucket' does not exist"), std::string::npos) << b.output;
}

TEST_F(S3PipelineTest, SurvivesInjectedFaultsWithIdenticalResults) {
  ASSERT_NO_FATAL_FAILURE(Upload());
  ASSERT_NO_FATAL_FAILURE(RunLocal());
  testing::ServerProcess proxy({"node", testing::S3TestDir() + "/fault_proxy.js",
                                std::to_string(server_->port()), "0.15", "42"});
  ASSERT_GT(proxy.port(), 0) << proxy.error();
  auto args = S3Args("run", proxy.endpoint(), scratch_->root.string() + "/faults.duckdb");
  auto r = RunCli(args);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_NO_FATAL_FAILURE(ExpectSameAsLocal(args));
  // The proxy really did inject faults of every kind (it answers its counts at /__faults).
  S3ClientOptions co;
  co.bucket = "__faults";
  co.endpoint = proxy.endpoint();
  co.path_style = true;
  S3Client client(co);
  auto got = client.Send(S3Request{});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const std::string& counts = got->body;
  for (const char* kind :
       {"\"e500\":", "\"e503\":", "\"reset\":", "\"delay\":", "\"midbody_reset\":"}) {
    size_t at = counts.find(kind);
    ASSERT_NE(at, std::string::npos) << counts;
    EXPECT_GT(std::atoi(counts.c_str() + at + std::strlen(kind)), 0) << kind << " in " << counts;
  }
}

}  // namespace
}  // namespace fleetlake
