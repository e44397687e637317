// S3Store against a real S3 API (s3rver on 127.0.0.1): every Store operation, keys that need
// encoding, pagination past 1000 keys, multipart uploads, and the errors a user sees.
#include "storage/s3_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "../../s3/s3_test_server.h"
#include "storage/local_store.h"

namespace fleetlake {
namespace {

using testing::S3rver;

class S3StoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new S3rver({"lake", "other"}); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_GT(server_->port(), 0) << server_->error();
    tmp_ = std::filesystem::temp_directory_path() /
           ("fl-s3-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(tmp_);
    store_ = Open("s3://lake/root");
  }
  void TearDown() override { std::filesystem::remove_all(tmp_); }

  StoreOptions Options() const {
    StoreOptions o;
    o.endpoint = server_->endpoint();
    o.region = "us-east-1";
    o.access_key_id = testing::kS3rverKey;
    o.secret_access_key = testing::kS3rverKey;
    o.max_attempts = 2;
    o.base_backoff_ms = 1;
    return o;
  }
  std::unique_ptr<Store> Open(const std::string& uri) {
    auto s = OpenStore(uri, Options());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::string WriteLocal(const std::string& name, const std::string& data) {
    std::string path = (tmp_ / name).string();
    std::ofstream(path, std::ios::binary) << data;
    return path;
  }

  static S3rver* server_;
  std::filesystem::path tmp_;
  std::unique_ptr<Store> store_;
};
S3rver* S3StoreTest::server_ = nullptr;

TEST_F(S3StoreTest, PutGetHeadListDeleteWithAwkwardKeys) {
  const std::vector<std::string> keys = {"data/plain.json", "data/with space.json",
                                         "data/plus+sign=eq&amp.json",
                                         "data/unicod\xc3\xa9-\xe2\x82\xac.json"};
  for (const auto& k : keys) ASSERT_TRUE(store_->Put(k, "body of " + k).ok()) << k;
  ASSERT_TRUE(store_->Put("elsewhere/x", "x").ok());
  for (const auto& k : keys) {
    auto got = store_->Get(k);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, "body of " + k);
    auto head = store_->Head(k);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->size, ("body of " + k).size());
    EXPECT_EQ(head->etag, Md5Hex("body of " + k));
    EXPECT_GT(head->mtime_us, 0);
  }
  auto list = store_->List("data/");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), keys.size());
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    EXPECT_EQ((*list)[i].key, sorted[i]);  // relative to the store root
    EXPECT_EQ((*list)[i].etag, Md5Hex("body of " + sorted[i]));
  }
  auto all = store_->List("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), keys.size() + 1);
  EXPECT_EQ(store_->Uri("data/x"), "s3://lake/root/data/x");
  EXPECT_FALSE(store_->LocalPath("data/x").has_value());

  ASSERT_TRUE(store_->Delete(keys[1]).ok());
  ASSERT_TRUE(store_->Delete(keys[1]).ok());  // absent: not an error
  EXPECT_TRUE(store_->Head(keys[1]).status().IsNotFound());
  auto missing = store_->Get("data/none.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("s3://lake/root/data/none.json"), std::string::npos);
  EXPECT_FALSE(store_->Put("../escape", "x").ok());
}

TEST_F(S3StoreTest, GetToFileAndPutFileConsumeAndVerify) {
  std::string data(300000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 13);
  std::string local = WriteLocal("up.bin", data);
  ASSERT_TRUE(store_->PutFile("raw/up.bin", local).ok());
  EXPECT_FALSE(std::filesystem::exists(local));  // consumed
  std::string down = (tmp_ / "down.bin").string();
  ASSERT_TRUE(store_->GetToFile("raw/up.bin", down).ok());
  auto back = ReadFile(down);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(*back == data);
  auto md5 = store_->Md5("raw/up.bin");
  ASSERT_TRUE(md5.ok());
  EXPECT_EQ(*md5, Md5Hex(data));
  // An empty object round-trips too.
  ASSERT_TRUE(store_->PutFile("raw/empty", WriteLocal("empty", "")).ok());
  ASSERT_TRUE(store_->GetToFile("raw/empty", down).ok());
  EXPECT_EQ(std::filesystem::file_size(down), 0u);
  // A failed download leaves no file behind.
  std::string none = (tmp_ / "none.bin").string();
  EXPECT_TRUE(store_->GetToFile("raw/absent", none).IsNotFound());
  EXPECT_FALSE(std::filesystem::exists(none));
}

TEST_F(S3StoreTest, MultipartUploadInParallelParts) {
  StoreOptions o = Options();
  o.multipart_threshold = 6 << 20;
  o.part_size = 5 << 20;
  o.concurrency = 3;
  auto opened = S3Store::Open("s3://lake/mp", o);
  ASSERT_TRUE(opened.ok());
  std::unique_ptr<S3Store> s = std::move(*opened);
  std::string data((5 << 20) * 2 + 12345, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 2654435761u) >> 13);
  ASSERT_TRUE(s->PutFile("big.bin", WriteLocal("big.bin", data)).ok());
  // Create, three parts, complete.
  EXPECT_EQ(s->client().requests(), 5u);
  auto head = s->Head("big.bin");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, data.size());
  auto md5 = s->Md5("big.bin");
  ASSERT_TRUE(md5.ok()) << md5.status().ToString();
  EXPECT_EQ(*md5, Md5Hex(data));
  std::string down = (tmp_ / "big.down").string();
  ASSERT_TRUE(s->GetToFile("big.bin", down).ok());
  auto back = ReadFile(down);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(*back == data);
}

TEST_F(S3StoreTest, ListsPastOneThousandKeys) {
  auto s = Open("s3://other/many/");
  ASSERT_TRUE(s);
  const int n = 1234;
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        if (!s->Put(fmt::format("k/{:05d}.json", i), std::to_string(i)).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures, 0);
  auto list = s->List("k/");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), static_cast<size_t>(n));  // two pages
  for (int i = 0; i < n; ++i) ASSERT_EQ((*list)[i].key, fmt::format("k/{:05d}.json", i));
}

TEST_F(S3StoreTest, ClearErrorsForMissingBucketsAndUnreachableEndpoints) {
  auto s = Open("s3://no-such-bucket/p");
  ASSERT_TRUE(s);
  auto put = s->Put("k.json", "x");
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.message().find("bucket 'no-such-bucket' does not exist"), std::string::npos)
      << put.message();
  EXPECT_NE(put.message().find("s3://no-such-bucket/p/k.json"), std::string::npos);
  auto list = s->List("");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("no-such-bucket"), std::string::npos);

  // Nothing listens there: retried, then a transport error naming the object; no secret shown.
  StoreOptions o = Options();
  o.endpoint = "http://127.0.0.1:1";
  o.secret_access_key = "TOPSECRETVALUE";
  auto dead = OpenStore("s3://lake/x", o);
  ASSERT_TRUE(dead.ok());
  auto got = (*dead)->Get("a.json");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("s3://lake/x/a.json"), std::string::npos)
      << got.status().message();
  EXPECT_NE(got.status().message().find("after 2 attempts"), std::string::npos);
  EXPECT_EQ(got.status().message().find("TOPSECRETVALUE"), std::string::npos);
}

}  // namespace
}  // namespace fleetlake
