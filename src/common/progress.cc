#include "common/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "common/log.h"
#include "common/time_util.h"

namespace fleetlake {
namespace {

// Redraw at most this often: drawing is cheap but terminals are not.
constexpr int64_t kBarEveryUs = 100'000;

int TerminalWidth() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
  return 100;
}

}  // namespace

std::string FormatBytes(int64_t bytes) {
  double b = static_cast<double>(bytes);
  if (b < 1000) return fmt::format("{} B", bytes);
  if (b < 1e6) return fmt::format("{:.1f} kB", b / 1e3);
  if (b < 1e9) return fmt::format("{:.1f} MB", b / 1e6);
  return fmt::format("{:.2f} GB", b / 1e9);
}

std::string FormatCount(double n) {
  if (n < 1000) return fmt::format("{:.0f}", n);
  if (n < 1e6) return fmt::format("{:.1f}k", n / 1e3);
  if (n < 1e9) return fmt::format("{:.2f}M", n / 1e6);
  return fmt::format("{:.2f}G", n / 1e9);
}

std::string FormatDuration(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds >= 3600) {
    return fmt::format("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }
  return fmt::format("{}:{:02}", seconds / 60, seconds % 60);
}

Progress::Progress(std::string label, std::string unit, int64_t log_every_us)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      log_every_us_(log_every_us),
      start_us_(NowMicros()) {}

Progress::~Progress() {
  std::lock_guard<std::mutex> lock(show_mu_);
  if (bar_) SetStatusLine("");
}

void Progress::SetTotal(int64_t units, int64_t bytes) {
  total_units_ = units;
  total_bytes_ = bytes;
  MaybeShow();
}

void Progress::Advance(int64_t units, int64_t bytes, int64_t records) {
  units_ += units;
  bytes_ += bytes;
  records_ += records;
  MaybeShow();
}

std::string Progress::Render(int64_t now_us, int width) const {
  const int64_t units = units_.load(), bytes = bytes_.load(), records = records_.load();
  const int64_t total_units = total_units_.load(), total_bytes = total_bytes_.load();
  const double secs = std::max<int64_t>(now_us - start_us_, 1) / 1e6;

  // Fraction done: by bytes when their total is known (objects differ in size), else by units.
  double fraction = -1;
  if (total_bytes > 0) {
    fraction = static_cast<double>(bytes) / static_cast<double>(total_bytes);
  } else if (total_units > 0) {
    fraction = static_cast<double>(units) / static_cast<double>(total_units);
  }
  fraction = std::min(fraction, 1.0);

  std::string counts = total_units > 0 ? fmt::format("{}/{} {}", units, total_units, unit_)
                                       : fmt::format("{} {}", units, unit_);
  std::string stats;
  if (records > 0) {
    stats = fmt::format("  {} records  {} rec/s", FormatCount(static_cast<double>(records)),
                        FormatCount(static_cast<double>(records) / secs));
  } else {
    stats = fmt::format("  {}  {}/s", FormatBytes(bytes),
                        FormatBytes(static_cast<int64_t>(static_cast<double>(bytes) / secs)));
  }
  std::string eta;
  if (fraction > 0.01 && fraction < 1.0) {
    eta = "  ETA " + FormatDuration(static_cast<int64_t>(secs * (1.0 - fraction) / fraction));
  }
  std::string tail = "  " + counts + stats + eta;

  std::string bar;
  if (fraction >= 0) {
    // The bar takes the room the text leaves, between 10 and 30 cells.
    int cells = std::clamp(width - 1 - static_cast<int>(label_.size() + tail.size()) - 3, 10, 30);
    int full = static_cast<int>(fraction * cells + 0.5);
    bar = " [" + std::string(full, '#') + std::string(cells - full, '-') + "]";
  }
  std::string line = label_ + bar + tail;
  // A line longer than the terminal would wrap, and the next redraw would only erase its end.
  if (width > 1 && static_cast<int>(line.size()) > width - 1) line.resize(width - 1);
  return line;
}

void Progress::MaybeShow() {
  const int64_t now = NowMicros();
  int64_t last = last_shown_us_.load();
  const bool live = ProgressBarEnabled();
  // A bar appears at the first step; plain lines only once the task has run for a while.
  const int64_t every = live ? kBarEveryUs : log_every_us_;
  if (now - (live ? last : std::max(last, start_us_)) < every) return;
  if (!last_shown_us_.compare_exchange_strong(last, now)) return;  // another thread shows it
  std::lock_guard<std::mutex> lock(show_mu_);
  if (finished_) return;
  if (live) {
    bar_ = true;
    SetStatusLine(Render(now, TerminalWidth()));
  } else {
    LogInfo("{}", Render(now, 0));
  }
}

std::string Progress::Finish() {
  std::lock_guard<std::mutex> lock(show_mu_);
  if (bar_) SetStatusLine("");
  bar_ = false;
  finished_ = true;
  const double secs = std::max<int64_t>(NowMicros() - start_us_, 1) / 1e6;
  std::string line = fmt::format("{}: {} {}", label_, units_.load(), unit_);
  if (records_.load() > 0) {
    line += fmt::format(", {} records ({} rec/s)", FormatCount(static_cast<double>(records_)),
                        FormatCount(static_cast<double>(records_) / secs));
  }
  line += fmt::format(", {} in {:.2f} s ({}/s)", FormatBytes(bytes_.load()), secs,
                      FormatBytes(static_cast<int64_t>(static_cast<double>(bytes_) / secs)));
  LogInfo("{}", line);
  return line;
}

}  // namespace fleetlake
