#include "pipeline/retry.h"

#include <chrono>
#include <random>
#include <thread>

namespace fleetlake {

bool IsRetryable(const Status& status) {
  return status.code() == Status::Code::kIOError || status.code() == Status::Code::kBusy ||
         status.code() == Status::Code::kInternal;
}

Status RunWithRetries(const RunOptions& options, const std::function<Status()>& fn, int* attempts,
                      const std::function<void(int, const Status&, int64_t)>& on_retry,
                      const std::function<bool()>& should_stop) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  Status st;
  *attempts = 0;
  for (int attempt = 0; attempt <= options.retries; ++attempt) {
    if (should_stop && should_stop()) {
      return Status::Cancelled("stopped by a signal before the task started");
    }
    *attempts = attempt + 1;
    st = fn();
    if (st.ok() || !IsRetryable(st) || attempt == options.retries) break;
    int64_t delay = int64_t{options.backoff_ms} << std::min(attempt, 20);
    delay = std::uniform_int_distribution<int64_t>(delay / 2, delay)(rng);
    if (on_retry) on_retry(attempt + 1, st, delay);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
  return st;
}

}  // namespace fleetlake
