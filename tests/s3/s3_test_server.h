// Test helpers: child processes (s3rver, the fault proxy, the SigV4 checker) that listen on a free
// 127.0.0.1 port, print "PORT <n>", and stop when their stdin closes, so a crashed test never
// leaves a server behind.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#ifndef FLEETLAKE_SOURCE_DIR
#error "FLEETLAKE_SOURCE_DIR must be defined"
#endif

namespace fleetlake::testing {

inline std::string S3TestDir() { return std::string(FLEETLAKE_SOURCE_DIR) + "/tests/s3"; }

// A child process with a pipe on its stdin (closing it stops the child) and one on its stdout.
class ServerProcess {
 public:
  // Starts argv and waits (up to 30 s) for "PORT <n>". port() is 0 when that failed; error() says
  // why.
  explicit ServerProcess(const std::vector<std::string>& argv) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
      error_ = "pipe failed";
      return;
    }
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      std::perror("execvp");
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    stdin_fd_ = in[1];
    out_ = ::fdopen(out[0], "r");
    char line[256];
    // fgets blocks until the child prints or exits (its stdout closes).
    if (out_ && std::fgets(line, sizeof line, out_) && std::sscanf(line, "PORT %d", &port_) == 1) {
      return;
    }
    port_ = 0;
    error_ = "'" + argv.back() +
             "' did not start (is scripts/setup.sh run? it installs tests/s3/node_modules)";
  }
  ~ServerProcess() { Stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  const std::string& error() const { return error_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void Stop() {
    if (stdin_fd_ >= 0) ::close(stdin_fd_);
    stdin_fd_ = -1;
    if (pid_ > 0) {
      // Give it 5 s to exit on its own, then kill it.
      for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
      }
    }
    if (out_) std::fclose(out_);
    out_ = nullptr;
  }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  FILE* out_ = nullptr;
  int port_ = 0;
  std::string error_;
};

// s3rver with its data in a fresh temp folder (removed at the end) and these buckets.
class S3rver {
 public:
  explicit S3rver(const std::vector<std::string>& buckets) {
    char tmpl[] = "/tmp/fleetlake-s3rver-XXXXXX";
    dir_ = ::mkdtemp(tmpl) ? tmpl : "";
    // s3rver encrypts continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
    std::vector<std::string> argv = {"node", "--openssl-legacy-provider",
                                     S3TestDir() + "/start_s3rver.js", dir_};
    argv.insert(argv.end(), buckets.begin(), buckets.end());
    process_ = std::make_unique<ServerProcess>(argv);
  }
  ~S3rver() {
    process_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  int port() const { return process_->port(); }
  const std::string& error() const { return process_->error(); }
  std::string endpoint() const { return process_->endpoint(); }

 private:
  std::string dir_;
  std::unique_ptr<ServerProcess> process_;
};

// s3rver accepts this key pair (it does not check SigV4 signatures).
inline constexpr const char* kS3rverKey = "S3RVER";

}  // namespace fleetlake::testing
