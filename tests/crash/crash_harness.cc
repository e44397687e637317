// Crash harness: runs `fleetlake run` on generated data, kills it at random moments, re-runs it to
// completion and checks that the warehouse and the lake end up exactly as after a clean run:
// same rows in every table, same rows in the structured files, same rejects, no duplicates.
//
//   crash_harness --binary build/fleetlake --config examples/door2door.yaml --kills 100 [--seed 1]
//                 [--signal KILL|TERM] [--work DIR]
//
// Prints one line per kill and a final "N/N identical"; exits 0 only when every outcome matched.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "gen/generator.h"
#include "warehouse/database.h"
#include "warehouse/format.h"

namespace fs = std::filesystem;
using namespace fleetlake;

namespace {

struct Options {
  std::string binary;
  std::string config;
  std::string work;
  int kills = 5;
  uint64_t seed = 1;
  int signal = SIGKILL;
};

struct Target {
  std::string source, lake, warehouse;
};

std::vector<std::string> RunArgs(const Options& o, const Target& t) {
  return {o.binary,      "run",   "--config",     o.config,          "--set",
          "source.uri=" + t.source, "--set", "lake.uri=" + t.lake, "--set",
          "warehouse.path=" + t.warehouse, "--set", "run.backoff_ms=10", "--quiet"};
}

pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    FILE* f = std::fopen(log.c_str(), "a");
    if (f) {
      ::dup2(fileno(f), 1);
      ::dup2(fileno(f), 2);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Everything that must not depend on whether the run was interrupted: every entity table and mart,
// the rows of the structured files, and the rejects. Run history is left out on purpose: it
// records the interruptions.
Result<std::string> Snapshot(const Config& config, const Target& t) {
  std::string out;
  FL_ASSIGN_OR_RETURN(Database db, Database::Open(t.warehouse));
  FL_ASSIGN_OR_RETURN(Connection conn, db.Connect());
  std::vector<std::string> tables;
  for (const auto& e : config.entities) tables.push_back(e.name);
  for (const auto& m : config.marts) tables.push_back(m.name);
  for (const auto& table : tables) {
    FL_ASSIGN_OR_RETURN(QueryResult r, conn.Query(fmt::format("SELECT * FROM \"{}\" ORDER BY ALL", table)));
    out += "== table " + table + "\n" + FormatCsv(r);
  }
  for (const auto& e : config.entities) {
    std::vector<std::string> cols;
    for (const auto& c : e.columns) cols.push_back(c.name);
    std::string key = "\"" + cols[0] + "\"";
    for (int k : e.unique_key) key += ", \"" + e.columns[k].name + "\"";
    FL_ASSIGN_OR_RETURN(QueryResult dups,
                        conn.Query(fmt::format("SELECT count(*) - count(DISTINCT ({})) FROM \"{}\"", key, e.name)));
    out += fmt::format("== duplicates in {}: {}\n", e.name, dups.rows[0][0].value_or("?"));
    std::string glob = t.lake + "/structured/" + e.name + "/*/*.parquet";
    if (!fs::exists(t.lake + "/structured/" + e.name)) continue;
    FL_ASSIGN_OR_RETURN(
        QueryResult files,
        conn.Query(fmt::format("SELECT * FROM read_parquet('{}', hive_partitioning = true) ORDER BY ALL", glob)));
    out += "== structured " + e.name + "\n" + FormatCsv(files);
  }
  std::vector<std::string> rejects;
  if (fs::exists(t.lake + "/rejects")) {
    for (const auto& f : fs::recursive_directory_iterator(t.lake + "/rejects")) {
      if (!f.is_regular_file()) continue;
      std::ifstream in(f.path());
      for (std::string line; std::getline(in, line);) rejects.push_back(line);
    }
  }
  std::sort(rejects.begin(), rejects.end());
  out += fmt::format("== rejects {}\n", rejects.size());
  for (const auto& r : rejects) out += r + "\n";
  return out;
}

// The last task the killed run had started, from its log: where the kill landed.
std::string Phase(const std::string& log) {
  std::string text = ReadAll(log);
  std::string last = "start";
  size_t last_pos = 0;
  for (const char* phase : {"fetch", "process", "crawl", "marts"}) {
    size_t pos = text.rfind(std::string(": ") + phase);
    if (pos != std::string::npos && pos >= last_pos) {
      last_pos = pos;
      last = phase;
    }
  }
  return last;
}

int Main(const Options& o) {
  auto config = LoadConfig(o.config);
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().ToString().c_str());
    return 2;
  }
  fs::remove_all(o.work);
  fs::create_directories(o.work);
  gen::GenerateOptions g;
  g.out_dir = o.work + "/source";
  g.days = 2;
  g.vehicles = 8;
  g.seed = o.seed;
  g.active_hours = 0.25;
  g.gzip_some = true;
  if (auto st = gen::Generate(g); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.status().ToString().c_str());
    return 2;
  }

  Target clean{g.out_dir, o.work + "/clean/lake", o.work + "/clean/w.duckdb"};
  fs::create_directories(o.work + "/clean");
  auto start = std::chrono::steady_clock::now();
  int rc = Wait(Spawn(RunArgs(o, clean), o.work + "/clean/log"));
  auto clean_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  if (rc != 0) {
    std::fprintf(stderr, "clean run failed (%d):\n%s\n", rc, ReadAll(o.work + "/clean/log").c_str());
    return 1;
  }
  auto expected = Snapshot(*config, clean);
  if (!expected.ok()) {
    std::fprintf(stderr, "%s\n", expected.status().ToString().c_str());
    return 1;
  }
  std::printf("clean run: %lld ms; snapshot %zu bytes\n", static_cast<long long>(clean_ms), expected->size());

  // Logging at info level shows the phase; keep it for the killed runs.
  std::mt19937_64 rng(o.seed);
  std::map<std::string, int> phases;
  int identical = 0;
  for (int i = 0; i < o.kills; ++i) {
    std::string dir = fmt::format("{}/kill-{}", o.work, i);
    fs::create_directories(dir);
    Target t{g.out_dir, dir + "/lake", dir + "/w.duckdb"};
    std::vector<std::string> args = RunArgs(o, t);
    args.pop_back();  // without --quiet: the log tells where the kill landed
    int64_t delay_ms = std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(1, clean_ms))(rng);
    pid_t pid = Spawn(args, dir + "/killed.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, o.signal);
    int killed_rc = Wait(pid);
    std::string phase = Phase(dir + "/killed.log");
    phases[phase]++;
    int rerun_rc = Wait(Spawn(RunArgs(o, t), dir + "/rerun.log"));
    bool same = false;
    std::string why;
    bool graceful_ok = o.signal == SIGKILL || killed_rc != 1 ||
                       ReadAll(dir + "/killed.log").find("run STOPPED by a signal") != std::string::npos;
    if (!graceful_ok) {
      why = "a graceful stop did not say so: " + ReadAll(dir + "/killed.log");
    } else if (rerun_rc != 0) {
      why = "re-run failed: " + ReadAll(dir + "/rerun.log");
    } else if (auto got = Snapshot(*config, t); !got.ok()) {
      why = got.status().ToString();
    } else if (*got != *expected) {
      std::ofstream(dir + "/snapshot.txt") << *got;
      why = "outcome differs (see " + dir + "/snapshot.txt vs " + o.work + "/expected.txt)";
      std::ofstream(o.work + "/expected.txt") << *expected;
    } else {
      same = true;
    }
    identical += same;
    std::printf("kill %3d at %5lld ms (%-7s exit %3d): %s\n", i + 1, static_cast<long long>(delay_ms), phase.c_str(),
                killed_rc, same ? "identical" : why.c_str());
    std::fflush(stdout);
    if (same) fs::remove_all(dir);
  }
  std::printf("kills by phase:");
  for (const auto& [phase, n] : phases) std::printf(" %s=%d", phase.c_str(), n);
  std::printf("\n%d/%d identical\n", identical, o.kills);
  if (identical == o.kills && !std::getenv("FLEETLAKE_KEEP_TEST_DATA")) fs::remove_all(o.work);
  return identical == o.kills ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.work = (fs::temp_directory_path() / ("fleetlake-crash-" + std::to_string(::getpid()))).string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--binary") o.binary = value;
    else if (flag == "--config") o.config = value;
    else if (flag == "--kills") o.kills = std::stoi(value);
    else if (flag == "--seed") o.seed = std::stoull(value);
    else if (flag == "--work") o.work = value;
    else if (flag == "--signal") o.signal = value == "TERM" ? SIGTERM : value == "INT" ? SIGINT : SIGKILL;
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (o.binary.empty() || o.config.empty()) {
    std::fprintf(stderr, "usage: crash_harness --binary FLEETLAKE --config FILE [--kills N] [--seed S] [--signal KILL|TERM|INT]\n");
    return 2;
  }
  o.binary = fs::absolute(o.binary).string();
  return Main(o);
}
