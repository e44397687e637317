#include "pipeline/retry.h"

#include <gtest/gtest.h>

#include <vector>

namespace fleetlake {
namespace {

RunOptions Fast(int retries) {
  RunOptions o;
  o.retries = retries;
  o.backoff_ms = 4;
  return o;
}

TEST(Retry, RetriesTransientErrorsUntilSuccess) {
  int calls = 0, attempts = 0;
  std::vector<int64_t> delays;
  Status st = RunWithRetries(
      Fast(3), [&] { return ++calls < 3 ? Status::IOError("connection reset") : Status::OK(); },
      &attempts, [&](int, const Status&, int64_t d) { delays.push_back(d); });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(attempts, 3);
  ASSERT_EQ(delays.size(), 2u);
  // Exponential with jitter: retry k waits within [4*2^k/2, 4*2^k].
  EXPECT_GE(delays[0], 2);
  EXPECT_LE(delays[0], 4);
  EXPECT_GE(delays[1], 4);
  EXPECT_LE(delays[1], 8);
}

TEST(Retry, GivesUpAfterTheConfiguredAttempts) {
  int attempts = 0;
  Status st = RunWithRetries(
      Fast(2), [] { return Status::Busy("locked"); }, &attempts);
  EXPECT_EQ(st.code(), Status::Code::kBusy);
  EXPECT_EQ(attempts, 3);
}

TEST(Retry, DoesNotRetryWhatCannotGetBetter) {
  int attempts = 0;
  Status st = RunWithRetries(
      Fast(5), [] { return Status::InvalidArgument("bad config"); }, &attempts);
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_EQ(attempts, 1);
  st = RunWithRetries(
      Fast(5), [] { return Status::Corruption("bad bytes"); }, &attempts);
  EXPECT_EQ(attempts, 1);
}

TEST(Retry, StopsWhenAsked) {
  int attempts = 0, calls = 0;
  Status st = RunWithRetries(
      Fast(5),
      [&] {
        ++calls;
        return Status::IOError("x");
      },
      &attempts, {}, [&] { return calls >= 2; });
  EXPECT_EQ(st.code(), Status::Code::kCancelled);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace fleetlake
