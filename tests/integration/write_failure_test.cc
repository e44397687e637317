// A write that fails for real (the file-size limit RLIMIT_FSIZE makes the Parquet write fail with
// EFBIG, as a full disk would with ENOSPC) fails the task cleanly, leaves no partial file in the
// lake, and the re-run succeeds with the same tables as a run that never failed.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <csignal>
#include <fstream>

#include "cli_harness.h"
#include "gen/generator.h"
#include "warehouse/database.h"
#include "warehouse/format.h"

namespace fleetlake {
namespace {

using fleetlake_test::CliResult;
using fleetlake_test::RunCli;
using fleetlake_test::Scratch;

// Runs the CLI with writes limited to `max_file_bytes` per file.
CliResult RunWithFileSizeLimit(const std::vector<std::string>& args, rlim_t max_file_bytes,
                               const std::string& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    rlimit limit{max_file_bytes, max_file_bytes};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::signal(SIGXFSZ, SIG_IGN);  // the write then fails with EFBIG instead of killing us
    FILE* f = std::fopen(log.c_str(), "w");
    ::dup2(fileno(f), 1);
    ::dup2(fileno(f), 2);
    std::vector<char*> argv{const_cast<char*>(FLEETLAKE_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(FLEETLAKE_BINARY, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(log);
  r.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

void Generate(const Scratch& s) {
  gen::GenerateOptions o;
  o.out_dir = s.source();
  o.vehicles = 150;
  o.update_interval_s = 1;
  o.active_hours = 0.05;
  o.seed = 3;
  ASSERT_TRUE(gen::Generate(o).ok());
}

std::string Dump(const Scratch& s) {
  auto db = Database::Open(s.warehouse());
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  auto conn = db->Connect();
  std::string out;
  for (const char* t : {"vehicle", "operating_period", "operating_period_distance"}) {
    auto r = conn->Query(std::string("SELECT * FROM ") + t + " ORDER BY ALL");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) out += FormatCsv(*r);
  }
  return out;
}

TEST(WriteFailure, AFailedParquetWriteFailsTheTaskCleanlyAndTheReRunSucceeds) {
  Scratch failing("wfail"), clean("wfail-clean");
  Generate(failing);
  Generate(clean);
  ASSERT_EQ(RunCli(clean.Args("run")).exit_code, 0);

  // Raw objects are < 64 KB, the day's vehicle Parquet file is far larger than 256 KB.
  CliResult r = RunWithFileSizeLimit(failing.Args("run"), 256 << 10, (failing.root / "failed.log").string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("File too large"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("run FAILED"), std::string::npos) << r.output;
  // Nothing half-written: every Parquet file in the lake is whole (or there is none).
  for (const auto& f : std::filesystem::recursive_directory_iterator(failing.lake())) {
    std::string name = f.path().filename().string();
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << f.path();
  }

  auto rerun = RunCli(failing.Args("run"));
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_EQ(Dump(failing), Dump(clean));
}

}  // namespace
}  // namespace fleetlake
