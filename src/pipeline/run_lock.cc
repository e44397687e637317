#include "pipeline/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fleetlake {

Result<std::unique_ptr<RunLock>> RunLock::Acquire(const std::string& lock_path, int wait_seconds) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(lock_path).parent_path(), ec);
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::IOError(
        fmt::format("cannot open lock file {}: {}", lock_path, std::strerror(errno)));
  }
  int waited_ms = 0;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0 && waited_ms < wait_seconds * 1000) {
    ::usleep(100 * 1000);
    waited_ms += 100;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {0};
    ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    ::close(fd);
    std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "another process";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return Status::Busy(fmt::format(
        "another fleetlake run (pid {}) is using this lake and warehouse (lock {}); wait for it to "
        "finish — the lock is released automatically when that process ends",
        holder, lock_path));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid is only informative; the flock is what protects the lake.
  }
  return std::unique_ptr<RunLock>(new RunLock(fd, lock_path));
}

RunLock::~RunLock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace fleetlake
