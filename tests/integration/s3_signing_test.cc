// fleetlake's SigV4 signatures (curl's CURLOPT_AWS_SIGV4 over our canonical URLs) against
// botocore's signer, for the requests the S3 store really makes: keys with spaces, unicode, '+'
// and '=', query strings (listing with a continuation token, multipart upload ids), bodies hashed
// or sent unsigned, and session tokens. tests/s3/sigv4_check.py answers 403 on any difference.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../s3/s3_test_server.h"
#include "storage/local_store.h"
#include "storage/s3_store.h"

namespace fleetlake {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAccess = "AKIDEXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kRegion = "eu-west-1";

std::string Python() {
  // Debian's python3 has python3-botocore (installed by scripts/setup.sh); another python3 on the
  // PATH may not.
  return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

class S3SigningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    checker_ = std::make_unique<testing::ServerProcess>(std::vector<std::string>{
        Python(), testing::S3TestDir() + "/sigv4_check.py", kAccess, kSecret, kRegion});
    ASSERT_GT(checker_->port(), 0) << checker_->error();
    tmp_ = fs::temp_directory_path() / ("fl-sig-" + std::to_string(::getpid()));
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }

  std::unique_ptr<S3Store> Open(const std::string& secret, const std::string& token = "") {
    StoreOptions o;
    o.endpoint = checker_->endpoint();
    o.region = kRegion;
    o.access_key_id = kAccess;
    o.secret_access_key = secret;
    o.session_token = token;
    o.max_attempts = 1;
    o.multipart_threshold = 6 << 20;
    o.part_size = 5 << 20;
    o.concurrency = 2;
    auto s = S3Store::Open("s3://sig-bucket/root dir/p+q", o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  std::unique_ptr<testing::ServerProcess> checker_;
  fs::path tmp_;
};

TEST_F(S3SigningTest, EveryRequestKindMatchesBotocore) {
  for (const std::string token : {"", "FQoGZXIvYXdzE+token/with=chars"}) {
    SCOPED_TRACE(token.empty() ? "long-term keys" : "session token");
    auto s = Open(kSecret, token);
    ASSERT_TRUE(s);
    const std::vector<std::string> keys = {
        "plain.json", "with space/and  two.json", "plus+sign=eq&amp;semi;.json",
        "unicod\xc3\xa9/\xe2\x82\xac \xf0\x9f\x9a\x97.json", "tilde~star*paren(1)!'.json"};
    for (const auto& k : keys) {
      Status put = s->Put(k, "{\"a\": 1}\n");
      EXPECT_TRUE(put.ok()) << put.ToString();
      auto got = s->Get(k);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      auto head = s->Head(k);
      EXPECT_TRUE(head.ok()) << head.status().ToString();
      Status del = s->Delete(k);
      EXPECT_TRUE(del.ok()) << del.ToString();
    }
    Status empty = s->Put("empty body", "");
    EXPECT_TRUE(empty.ok()) << empty.ToString();
    // Listing: prefix in the query, then a continuation token with '+', '/', '=' and a space.
    auto list = s->List("dir with space/");
    ASSERT_TRUE(list.ok()) << list.status().ToString();
    EXPECT_EQ(list->size(), 2u);
    // Streamed file upload (UNSIGNED-PAYLOAD), then multipart: uploads=, partNumber & uploadId.
    std::string small = (tmp_ / "small").string();
    std::ofstream(small) << "small file";
    Status put_small = s->PutFile("files/small file+1", small);
    EXPECT_TRUE(put_small.ok()) << put_small.ToString();
    std::string big = (tmp_ / "big").string();
    std::ofstream(big) << std::string((5 << 20) * 2 + 7, 'b');
    Status put_big = s->PutFile("files/big file+2", big);
    EXPECT_TRUE(put_big.ok()) << put_big.ToString();
    // Put, Get, Head, Delete per key; the empty put; two pages; the small file; multipart 5.
    EXPECT_EQ(s->client().requests(), 4u * keys.size() + 9);
  }
}

TEST_F(S3SigningTest, AWrongSecretIsCaught) {
  // The control: the checker does tell a bad signature from a good one.
  auto s = Open("not-the-secret");
  ASSERT_TRUE(s);
  Status put = s->Put("k.json", "x");
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.message().find("access denied"), std::string::npos) << put.message();
  EXPECT_NE(put.message().find("s3://sig-bucket/root dir/p+q/k.json"), std::string::npos);
  EXPECT_EQ(put.message().find("not-the-secret"), std::string::npos);
}

}  // namespace
}  // namespace fleetlake
