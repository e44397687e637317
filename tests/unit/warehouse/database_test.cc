#include "warehouse/database.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "test_util.h"

namespace fleetlake {
namespace {

using testing::MemoryDb;
using testing::MustQuery;
using testing::RowStrings;
using testing::TempDir;

// Lock holder for the Busy test: the test re-executes this binary with FL_WH_HOLD_DB=<path>; before
// main() runs, the child opens that database, says "ready" on stdout and sleeps until killed (or
// until its parent is gone). Exec'ing a fresh process avoids using DuckDB in a fork()ed copy of a
// multi-threaded process.
const bool kLockHolder = [] {
  const char* path = std::getenv("FL_WH_HOLD_DB");
  if (!path) return false;
  auto db = Database::Open(path);
  if (!db.ok()) {
    std::fprintf(stderr, "lock holder: %s\n", db.status().ToString().c_str());
    _exit(3);
  }
  auto conn = db->Connect();
  if (!conn.ok() || !conn->Execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)").ok()) _exit(4);
  if (write(1, "ready\n", 6) != 6) _exit(5);
  for (int i = 0; i < 120 && getppid() != 1; ++i) sleep(1);
  _exit(0);
}();

TEST(DatabaseTest, HaversineOneDegreeOfLatitude) {
  MemoryDb m;
  auto r = MustQuery(*m.conn, "SELECT haversine_m(0, 0, 1, 0) AS d, typeof(d) AS t");
  ASSERT_EQ(r.num_rows(), 1u);
  // 6,371,000 m * pi / 180 = 111,194.93 m.
  EXPECT_NEAR(std::stod(*r.rows[0][0]), 111194.93, 0.01);
  EXPECT_EQ(r.rows[0][1], "DOUBLE");
  EXPECT_EQ(r.column_types[0], "DOUBLE");

  // Berlin TXL -> SXF: 0.1797 deg north, 0.2348 deg east at 52.5 deg N, about 25.5 km.
  r = MustQuery(*m.conn, "SELECT round(haversine_m(52.5597, 13.2877, 52.3800, 13.5225))");
  EXPECT_NEAR(std::stod(*r.rows[0][0]), 25600, 1500);
  r = MustQuery(*m.conn, "SELECT haversine_m(52.5, 13.4, 52.5, 13.4)");
  EXPECT_EQ(r.rows[0][0], "0.0");
}

TEST(DatabaseTest, HaversineNullGivesNull) {
  MemoryDb m;
  auto r = MustQuery(*m.conn, "SELECT haversine_m(NULL, 0, 1, 0), haversine_m(0, 0, 1, NULL)");
  EXPECT_EQ(r.rows[0][0], std::nullopt);
  EXPECT_EQ(r.rows[0][1], std::nullopt);
  // Per-row NULLs inside a vector (not constant-folded by the planner).
  r = MustQuery(*m.conn,
                "SELECT haversine_m(lat, 0, 1, 0) FROM (VALUES (0.0), (NULL), (1.0)) v(lat) "
                "ORDER BY lat NULLS LAST");
  ASSERT_EQ(r.num_rows(), 3u);
  EXPECT_NEAR(std::stod(*r.rows[0][0]), 111194.93, 0.01);
  EXPECT_EQ(r.rows[1][0], "0.0");
  EXPECT_EQ(r.rows[2][0], std::nullopt);
}

TEST(DatabaseTest, HaversineOnEveryConnection) {
  MemoryDb m;
  auto second = m.db->Connect();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->Query("SELECT haversine_m(0, 0, 0, 1)").ok());
  // Still there after the first connection is gone.
  m.conn.reset();
  auto third = m.db->Connect();
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_TRUE(third->Query("SELECT haversine_m(0, 0, 0, 1)").ok());
}

TEST(DatabaseTest, ParamsAndRendering) {
  MemoryDb m;
  ASSERT_TRUE(m.conn
                  ->Execute("CREATE TABLE t (s VARCHAR, i BIGINT, d DOUBLE, b BOOLEAN, "
                            "ts TIMESTAMP)")
                  .ok());
  ASSERT_TRUE(
      m.conn
          ->Execute("INSERT INTO t VALUES (?, ?, ?, ?, TIMESTAMP '2019-06-01 18:17:05.094')",
                    {std::string("it's"), int64_t{42}, 1.5, true})
          .ok());
  ASSERT_TRUE(m.conn
                  ->Execute("INSERT INTO t VALUES (?, ?, ?, ?, NULL)",
                            {std::monostate{}, std::monostate{}, std::monostate{}, false})
                  .ok());
  auto r = m.conn->Query("SELECT * FROM t WHERE i = ? OR i IS NULL ORDER BY i", {int64_t{42}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->column_names, (std::vector<std::string>{"s", "i", "d", "b", "ts"}));
  EXPECT_EQ(r->column_types,
            (std::vector<std::string>{"VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "TIMESTAMP"}));
  EXPECT_EQ(RowStrings(*r), (std::vector<std::string>{"it's|42|1.5|true|2019-06-01 18:17:05.094",
                                                      "NULL|NULL|NULL|false|NULL"}));
  EXPECT_EQ(r->Get(0, "i"), "42");
}

TEST(DatabaseTest, ErrorsCarryDuckDbMessage) {
  MemoryDb m;
  Status st = m.conn->Execute("SELECT * FROM no_such_table");
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("no_such_table"), std::string::npos);
  auto r = m.conn->Query("SELECT ?", {int64_t{1}, int64_t{2}});
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(m.conn->Query("SELEC 1").ok());
}

TEST(DatabaseTest, TransactionGuardRollsBackUnlessCommitted) {
  MemoryDb m;
  ASSERT_TRUE(m.conn->Execute("CREATE TABLE t (x INTEGER)").ok());
  {
    auto txn = Transaction::Begin(*m.conn);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(m.conn->Execute("INSERT INTO t VALUES (1)").ok());
  }  // no commit: rolled back
  EXPECT_EQ(MustQuery(*m.conn, "SELECT count(*) FROM t").rows[0][0], "0");
  {
    auto txn = Transaction::Begin(*m.conn);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(m.conn->Execute("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(MustQuery(*m.conn, "SELECT count(*) FROM t").rows[0][0], "1");
}

TEST(DatabaseTest, FileDatabasePersists) {
  TempDir dir;
  const std::string path = dir / "w.duckdb";
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto conn = db->Connect();
    ASSERT_TRUE(conn->Execute("CREATE TABLE t AS SELECT 7 AS x").ok());
  }
  auto db = Database::Open(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto conn = db->Connect();
  EXPECT_EQ(MustQuery(*conn, "SELECT x FROM t").rows[0][0], "7");
}

TEST(DatabaseTest, SameFileTwiceInOneProcessSharesTheInstance) {
  TempDir dir;
  const std::string path = dir / "shared.duckdb";
  auto a = Database::Open(path);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = Database::Open(path);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  auto ca = a->Connect();
  auto cb = b->Connect();
  ASSERT_TRUE(ca.ok() && cb.ok());
  ASSERT_TRUE(ca->Execute("CREATE TABLE t AS SELECT 1 AS x").ok());
  // Visible through the other handle: one engine, not two writers on one file.
  EXPECT_EQ(MustQuery(*cb, "SELECT x FROM t").rows[0][0], "1");

  // In-memory databases are private.
  MemoryDb m1, m2;
  ASSERT_TRUE(m1.conn->Execute("CREATE TABLE only_here (x INTEGER)").ok());
  EXPECT_FALSE(m2.conn->Query("SELECT * FROM only_here").ok());
}

TEST(DatabaseTest, FileHeldByAnotherProcessIsBusy) {
  TempDir dir;
  const std::string path = dir / "held.duckdb";
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  // Everything the child needs is prepared before fork(): after it, only async-signal-safe calls.
  const std::string env_var = "FL_WH_HOLD_DB=" + path;
  char* const child_env[] = {const_cast<char*>(env_var.c_str()), nullptr};
  char self[] = "/proc/self/exe";
  char* const child_argv[] = {self, nullptr};
  const pid_t parent = getpid();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(6);
    dup2(fds[1], 1);
    close(fds[0]);
    execve(self, child_argv, child_env);
    _exit(7);
  }
  close(fds[1]);
  pollfd pfd{fds[0], POLLIN, 0};
  char buf[16] = {};
  const bool ready = poll(&pfd, 1, 30000) == 1 && read(fds[0], buf, sizeof(buf) - 1) > 0;
  close(fds[0]);

  Status st;
  if (ready) {
    auto db = Database::Open(path);
    st = db.ok() ? Status::OK() : db.status();
  }
  kill(pid, SIGKILL);  // the child we started, by its id
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);

  ASSERT_TRUE(ready) << "lock holder did not start";
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Status::Code::kBusy) << st.ToString();
  EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();

  // Once the holder is gone the warehouse opens again.
  auto db = Database::Open(path);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
}

TEST(DatabaseTest, QuoteHelpers) {
  EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
}

}  // namespace
}  // namespace fleetlake
