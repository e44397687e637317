// An exclusive lock on a lake/warehouse pair, so two runs never write one lake. It is an flock on a
// file: the kernel releases it when the holder dies, so a crash never leaves a stale lock.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

namespace fleetlake {

class RunLock {
 public:
  // Waits up to `wait_seconds` for another holder to finish, then fails with Status::Busy naming
  // the holder's pid. 0 fails at once.
  static Result<std::unique_ptr<RunLock>> Acquire(const std::string& lock_path,
                                                  int wait_seconds = 0);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  RunLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace fleetlake
