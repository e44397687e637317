// Helpers shared by the generator tests: scratch folders and reading generated objects back.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fleetlake::gen::gentest {

// A fresh folder under the system temp dir, removed on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("fleetlake_gen_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }
  std::filesystem::path data() const { return path_ / "data"; }

 private:
  std::filesystem::path path_;
};

inline std::string ReadRaw(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Decompresses with zlib: a check that the generator's hand-made gzip is real gzip.
inline std::string Gunzip(const std::string& bytes) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  char buf[1 << 15];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
  } while (rc == Z_OK);
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&zs);
  return out;
}

// file name -> raw bytes, for every object written.
inline std::map<std::string, std::string> ReadObjectsRaw(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    out[entry.path().filename().string()] = ReadRaw(entry.path());
  }
  return out;
}

struct Line {
  std::string object;  // file name
  std::string text;
};

// Every line of every object (decompressed), in file-name then line order.
inline std::vector<Line> ReadLines(const std::filesystem::path& dir) {
  std::vector<Line> lines;
  for (auto& [name, raw] : ReadObjectsRaw(dir)) {
    const bool gz = name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0;
    const std::string text = gz ? Gunzip(raw) : raw;
    EXPECT_FALSE(text.empty()) << name;
    EXPECT_EQ(text.back(), '\n') << name << ": no newline after the last line";
    size_t pos = 0;
    while (pos < text.size()) {
      const size_t end = text.find('\n', pos);
      lines.push_back({name, text.substr(pos, end - pos)});
      pos = end + 1;
    }
  }
  return lines;
}

}  // namespace fleetlake::gen::gentest
