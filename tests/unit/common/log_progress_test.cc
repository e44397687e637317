// Logging formats, colour rules and the progress bar, including on a real pseudo-terminal.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "common/log.h"
#include "common/progress.h"

namespace fleetlake {
namespace {

// Captures log output in a temp file; restores stderr logging at the end.
class LogCapture {
 public:
  explicit LogCapture(LogOptions o) {
    file_ = std::tmpfile();
    o.out = file_;
    ConfigureLogging(o);
  }
  ~LogCapture() {
    ConfigureLogging(LogOptions{});
    std::fclose(file_);
  }
  std::string Text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string s;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) s.append(buf, n);
    return s;
  }

 private:
  FILE* file_;
};

TEST(Log, TextLinesHaveLevelAndNoColourWhenNotATerminal) {
  LogCapture cap(LogOptions{.tty = false});
  LogInfo("hello {}", 42);
  LogWarn("careful");
  LogDebug("hidden at info level");
  EXPECT_EQ(cap.Text(), "fleetlake info: hello 42\nfleetlake warn: careful\n");
}

TEST(Log, JsonFormatIsOneObjectPerLineWithEscapes) {
  LogCapture cap(LogOptions{.format = LogFormat::kJson, .tty = true});
  LogInfo("a \"quoted\"\nline");
  LogLine(LogLevel::kError, "bad\tthing");
  std::string text = cap.Text();
  size_t nl = text.find('\n');
  ASSERT_NE(nl, std::string::npos);
  std::string first = text.substr(0, nl);
  EXPECT_EQ(first.front(), '{');
  EXPECT_EQ(first.back(), '}');
  EXPECT_NE(first.find("\"level\":\"info\""), std::string::npos) << first;
  EXPECT_NE(first.find("\"msg\":\"a \\\"quoted\\\"\\nline\""), std::string::npos) << first;
  EXPECT_NE(first.find("\"time\":\"20"), std::string::npos) << first;
  EXPECT_NE(text.find("\"level\":\"error\",\"msg\":\"bad\\tthing\""), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  // No progress bar in JSON mode, even on a terminal.
  EXPECT_FALSE(ProgressBarEnabled());
}

TEST(Log, QuietHidesInfoAndWarnings) {
  LogCapture cap(LogOptions{.level = LogLevel::kError, .tty = false});
  LogInfo("no");
  LogWarn("no");
  LogLine(LogLevel::kError, "yes");
  EXPECT_EQ(cap.Text(), "fleetlake error: yes\n");
}

TEST(Log, ColourOnATerminalUnlessNoColor) {
  unsetenv("NO_COLOR");
  {
    LogCapture cap(LogOptions{.tty = true});
    EXPECT_TRUE(LogColor());
    LogWarn("w");
    EXPECT_NE(cap.Text().find("\033["), std::string::npos);
  }
  setenv("NO_COLOR", "1", 1);
  {
    LogCapture cap(LogOptions{.tty = true});
    EXPECT_FALSE(LogColor());
    LogWarn("w");
    EXPECT_EQ(cap.Text(), "fleetlake warn: w\n");
  }
  unsetenv("NO_COLOR");
}

TEST(Progress, RenderShowsCountsBytesRateAndEta) {
  Progress p("fetch 2019-06-01", "objects");
  p.SetTotal(10, 4'000'000);
  p.Advance(4, 1'000'000);
  // A clock before the start is clamped to 1 us elapsed: the rate is huge but the shape is right.
  std::string line = p.Render(0, 120);
  EXPECT_NE(line.find("fetch 2019-06-01 ["), std::string::npos) << line;
  EXPECT_NE(line.find("4/10 objects"), std::string::npos) << line;
  EXPECT_NE(line.find("1.0 MB"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA"), std::string::npos) << line;
  EXPECT_LE(line.size(), 119u);
}

TEST(Progress, ProcessShowsRecordsAndAUnitBar) {
  Progress p("process d", "objects");
  p.SetTotal(4, 0);
  p.Advance(1, 10, 100);
  // By units when no byte total is known: 1 of 4 done is a 25% bar; records give a rec/s rate.
  std::string line = p.Render(0, 0);
  EXPECT_NE(line.find("1/4 objects"), std::string::npos) << line;
  EXPECT_NE(line.find("100 records"), std::string::npos) << line;
  EXPECT_NE(line.find("rec/s"), std::string::npos) << line;
  EXPECT_NE(line.find("[###-------]"), std::string::npos) << line;  // 10 cells, 25% -> 3
}

TEST(Progress, NarrowTerminalTruncatesTheLine) {
  Progress p("a-rather-long-label-for-a-task", "objects");
  p.SetTotal(1000, 1'000'000'000);
  p.Advance(500, 500'000'000);
  EXPECT_LE(p.Render(0, 40).size(), 39u);
}

TEST(Progress, FormatHelpers) {
  EXPECT_EQ(FormatBytes(999), "999 B");
  EXPECT_EQ(FormatBytes(45'200'000), "45.2 MB");
  EXPECT_EQ(FormatCount(1'200'000), "1.20M");
  EXPECT_EQ(FormatDuration(4), "0:04");
  EXPECT_EQ(FormatDuration(3723), "1:02:03");
}

TEST(Progress, NotATerminalGivesPlainLinesNotABar) {
  LogCapture cap(LogOptions{.tty = false});
  {
    Progress p("fetch x", "objects", /*log_every_us=*/0);
    p.SetTotal(2, 20);
    p.Advance(1, 10);
    p.Advance(1, 10);
    p.Finish();
  }
  std::string text = cap.Text();
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_EQ(text.find("\033["), std::string::npos) << text;
  EXPECT_NE(text.find("fleetlake info: fetch x: 2 objects, 20 B in"), std::string::npos) << text;
}

// On a real pseudo-terminal the bar is drawn with carriage returns and erased before log lines.
TEST(Progress, OnAPseudoTerminalTheBarIsDrawnAndErased) {
  int master = -1, slave = -1;
  ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  FILE* out = ::fdopen(slave, "w");
  ASSERT_NE(out, nullptr);
  unsetenv("NO_COLOR");
  ConfigureLogging(LogOptions{.out = out});  // tty detected by isatty on the pty
  EXPECT_TRUE(ProgressBarEnabled());
  {
    Progress p("fetch pty", "objects");
    p.SetTotal(3, 300);
    ::usleep(120'000);  // past the redraw interval
    p.Advance(1, 100);
    LogInfo("a line between");
    ::usleep(120'000);
    p.Advance(1, 100);
    p.Finish();
  }
  ConfigureLogging(LogOptions{});
  std::fclose(out);
  ::fcntl(master, F_SETFL, O_NONBLOCK);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(master, buf, sizeof buf)) > 0) text.append(buf, n);
  ::close(master);
  EXPECT_NE(text.find("fetch pty ["), std::string::npos) << text;
  EXPECT_NE(text.find("1/3 objects"), std::string::npos) << text;
  EXPECT_NE(text.find("\r\033[K"), std::string::npos) << text;  // erased before the log line
  EXPECT_NE(text.find("a line between"), std::string::npos) << text;
  EXPECT_NE(text.find("fetch pty: 2 objects"), std::string::npos) << text;
}

}  // namespace
}  // namespace fleetlake
