// Runs the real fleetlake binary on a scratch lake, for the end-to-end tests.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace fleetlake_test {

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command line, capturing its stdout (redirect stderr in `cmd` as needed).
inline CliResult RunShell(const std::string& cmd) {
  CliResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// The fleetlake binary with `args`, quoted for the shell.
inline std::string CommandLine(const std::vector<std::string>& args) {
  std::string cmd = ShellQuote(FLEETLAKE_BINARY);
  for (const auto& a : args) cmd += " " + ShellQuote(a);
  return cmd;
}

inline CliResult RunCli(const std::vector<std::string>& args) {
  return RunShell(CommandLine(args) + " 2>&1");
}

// A scratch folder with a source, a lake and a warehouse, and the --set flags pointing at them.
struct Scratch {
  std::filesystem::path root;
  explicit Scratch(const std::string& name) {
    root = std::filesystem::temp_directory_path() /
           ("fleetlake-it-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root / "source");
  }
  ~Scratch() {
    if (!std::getenv("FLEETLAKE_KEEP_TEST_DATA")) std::filesystem::remove_all(root);
  }
  std::string source() const { return (root / "source").string(); }
  std::string lake() const { return (root / "lake").string(); }
  std::string warehouse() const { return (root / "warehouse.duckdb").string(); }
  std::string config() const {
    return std::string(FLEETLAKE_SOURCE_DIR) + "/examples/door2door.yaml";
  }

  // `command` with --config and the --set flags, then `extra`.
  std::vector<std::string> Args(const std::string& command,
                                std::vector<std::string> extra = {}) const {
    std::vector<std::string> a = {command,
                                  "--config",
                                  config(),
                                  "--set",
                                  "source.uri=" + source(),
                                  "--set",
                                  "lake.uri=" + lake(),
                                  "--set",
                                  "warehouse.path=" + warehouse(),
                                  "--set",
                                  "run.backoff_ms=10"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

}  // namespace fleetlake_test
