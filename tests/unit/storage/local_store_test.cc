#include "storage/local_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fleetlake {
namespace {

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fl-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto s = LocalStore::Open((dir_ / "root").string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::unique_ptr<LocalStore> store_;
};

TEST_F(LocalStoreTest, PutGetListDelete) {
  ASSERT_TRUE(store_->Put("a/b/c.json", "hello").ok());
  ASSERT_TRUE(store_->Put("a/d.json", "x").ok());
  auto got = store_->Get("a/b/c.json");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "hello");
  auto list = store_->List("a/");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].key, "a/b/c.json");
  EXPECT_EQ((*list)[0].size, 5u);
  auto md5 = store_->Md5("a/b/c.json");
  ASSERT_TRUE(md5.ok());
  EXPECT_EQ(*md5, "5d41402abc4b2a76b9719d911017c592");
  ASSERT_TRUE(store_->Delete("a/b/c.json").ok());
  EXPECT_TRUE(store_->Head("a/b/c.json").status().IsNotFound());
  EXPECT_TRUE(store_->Delete("a/b/c.json").ok());
}

TEST_F(LocalStoreTest, ListSkipsTempFilesOfUnfinishedWrites) {
  std::filesystem::create_directories(dir_ / "root/x");
  std::ofstream(dir_ / "root/x/f.json.tmp-123-0") << "partial";
  ASSERT_TRUE(store_->Put("x/g.json", "whole").ok());
  auto list = store_->List("");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].key, "x/g.json");
}

TEST_F(LocalStoreTest, KeysThatLeaveTheRootAreRefused) {
  for (const std::string& key :
       std::vector<std::string>{"../evil", "a/../../evil", "/etc/passwd", "a//b", "./a", "a/", "",
                                std::string("a\0b", 3), std::string(2000, 'k'), "a\\..\\b"}) {
    Status st = store_->Put(key, "x");
    EXPECT_TRUE(st.IsInvalidArgument()) << key;
    EXPECT_NE(st.message().find("unsafe object key"), std::string::npos) << st.message();
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "evil"));
}

TEST_F(LocalStoreTest, PutFileMovesAFileInAtomically) {
  std::string local = (dir_ / "upload.bin").string();
  std::ofstream(local) << "payload";
  ASSERT_TRUE(store_->PutFile("p/q.bin", local).ok());
  EXPECT_EQ(*store_->Get("p/q.bin"), "payload");
  auto path = store_->LocalPath("p/q.bin");
  ASSERT_TRUE(path.has_value());
  EXPECT_TRUE(std::filesystem::exists(*path));
}

}  // namespace
}  // namespace fleetlake
