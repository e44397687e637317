// bench_driver: times fleetlake process against the DuckDB one-liners and the lower bounds on one
// bench lake, each case in a child process (wall time, CPU time and peak RSS from wait4), and
// checks that fleetlake and DuckDB keep the same rows per entity and partition. See PERFORMANCE.md.
//
//   bench_driver run --lake bench/data/lake --config examples/door2door.yaml --reps 3
//   bench_driver memory --lake bench/data/lake4g --config examples/door2door.yaml --limit-mb 1024
//   bench_driver replicate --from bench/data/lake --to bench/data/lake4g --copies 9 --group 10
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_cases.h"

namespace fleetlake::bench {
namespace {

namespace fs = std::filesystem;

struct Sample {
  double wall = 0;    // seconds
  double cpu = 0;     // user + system seconds
  double rss_mb = 0;  // peak resident set size
};

struct Case {
  std::string label;
  std::string name;  // the `case` subcommand argument
  int threads = 0;
  bool inner_timing = false;  // wall time is what the child reports, not the child's lifetime
  std::vector<Sample> samples;
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Runs `bench_driver case ...` in a child and measures it. Fails when the child fails.
Result<Sample> RunChild(const std::vector<std::string>& args, bool inner_timing,
                        const std::string& result_file) {
  std::vector<char*> argv;
  std::string self = fs::read_symlink("/proc/self/exe").string();
  argv.push_back(self.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) return Status::IOError("fork failed");
  if (pid == 0) {
    execv(self.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  if (wait4(pid, &status, 0, &ru) < 0) return Status::IOError("wait4 failed");
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Internal(fmt::format("case {} failed (status {})", args[1], status));
  }
  Sample s;
  s.wall = took.count();
  s.cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
          ru.ru_stime.tv_usec / 1e6;
  s.rss_mb = ru.ru_maxrss / 1024.0;
  if (inner_timing) {
    std::ifstream in(result_file);
    std::string line;
    std::getline(in, line);
    if (line.rfind("seconds=", 0) != 0) return Status::Internal("no inner timing from " + args[1]);
    s.wall = std::stod(line.substr(8));
  }
  return s;
}

std::vector<std::string> CaseArgs(const Case& c, const CaseOptions& o, const std::string& result) {
  return {"case",       c.name,
          "--lake",     o.lake,
          "--config",   o.config,
          "--threads",  std::to_string(c.threads),
          "--max-rows", std::to_string(o.max_rows),
          "--result",   result};
}

void CleanOutputs(const std::string& lake) {
  std::error_code ec;
  for (const char* dir :
       {"structured", "rejects", "duckdb", "duckdb_exact", "writeonly", "_fleetlake"}) {
    fs::remove_all(fs::path(lake) / dir, ec);
  }
}

int Run(const CaseOptions& o, int reps, bool single_thread) {
  const auto [bytes, files] = RawSize(o.lake);
  if (files == 0) {
    std::fprintf(stderr, "no raw objects under %s/raw\n", o.lake.c_str());
    return 2;
  }
  const double mb = bytes / 1e6;
  std::printf("input: %lld objects, %.1f MB, %u cores, %d repetitions (median)\n",
              static_cast<long long>(files), mb, std::thread::hardware_concurrency(), reps);

  // Order within a repetition: `write` reads what `process` wrote; the single-threaded process
  // runs last and rewrites the same files.
  std::vector<Case> cases = {
      {"fleetlake process", "process", o.threads, false, {}},
      {"duckdb one-liners (b)", "duckdb", 0, false, {}},
      {"duckdb exact one-liners (b')", "duckdb-exact", 0, false, {}},
      {"simdjson parse-only (c1)", "parse", o.threads, false, {}},
      {"duckdb write from memory (c2)", "write", 0, true, {}},
  };
  if (single_thread) cases.push_back({"fleetlake process, 1 thread", "process", 1, false, {}});
  const std::string result = fs::path(o.lake) / ".bench-result";
  for (int rep = 0; rep < reps; ++rep) {
    CleanOutputs(o.lake);
    for (Case& c : cases) {
      std::fprintf(stderr, "rep %d: %s\n", rep + 1, c.label.c_str());
      Result<Sample> s = RunChild(CaseArgs(c, o, result), c.inner_timing, result);
      if (!s.ok()) {
        std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
        return 1;
      }
      std::fprintf(stderr, "  %.2f s, %.0f MB\n", s->wall, s->rss_mb);
      c.samples.push_back(*s);
    }
  }

  auto median = [](const Case& c, double Sample::*field) {
    std::vector<double> v;
    for (const Sample& s : c.samples) v.push_back(s.*field);
    return Median(v);
  };
  const double fl = median(cases[0], &Sample::wall);
  const double duck = median(cases[1], &Sample::wall);
  const double exact = median(cases[2], &Sample::wall);
  const double parse = median(cases[3], &Sample::wall);
  const double write = median(cases[4], &Sample::wall);
  std::printf("\n%-32s %8s %8s %8s %10s %12s\n", "case", "wall s", "CPU s", "MB/s", "peak RSS",
              "vs fleetlake");
  for (const Case& c : cases) {
    const double wall = median(c, &Sample::wall);
    std::printf("%-32s %8.2f %8.2f %8.0f %7.0f MB %11.2fx\n", c.label.c_str(), wall,
                median(c, &Sample::cpu), mb / wall, median(c, &Sample::rss_mb), wall / fl);
  }
  std::printf("\nspeed-up over the DuckDB one-liners (b):   %.2fx (target >= 2.5x)\n", duck / fl);
  std::printf("speed-up over the exact one-liners (b'):   %.2fx\n", exact / fl);
  std::printf("fleetlake / parse-only lower bound:        %.2fx\n", fl / parse);
  std::printf("fleetlake / (parse-only + parquet write):  %.2fx\n", fl / (parse + write));
  if (single_thread) {
    std::printf("scaling, 1 thread -> %u: %.2fx\n", std::thread::hardware_concurrency(),
                median(cases[5], &Sample::wall) / fl);
  }

  Result<RowCounts> counts = CountRows(o.lake);
  if (!counts.ok()) {
    std::fprintf(stderr, "counting rows: %s\n", counts.status().ToString().c_str());
    return 1;
  }
  std::map<std::string, std::pair<int64_t, int64_t>> totals;
  for (const auto& [k, n] : counts->fleetlake) totals[k.first].first += n;
  for (const auto& [k, n] : counts->duckdb) totals[k.first].second += n;
  std::map<std::string, int64_t> exact_totals;
  for (const auto& [k, n] : counts->duckdb_exact) exact_totals[k.first] += n;
  std::printf("\nrows kept           fleetlake  duckdb (b)  duckdb (b')  partitions\n");
  for (const auto& [entity, t] : totals) {
    int parts = 0;
    for (const auto& [k, n] : counts->fleetlake) parts += k.first == entity;
    std::printf("%-18s %10lld  %10lld   %10lld  %d\n", entity.c_str(),
                static_cast<long long>(t.first), static_cast<long long>(t.second),
                static_cast<long long>(exact_totals[entity]), parts);
  }
  const bool same = counts->fleetlake == counts->duckdb_exact;
  std::printf("row counts per entity and partition, fleetlake vs (b'): %s\n",
              same ? "identical" : "DIFFERENT");
  std::printf("fleetlake vs (b): %s\n",
              counts->fleetlake == counts->duckdb
                  ? "identical"
                  : "read_json(ignore_errors) lost the valid line after each truncated one");
  return same ? 0 : 1;
}

// The memory check: process once under /usr/bin/time -v (the measure the issue names) and compare
// its maximum resident set size with the limit.
int Memory(const CaseOptions& o, double limit_mb) {
  const auto [bytes, files] = RawSize(o.lake);
  CleanOutputs(o.lake);
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  const std::string log = fs::path(o.lake) / ".time-v.txt";
  const std::string cmd = fmt::format(
      "/usr/bin/time -v -o '{}' '{}' case process --lake '{}' --config '{}' --threads {} "
      "--max-rows {}",
      log, self, o.lake, o.config, o.threads, o.max_rows);
  const auto start = std::chrono::steady_clock::now();
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "process failed\n");
    return 1;
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::ifstream in(log);
  double rss_mb = -1;
  for (std::string line; std::getline(in, line);) {
    const std::string key = "Maximum resident set size (kbytes): ";
    const size_t at = line.find(key);
    if (at != std::string::npos) rss_mb = std::stod(line.substr(at + key.size())) / 1024;
  }
  std::printf(
      "input %.2f GB in %lld objects: %.1f s, %.0f MB/s, peak RSS %.0f MB (limit %.0f MB)\n",
      bytes / 1e9, static_cast<long long>(files), took.count(), bytes / 1e6 / took.count(), rss_mb,
      limit_mb);
  CleanOutputs(o.lake);
  if (rss_mb < 0 || rss_mb >= limit_mb) {
    std::printf("memory bound: FAILED\n");
    return 1;
  }
  std::printf("memory bound: ok\n");
  return 0;
}

int Main(int argc, char** argv) {
  CLI::App app{"fleetlake process benchmark"};
  app.require_subcommand(1);
  CaseOptions o;
  int reps = 3;
  bool single_thread = false;
  double limit_mb = 1024;
  std::string case_name, from, to;
  int copies = 9, group = 10;

  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--lake", o.lake, "Bench lake (raw objects under LAKE/raw/)")->required();
    cmd->add_option("--config", o.config, "fleetlake config")->required();
    cmd->add_option("--threads", o.threads, "process.threads (0 = one per core)");
    cmd->add_option("--max-rows", o.max_rows, "process.max_rows (0 = the config's)");
  };
  CLI::App* run = app.add_subcommand("run", "Run every case and print the table");
  add_common(run);
  run->add_option("--reps", reps, "Repetitions per case (the median is reported)");
  run->add_flag("--single-thread", single_thread, "Also time process.threads=1");
  CLI::App* memory = app.add_subcommand("memory", "Peak RSS of process under /usr/bin/time -v");
  add_common(memory);
  memory->add_option("--limit-mb", limit_mb, "Fail at or above this peak RSS");
  CLI::App* one = app.add_subcommand("case", "Run one case (used by run)");
  add_common(one);
  one->add_option("name", case_name, "process | duckdb | duckdb-exact | parse | write")->required();
  one->add_option("--result", o.result_file, "Where to write the inner timing");
  CLI::App* rep = app.add_subcommand("replicate", "Build a large lake from copies of a small one");
  rep->add_option("--from", from)->required();
  rep->add_option("--to", to)->required();
  rep->add_option("--copies", copies);
  rep->add_option("--group", group, "Source objects concatenated per new object");
  CLI11_PARSE(app, argc, argv);

  std::error_code ec;
  if (!o.lake.empty()) o.lake = fs::absolute(o.lake, ec).string();
  if (*run) return Run(o, reps, single_thread);
  if (*memory) return Memory(o, limit_mb);
  if (*rep) {
    Status st = Replicate(from, to, copies, group);
    if (!st.ok()) std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return st.ok() ? 0 : 1;
  }
  Status st;
  if (case_name == "process") {
    st = RunProcess(o);
  } else if (case_name == "duckdb" || case_name == "duckdb-exact") {
    st = RunDuckDb(o, case_name == "duckdb-exact");
  } else if (case_name == "parse") {
    st = RunParseOnly(o);
  } else if (case_name == "write") {
    st = RunWriteOnly(o);
  } else {
    st = Status::InvalidArgument("unknown case " + case_name);
  }
  if (!st.ok()) std::fprintf(stderr, "%s\n", st.ToString().c_str());
  return st.ok() ? 0 : 1;
}

}  // namespace
}  // namespace fleetlake::bench

int main(int argc, char** argv) { return fleetlake::bench::Main(argc, argv); }
