#include "pipeline/run_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

namespace fleetlake {
namespace {

TEST(RunLock, ASecondHolderIsRefusedWithAClearMessage) {
  std::string path =
      std::filesystem::temp_directory_path() / ("fl-lock-" + std::to_string(::getpid()));
  {
    auto first = RunLock::Acquire(path);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    auto second = RunLock::Acquire(path);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), Status::Code::kBusy);
    EXPECT_NE(second.status().message().find(std::to_string(::getpid())), std::string::npos)
        << second.status().message();
  }
  // Released with its holder: no stale lock.
  auto again = RunLock::Acquire(path);
  EXPECT_TRUE(again.ok()) << again.status().ToString();
  std::filesystem::remove(path);
}

TEST(RunLock, ALockHeldByAKilledProcessIsFree) {
  std::string path =
      std::filesystem::temp_directory_path() / ("fl-lock-killed-" + std::to_string(::getpid()));
  pid_t child = ::fork();
  if (child == 0) {
    auto lock = RunLock::Acquire(path, 10);  // waits while the parent probes
    ::pause();                               // killed below while holding the lock
    ::_exit(0);
  }
  // Wait until the child holds it.
  for (int i = 0; i < 200 && RunLock::Acquire(path).ok(); ++i) ::usleep(10000);
  EXPECT_FALSE(RunLock::Acquire(path).ok());
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_TRUE(RunLock::Acquire(path).ok());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace fleetlake
