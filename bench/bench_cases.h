// The cases `make bench` times, each run in a child process of bench_driver so its wall time and
// peak RSS are its own. Every case reads the raw objects of a bench lake (<lake>/raw/data/*.json,
// written by `fleetlake generate`) and writes under the same lake.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "common/status.h"

namespace fleetlake::bench {

struct CaseOptions {
  std::string lake;         // bench lake root (absolute)
  std::string config;       // fleetlake config (examples/door2door.yaml)
  int threads = 0;          // process.threads / parse threads; 0 = one per core
  int64_t max_rows = 0;     // process.max_rows; 0 = the config's
  std::string result_file;  // where a case writes its inner timing ("seconds=...")
};

// (a) ProcessBatch over every raw object as one batch: both entities, Parquet zstd, rejects.
Status RunProcess(const CaseOptions& o);
// (b) One DuckDB COPY per entity: read_json over the raw objects, the drop rules as SQL filters,
// Parquet partitioned by event_date, zstd. Output under <lake>/duckdb/<entity>/. With `exact`, the
// lines are read as text and parsed with json_transform (read_json's error recovery loses the line
// after a truncated one); output under <lake>/duckdb_exact/.
Status RunDuckDb(const CaseOptions& o, bool exact);
// (c1) simdjson parse of every line of every object (DOM: full validation), on `threads` threads.
Status RunParseOnly(const CaseOptions& o);
// (c2) DuckDB writing the rows fleetlake kept to partitioned Parquet from in-memory tables. Only
// the COPY is timed (written to result_file); loading the tables is not.
Status RunWriteOnly(const CaseOptions& o);

// Rows per (entity, partition day) in fleetlake's output and in DuckDB's.
struct RowCounts {
  std::map<std::pair<std::string, std::string>, int64_t> fleetlake, duckdb, duckdb_exact;
};
Result<RowCounts> CountRows(const std::string& lake);

// Total bytes and number of the raw objects.
std::pair<int64_t, int64_t> RawSize(const std::string& lake);

// Writes a lake at `to` whose raw zone holds `copies` copies of the raw objects of `from`, `group`
// objects concatenated per new object: a large input for the memory check.
Status Replicate(const std::string& from, const std::string& to, int copies, int group);

}  // namespace fleetlake::bench
