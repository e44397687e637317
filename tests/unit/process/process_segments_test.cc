// ProcessBatch on a local lake with many objects: objects are decoded in segments on several
// threads and Parquet parts are written by a background thread, and none of it may change the
// output (same files, same rows, same report) or lose track of which object a reject came from.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>

#include "process/process_task.h"
#include "storage/local_store.h"
#include "test_util.h"

namespace fleetlake {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "fl-segments-XXXXXX").string();
    EXPECT_NE(mkdtemp(pattern.data()), nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// `objects` objects of 6 records: 4 vehicle rows, a line that is not JSON and an unroutable one.
std::vector<std::string> Fill(Store& lake, int objects) {
  std::vector<std::string> keys;
  for (int o = 0; o < objects; ++o) {
    std::string text;
    for (int i = 0; i < 4; ++i) {
      text += R"({"event":"update","on":"vehicle","at":"2019-06-0)" + std::to_string(1 + i % 2) +
              R"(T10:00:00Z","data":{"id":"v)" + std::to_string(o) + "-" + std::to_string(i) +
              R"("},"organization_id":"org"})"
              "\n";
    }
    text += "{\"event\":\"upd\n";  // truncated inside a string: the next line must still count
    text += R"({"on":"truck","at":"2019-06-01T00:00:00Z"})"
            "\n";
    std::string key = "raw/data/2019-06-01-1-" + std::to_string(o) + "-0-events.json";
    EXPECT_TRUE(lake.Put(key, text).ok());
    keys.push_back(key);
  }
  return keys;
}

std::map<std::string, std::string> Outputs(const std::string& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string rel = fs::relative(e.path(), root).string();
    if (e.is_regular_file() && rel.rfind("raw/", 0) != 0) {
      out[rel] = testing::ReadLocalFile(e.path().string());
    }
  }
  return out;
}

TEST(ProcessSegments, ManyObjectsSameOutputWhateverTheThreads) {
  constexpr int kObjects = 300;  // several segments, more than the decode window
  TempDir d1, d3;
  auto lake1 = LocalStore::Open(d1.path());
  auto lake3 = LocalStore::Open(d3.path());
  ASSERT_TRUE(lake1.ok() && lake3.ok());
  std::vector<std::string> keys = Fill(**lake1, kObjects);
  Fill(**lake3, kObjects);
  testing::DumpWriter writer;
  // max_rows 50: dozens of parts go through the background writer.
  auto r1 = ProcessBatch(testing::TestConfig(1, 50), **lake1, "b", keys, writer);
  auto r3 = ProcessBatch(testing::TestConfig(3, 50), **lake3, "b", keys, writer);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  ASSERT_TRUE(r3.ok()) << r3.status().ToString();
  EXPECT_EQ(r1->ToJson(), r3->ToJson());
  EXPECT_EQ(r1->objects_read, kObjects);
  EXPECT_EQ(r1->records_read, kObjects * 6);
  EXPECT_EQ(r1->entities["vehicle"].rows_kept, kObjects * 4);
  EXPECT_EQ(r1->unroutable_rows, kObjects * 2);
  // 600 rows a day, at most 50 per part.
  EXPECT_GE(r1->entities["vehicle"].partitions["2019-06-01"].size(), 12u);
  EXPECT_GE(r1->entities["vehicle"].partitions["2019-06-02"].size(), 12u);
  const auto out1 = Outputs(d1.path());
  EXPECT_EQ(out1, Outputs(d3.path()));

  // Every reject names the object it came from, although objects share a decoded segment.
  std::set<std::string> sources;
  for (const auto& [key, text] : out1) {
    if (key.rfind("rejects/", 0) != 0) continue;
    for (size_t at = text.find("\"source_key\":\""); at != std::string::npos;
         at = text.find("\"source_key\":\"", at + 1)) {
      const size_t begin = at + 14;
      sources.insert(text.substr(begin, text.find('"', begin) - begin));
    }
  }
  EXPECT_EQ(sources.size(), static_cast<size_t>(kObjects));
}

}  // namespace
}  // namespace fleetlake
