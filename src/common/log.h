// Leveled logging to stderr, for people and for machines. The CLI configures it once
// (--quiet / --verbose / --log-format, NO_COLOR); library code only calls LogInfo/LogWarn/....
//
//   text: "fleetlake info: 2019-06-01: fetch"      (level coloured when stderr is a terminal)
//   json: {"time":"2019-06-01T18:17:05.094000Z","level":"info","msg":"2019-06-01: fetch"}
//
// A progress bar (common/progress.h) lives on the last line of a terminal: log lines erase it,
// print, and draw it again, so the two never interleave.
#pragma once

#include <fmt/core.h>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace fleetlake {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };
enum class LogFormat { kText, kJson };

struct LogOptions {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kText;
  // Where log lines go, and whether it is a terminal (nullopt: ask isatty). Tests point it at a
  // file or a pseudo-terminal.
  FILE* out = stderr;
  std::optional<bool> tty;
  // Colour on a terminal unless NO_COLOR is set (https://no-color.org); nullopt: decide that way.
  std::optional<bool> color;
};

void ConfigureLogging(const LogOptions& options);
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
LogFormat GetLogFormat();
// True when log output is a terminal and colour is wanted.
bool LogColor();
// True when a live progress bar may be drawn: a terminal, text format, level info or more.
bool ProgressBarEnabled();

// Whether `fd` should get ANSI colour: a terminal, and NO_COLOR unset or empty.
bool ColorWanted(int fd);

void LogLine(LogLevel level, std::string_view message);

// The live status line (the progress bar) at the bottom of the terminal; "" removes it. Only drawn
// when ProgressBarEnabled().
void SetStatusLine(std::string_view line);


template <typename... Args>
void LogError(fmt::format_string<Args...> f, Args&&... args) {
  LogLine(LogLevel::kError, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void LogInfo(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() >= LogLevel::kInfo)
    LogLine(LogLevel::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void LogWarn(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() >= LogLevel::kWarn)
    LogLine(LogLevel::kWarn, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void LogDebug(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() >= LogLevel::kDebug)
    LogLine(LogLevel::kDebug, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace fleetlake
