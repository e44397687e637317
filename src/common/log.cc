#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "common/json_text.h"
#include "common/time_util.h"

namespace fleetlake {
namespace {

struct State {
  std::mutex mu;
  FILE* out = stderr;
  bool tty = false;
  bool color = false;
  LogFormat format = LogFormat::kText;
  std::string status;  // the status line currently drawn (empty: none)
};

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

State& GetState() {
  static State* s = [] {
    auto* st = new State;  // never destroyed: threads may log during exit
    st->tty = ::isatty(STDERR_FILENO) == 1;
    st->color = ColorWanted(STDERR_FILENO);
    return st;
  }();
  return *s;
}

// Erases the status line (carriage return + clear to end of line). Caller holds mu.
void EraseStatus(State& s) {
  if (!s.status.empty()) std::fputs("\r\033[K", s.out);
}

void DrawStatus(State& s) {
  if (!s.status.empty()) {
    std::fputs(s.status.c_str(), s.out);
  }
}

const char* LevelName(LogLevel level) {
  static const char* kNames[] = {"error", "warn", "info", "debug"};
  return kNames[static_cast<int>(level)];
}

const char* LevelColor(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "\033[1;31m";
    case LogLevel::kWarn:
      return "\033[33m";
    case LogLevel::kInfo:
      return "\033[36m";
    case LogLevel::kDebug:
      return "\033[2m";
  }
  return "";
}

}  // namespace

bool ColorWanted(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return ::isatty(fd) == 1;
}

void ConfigureLogging(const LogOptions& options) {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  EraseStatus(s);
  s.status.clear();
  g_level = static_cast<int>(options.level);
  s.out = options.out ? options.out : stderr;
  s.format = options.format;
  s.tty = options.tty ? *options.tty : ::isatty(::fileno(s.out)) == 1;
  if (options.color) {
    s.color = *options.color;
  } else {
    const char* no_color = std::getenv("NO_COLOR");
    s.color = s.tty && !(no_color && *no_color);
  }
}

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }

LogFormat GetLogFormat() {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.format;
}

bool LogColor() {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.color;
}

bool ProgressBarEnabled() {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.tty && s.format == LogFormat::kText && GetLogLevel() >= LogLevel::kInfo;
}

void LogLine(LogLevel level, std::string_view message) {
  State& s = GetState();
  std::string line;
  if (s.format == LogFormat::kJson) {
    line = fmt::format("{{\"time\":\"{}\",\"level\":\"{}\",\"msg\":\"{}\"}}\n",
                       FormatTimestamp(NowMicros()), LevelName(level), JsonEscape(message));
  } else if (s.color) {
    line = fmt::format("fleetlake {}{}\033[0m: {}\n", LevelColor(level), LevelName(level), message);
  } else {
    line = fmt::format("fleetlake {}: {}\n", LevelName(level), message);
  }
  std::lock_guard<std::mutex> lock(s.mu);
  EraseStatus(s);
  std::fputs(line.c_str(), s.out);
  DrawStatus(s);
  std::fflush(s.out);
}

void SetStatusLine(std::string_view line) {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.tty || s.format != LogFormat::kText) return;
  EraseStatus(s);
  s.status = std::string(line);
  DrawStatus(s);
  std::fflush(s.out);
}

}  // namespace fleetlake
