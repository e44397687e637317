// Retries with exponential backoff and jitter, for the tasks of a run.
#pragma once

#include <cstdint>
#include <functional>

#include "common/status.h"
#include "config/config.h"

namespace fleetlake {

// I/O errors and busy resources may pass; a bad config, bad data or a cancel will not.
bool IsRetryable(const Status& status);

// Calls `fn` until it succeeds, fails with a non-retryable error, `options.retries` extra attempts
// are spent, or `should_stop()` says so. The delay before retry k (0-based) is drawn uniformly from
// [backoff_ms * 2^k / 2, backoff_ms * 2^k]: the jitter keeps parallel workers from retrying in
// step. `on_retry(attempt, status, delay_ms)` is told before each wait. Sets *attempts.
Status RunWithRetries(const RunOptions& options, const std::function<Status()>& fn, int* attempts,
                      const std::function<void(int, const Status&, int64_t)>& on_retry = {},
                      const std::function<bool()>& should_stop = {});

}  // namespace fleetlake
