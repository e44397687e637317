#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace fleetlake {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_mu;
}  // namespace

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }

void LogLine(LogLevel level, const std::string& message) {
  static const char* kNames[] = {"error", "warn", "info", "debug"};
  std::lock_guard<std::mutex> lock(g_mu);
  std::fprintf(stderr, "fleetlake %s: %s\n", kNames[static_cast<int>(level)], message.c_str());
}

}  // namespace fleetlake
