#include "fetch/fetch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/time_util.h"
#include "fetch/manifest.h"
#include "storage/local_store.h"

namespace fleetlake {
namespace {

class FetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fl-fetch-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    source_ = std::move(*LocalStore::Open((dir_ / "src").string()));
    lake_ = std::move(*LocalStore::Open((dir_ / "lake").string()));
    ASSERT_TRUE(source_->Put("data/2019-06-01-9-5-3-events.json", "{\"a\":1}\n").ok());
    ASSERT_TRUE(source_->Put("data/2019-06-01-23-59-59-events.json", "{\"b\":2}\n").ok());
    ASSERT_TRUE(source_->Put("data/2019-06-02-0-0-1-events.json", "{\"c\":3}\n").ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  FetchReport MustFetch(std::optional<std::string> date) {
    FetchOptions o;
    if (date) o.date = ParseDate(*date);
    auto r = Fetch(*source_, *lake_, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : FetchReport{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<LocalStore> source_, lake_;
};

TEST_F(FetchTest, CopiesTheObjectsOfOneDayByteForByte) {
  FetchReport r = MustFetch("2019-06-01");
  EXPECT_EQ(r.listed, 3u);
  EXPECT_EQ(r.selected, 2u);
  EXPECT_EQ(r.copied, 2u);
  EXPECT_EQ(*lake_->Get("raw/data/2019-06-01-9-5-3-events.json"), "{\"a\":1}\n");
  EXPECT_TRUE(lake_->Head("raw/data/2019-06-02-0-0-1-events.json").status().IsNotFound());
  auto m = LoadManifest(*lake_, "2019-06-01");
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->entries.size(), 2u);
  EXPECT_EQ(m->entries[0].md5, Md5Hex("{\"b\":2}\n"));
}

TEST_F(FetchTest, IsIncrementalAndNoticesChangedObjects) {
  MustFetch(std::nullopt);
  FetchReport again = MustFetch(std::nullopt);
  EXPECT_EQ(again.copied, 0u);
  EXPECT_EQ(again.skipped, 3u);
  // Same size, different bytes: must be copied again.
  ASSERT_TRUE(source_->Put("data/2019-06-02-0-0-1-events.json", "{\"c\":4}\n").ok());
  FetchReport changed = MustFetch(std::nullopt);
  EXPECT_EQ(changed.copied, 1u);
  EXPECT_EQ(*lake_->Get("raw/data/2019-06-02-0-0-1-events.json"), "{\"c\":4}\n");
}

TEST_F(FetchTest, RecoversAManifestLostInACrash) {
  MustFetch("2019-06-01");
  ASSERT_TRUE(lake_->Delete(ManifestKey("2019-06-01")).ok());
  FetchReport r = MustFetch("2019-06-01");
  EXPECT_EQ(r.copied, 0u);
  EXPECT_EQ(r.skipped, 2u);
  EXPECT_EQ(LoadManifest(*lake_, "2019-06-01")->entries.size(), 2u);
}

TEST_F(FetchTest, FallsBackToModificationTimeForKeysWithoutADate) {
  ASSERT_TRUE(source_->Put("other/readme.json", "{}\n").ok());
  std::vector<std::string> refused;
  auto objects = ListSource(*source_, &refused);
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 4u);
  EXPECT_EQ((*objects)[3].info.key, "other/readme.json");
  EXPECT_EQ((*objects)[3].batch, FormatDate(DayOfMicros(NowMicros())));
}

}  // namespace
}  // namespace fleetlake
