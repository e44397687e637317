// Helpers shared by the warehouse tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "warehouse/database.h"

namespace fleetlake::testing {

// A fresh folder under /tmp, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fl_wh_test_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// An in-memory database and one connection, for tests that need nothing else.
struct MemoryDb {
  MemoryDb() {
    auto opened = Database::Open(":memory:");
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    db = std::make_unique<Database>(std::move(opened).value());
    auto c = db->Connect();
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    conn = std::make_unique<Connection>(std::move(c).value());
  }
  std::unique_ptr<Database> db;
  std::unique_ptr<Connection> conn;
};

// Runs `sql` and returns the result, failing the test on error.
inline QueryResult MustQuery(Connection& conn, const std::string& sql) {
  auto r = conn.Query(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  return r.ok() ? std::move(r).value() : QueryResult{};
}

// All rows of a result as one string per row, "a|b|NULL", for compact comparisons.
inline std::vector<std::string> RowStrings(const QueryResult& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) line += "|";
      line += row[c] ? *row[c] : "NULL";
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace fleetlake::testing
