// The process task: decode a batch's raw objects, route and validate every record, and write the
// structured Parquet partitions and the rejects of that batch (layout in DESIGN.md). Idempotent:
// file names depend only on (batch, partition), and this batch's files that a re-run did not write
// again are deleted, so a re-run leaves exactly what a first run would.
#pragma once

#include <string>
#include <vector>

#include "common/progress.h"
#include "common/status.h"
#include "config/config.h"
#include "process/process_report.h"
#include "storage/store.h"
#include "warehouse/parquet_writer.h"

namespace fleetlake {

// `raw_keys` are lake keys of raw objects ("raw/data/2019-06-01-15-17-3-events.json"); the rows'
// source_key is the key without "raw/". `batch` names the run's files ("2019-06-01"): letters,
// digits, '-', '_' and '.'. Objects are decoded on config.process.threads threads (0 = one per
// core); the output does not depend on the thread count. Fails on I/O errors (reading raw objects,
// writing files); bad data never fails the task, it becomes rejects. `progress`, when given, is
// advanced by each object decoded (1 object, its stored bytes, its records).
Result<ProcessReport> ProcessBatch(const Config& config, Store& lake, const std::string& batch,
                                   const std::vector<std::string>& raw_keys,
                                   ProgressSink* progress = nullptr);

// Same, with the Parquet writer supplied by the caller (tests, or a writer reused across batches).
Result<ProcessReport> ProcessBatch(const Config& config, Store& lake, const std::string& batch,
                                   const std::vector<std::string>& raw_keys, ParquetWriter& writer,
                                   ProgressSink* progress = nullptr);

// Where ProcessBatch stores its report in the lake: "_fleetlake/process/<batch>.json".
std::string ProcessReportKey(const std::string& batch);

// The source key of a raw lake key: "raw/data/x.json" -> "data/x.json".
std::string SourceKeyOf(const std::string& raw_key);

}  // namespace fleetlake
