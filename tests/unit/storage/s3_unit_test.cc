// S3 pieces that need no server: URIs, URL encoding and addressing, XML, credentials lookup.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "storage/s3_client.h"
#include "storage/s3_credentials.h"
#include "storage/s3_store.h"
#include "storage/s3_xml.h"

namespace fleetlake {
namespace {

TEST(S3UriTest, ParsesBucketAndPrefix) {
  auto loc = ParseS3Uri("s3://de-tech-assessment-2022/data/");
  ASSERT_TRUE(loc.ok()) << loc.status().ToString();
  EXPECT_EQ(loc->bucket, "de-tech-assessment-2022");
  EXPECT_EQ(loc->prefix, "data");
  auto bare = ParseS3Uri("s3://lake");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->prefix, "");
  EXPECT_FALSE(ParseS3Uri("s3://Bad_Bucket!/x").ok());
  EXPECT_FALSE(ParseS3Uri("s3://ab").ok());
  EXPECT_FALSE(ParseS3Uri("s3://lake/a/../b").ok());
  EXPECT_FALSE(ParseS3Uri("/local/folder").ok());
}

TEST(S3UriTest, EncodesLikeAws) {
  EXPECT_EQ(S3UriEncode("a b+c/d~e.f_g-h", true), "a%20b%2Bc/d~e.f_g-h");
  EXPECT_EQ(S3UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(S3UriEncode("\xc3\xa9", true), "%C3%A9");  // é
  EXPECT_EQ(S3UriEncode("k=v&x", false), "k%3Dv%26x");
}

TEST(S3UriTest, BuildsVirtualHostAndPathStyleUrls) {
  S3ClientOptions o;
  o.bucket = "lake";
  o.region = "eu-west-1";
  S3Client vhost(o);
  S3Request r;
  r.key = "raw/a b.json";
  EXPECT_EQ(vhost.Url(r), "https://lake.s3.eu-west-1.amazonaws.com/raw/a%20b.json");
  o.path_style = true;
  o.endpoint = "http://127.0.0.1:9000/";
  S3Client path(o);
  S3Request list;
  list.query = {{"prefix", "data/x y"}, {"list-type", "2"}, {"continuation-token", "a+b="}};
  // Sorted by name, values encoded: the form curl signs as is.
  EXPECT_EQ(
      path.Url(list),
      "http://127.0.0.1:9000/lake?continuation-token=a%2Bb%3D&list-type=2&prefix=data%2Fx%20y");
  EXPECT_EQ(path.Url(r), "http://127.0.0.1:9000/lake/raw/a%20b.json");
}

TEST(S3XmlTest, ParsesListingPages) {
  auto page = ParseListObjectsV2(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><IsTruncated>true</IsTruncated><NextContinuationToken>tok</NextContinuationToken>
  <Contents><Key>data/a &amp; b.json</Key><LastModified>2019-06-02T10:00:00.000Z</LastModified>
    <ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>12</Size></Contents>
</ListBucketResult>)");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_token, "tok");
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "data/a & b.json");
  EXPECT_EQ(page->objects[0].etag, "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(page->objects[0].size, 12u);
  EXPECT_EQ(page->objects[0].mtime_us, 1559469600000000);
  EXPECT_FALSE(ParseListObjectsV2("<html>proxy error</html>").ok());
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated>"
                                  "</ListBucketResult>")
                   .ok());
}

TEST(S3XmlTest, ErrorsUploadIdsAndTimes) {
  S3Error e = ParseS3Error("<Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>");
  EXPECT_EQ(e.code, "NoSuchBucket");
  EXPECT_EQ(e.message, "gone");
  EXPECT_EQ(ParseS3Error("").code, "");
  auto id = ParseUploadId(
      "<InitiateMultipartUploadResult><UploadId>xyz</UploadId></InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "xyz");
  EXPECT_EQ(CompleteMultipartXml({"aa", "bb"}),
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part>"
            "<PartNumber>1</PartNumber><ETag>\"aa\"</ETag></Part><Part><PartNumber>2</PartNumber>"
            "<ETag>\"bb\"</ETag></Part></CompleteMultipartUpload>");
  EXPECT_EQ(ParseS3Time("Sun, 02 Jun 2019 10:00:00 GMT"), 1559469600000000);
  EXPECT_EQ(UnquoteEtag("\"abc-2\""), "abc-2");
}

// Sets environment variables for one test and restores them after.
class EnvGuard {
 public:
  void Set(const char* name, const std::string& value) {
    Save(name);
    ::setenv(name, value.c_str(), 1);
  }
  void Unset(const char* name) {
    Save(name);
    ::unsetenv(name);
  }
  ~EnvGuard() {
    for (auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  void Save(const char* name) {
    const char* v = std::getenv(name);
    saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("fl-creds-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    for (const char* v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                          "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"}) {
      env_.Unset(v);
    }
    std::ofstream(dir_ / "credentials") << "[default]\naws_access_key_id = AKIDDEFAULT\n"
                                           "aws_secret_access_key = default/secret+key\n\n"
                                           "[ci]\naws_access_key_id=AKIDCI\n"
                                           "aws_secret_access_key=cisecret\n"
                                           "aws_session_token = tok\n";
    std::ofstream(dir_ / "config") << "[default]\nregion = eu-west-1\n"
                                      "[profile cfgonly]\naws_access_key_id = AKIDCFG\n"
                                      "aws_secret_access_key = cfgsecret\nregion=us-west-2\n";
    env_.Set("AWS_SHARED_CREDENTIALS_FILE", (dir_ / "credentials").string());
    env_.Set("AWS_CONFIG_FILE", (dir_ / "config").string());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  EnvGuard env_;
};

TEST_F(CredentialsTest, FollowsTheAwsOrder) {
  StoreOptions o;
  auto c = ResolveCredentials(o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->access_key_id, "AKIDDEFAULT");
  EXPECT_EQ((*c)->secret_access_key, "default/secret+key");
  EXPECT_NE((*c)->origin.find("profile 'default'"), std::string::npos);
  EXPECT_EQ(ResolveRegion(o), "eu-west-1");

  env_.Set("AWS_PROFILE", "ci");
  c = ResolveCredentials(o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->access_key_id, "AKIDCI");
  EXPECT_EQ((*c)->session_token, "tok");

  o.profile = "cfgonly";  // the config option beats AWS_PROFILE; keys may live in ~/.aws/config
  c = ResolveCredentials(o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->access_key_id, "AKIDCFG");
  EXPECT_EQ(ResolveRegion(o), "us-west-2");

  env_.Set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env_.Set("AWS_SECRET_ACCESS_KEY", "envsecret");
  c = ResolveCredentials(o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->access_key_id, "AKIDENV");
  EXPECT_EQ((*c)->origin, "environment");

  o.access_key_id = "AKIDCONF";
  o.secret_access_key = "confsecret";
  c = ResolveCredentials(o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->access_key_id, "AKIDCONF");

  o.anonymous = true;
  c = ResolveCredentials(o);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->has_value());
  o.region = "ap-south-1";
  EXPECT_EQ(ResolveRegion(o), "ap-south-1");
}

TEST_F(CredentialsTest, MissingCredentialsSayWhereTheyWereSoughtWithoutSecrets) {
  StoreOptions o;
  o.profile = "nope";
  auto c = ResolveCredentials(o);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(c.status().message().find("'nope'"), std::string::npos);
  EXPECT_NE(c.status().message().find("anonymous: true"), std::string::npos);
  // Another profile's secret is never shown.
  for (const char* secret : {"default/secret+key", "cisecret", "cfgsecret"}) {
    EXPECT_EQ(c.status().message().find(secret), std::string::npos) << secret;
  }
  o.access_key_id = "AKIDONLY";
  c = ResolveCredentials(o);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("secret_access_key"), std::string::npos);
}

TEST(IniTest, ParsesSectionsCommentsAndSpaces) {
  IniFile ini = ParseIni("# c\n[a]\n Key = v = w \n; x\n[ profile b ]\nk2=\n");
  EXPECT_EQ(ini["a"]["key"], "v = w");
  EXPECT_TRUE(ini.count("profile b"));
  EXPECT_EQ(ini["profile b"]["k2"], "");
}

}  // namespace
}  // namespace fleetlake
