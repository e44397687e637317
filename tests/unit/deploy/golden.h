// Golden-file comparison for the deploy tests: the expected output lives in tests/golden/deploy/.
// FLEETLAKE_UPDATE_GOLDEN=1 rewrites the files instead (then review the diff before committing).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config.h"

namespace fleetlake::testing {

inline std::string GoldenPath(const std::string& name) {
  return std::string(FLEETLAKE_SOURCE_DIR) + "/tests/golden/deploy/" + name;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = GoldenPath(name);
  if (std::getenv("FLEETLAKE_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(ReadFile(path), actual)
      << "differs from " << path << " (FLEETLAKE_UPDATE_GOLDEN=1 rewrites it)";
}

// The fixture config, parsed under a fixed name so outputs do not depend on the checkout path.
inline Config FixtureConfig(const std::vector<std::string>& sets = {}) {
  auto c = ParseConfig(ReadFile(GoldenPath("fleet.yaml")), "tests/golden/deploy/fleet.yaml", sets);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : Config{};
}

}  // namespace fleetlake::testing
