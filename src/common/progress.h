// Progress of long tasks (fetch, process). Library code sees only ProgressSink, an optional hook
// (nullptr = nobody is watching); the runner and the CLI pass a Progress, which draws a live bar
// on a terminal and writes a plain log line now and then (and at the end) everywhere else:
//
//   fetch 2019-06-01 [########------------]  12/30 objects  45.2 MB  12.1 MB/s  ETA 0:04
//   process 2019-06-01 [#####---------------]  3/12 objects  1.20M records  150k rec/s  ETA 0:09
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace fleetlake {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // Totals when known (0 = unknown). May be called again when they change.
  virtual void SetTotal(int64_t units, int64_t bytes) = 0;
  // Work finished since the last call; thread-safe.
  virtual void Advance(int64_t units, int64_t bytes, int64_t records = 0) = 0;
};

class Progress : public ProgressSink {
 public:
  // `label` starts every line ("fetch 2019-06-01"); `unit` names what units count ("objects").
  // `log_every_us`: the interval of plain log lines when no bar can be drawn.
  Progress(std::string label, std::string unit, int64_t log_every_us = 10'000'000);
  // Removes the bar (Finish() is not implied: a failed task leaves no "done" line).
  ~Progress() override;
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void SetTotal(int64_t units, int64_t bytes) override;
  void Advance(int64_t units, int64_t bytes, int64_t records = 0) override;

  // Removes the bar and logs one summary line ("fetch 2019-06-01: 30 objects, 120 MB in 2.1 s
  // (57 MB/s)"), which is also returned.
  std::string Finish();

  // The line for the state at `now_us` (tests call it with a fixed clock); `width` bounds it.
  std::string Render(int64_t now_us, int width) const;

  int64_t units() const { return units_.load(); }
  int64_t bytes() const { return bytes_.load(); }
  int64_t records() const { return records_.load(); }

 private:
  void MaybeShow();

  std::string label_, unit_;
  int64_t log_every_us_;
  int64_t start_us_;
  std::atomic<int64_t> total_units_{0}, total_bytes_{0};
  std::atomic<int64_t> units_{0}, bytes_{0}, records_{0};
  std::atomic<int64_t> last_shown_us_{0};
  std::mutex show_mu_;
  bool bar_ = false;  // a live bar is being drawn
  bool finished_ = false;
};

// "1.5 kB", "45.2 MB", "3.1 GB" (powers of 1000, like the rate).
std::string FormatBytes(int64_t bytes);
// "950", "12.3k", "1.20M".
std::string FormatCount(double n);
// "0:04", "12:30", "1:02:03".
std::string FormatDuration(int64_t seconds);

}  // namespace fleetlake
