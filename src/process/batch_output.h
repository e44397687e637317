// BatchOutput: receives ObjectResults in source-key order and turns them into the batch's files:
//   structured/<entity>/<partition>=YYYY-MM-DD/part-<batch>-<n>.parquet
//   rejects/<entity|_unroutable>/<partition>=YYYY-MM-DD|__HIVE_DEFAULT_PARTITION__/part-<batch>.ndjson
// Because input arrives in a fixed order and flushes happen at fixed row counts, the same input
// always yields the same files with the same rows, whatever the thread count.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "process/decode_plan.h"
#include "process/object_decoder.h"
#include "process/process_report.h"
#include "storage/store.h"
#include "warehouse/parquet_writer.h"

namespace fleetlake {

inline constexpr const char* kUnroutableEntity = "_unroutable";
inline constexpr const char* kDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

// Key of a structured part file; `day` is "YYYY-MM-DD".
std::string StructuredPartKey(const EntityConfig& entity, const std::string& day,
                              const std::string& batch, int part);
// Key of a rejects file. `entity` is an entity name or _unroutable, `partition_name` the Hive key.
std::string RejectsKey(const std::string& entity, const std::string& partition_name,
                       const std::string& day_or_default, const std::string& batch);

// One line of a rejects file (without the newline): a JSON object with entity, day (or null),
// reason, source_key, line and record (the raw text as a JSON string; record_truncated and
// record_bytes when it was cut).
std::string RejectJsonLine(const RejectRecord& reject, const std::string& entity,
                           const std::string& source_key, const std::optional<std::string>& day);

class BatchOutput {
 public:
  // `scratch_dir` is an existing local folder for files on their way to the lake. `report` gets
  // the counters and the keys written.
  BatchOutput(const DecodePlan& plan, Store& lake, ParquetWriter& writer, std::string batch,
              std::string scratch_dir, int64_t max_rows, ProcessReport& report);
  ~BatchOutput();
  BatchOutput(const BatchOutput&) = delete;
  BatchOutput& operator=(const BatchOutput&) = delete;

  // Adds one object's output. Objects must come in a deterministic order (sorted keys).
  Status Add(ObjectResult&& object);
  // Writes what is still buffered. Call once, after the last Add.
  Status Finish();

  // Every key this run wrote (structured and rejects).
  const std::set<std::string>& written_keys() const { return written_; }

 private:
  struct Partition {
    ColumnBatch rows;
    int next_part = 0;
  };
  struct RejectFile {
    std::string local_path;
    std::string pending;  // lines not yet appended to local_path
  };

  // A full partition on its way to Parquet and the lake, written by writer_thread_ so decoding goes
  // on meanwhile. Names and the report are settled when the job is queued: the output does not
  // depend on when the write happens.
  struct WriteJob {
    ColumnBatch rows;
    std::string key;
    std::string local_path;
  };

  Status FlushPartition(int entity, int32_t day, Partition& partition);
  Status Enqueue(WriteJob job);
  void WriteLoop();
  Status StopWriter();  // waits for queued writes; the first write error
  Status FlushEntity(int entity);
  Status AddReject(const RejectRecord& reject, const std::string& source_key);
  Status SpillRejects(RejectFile& file);
  std::string ScratchPath(const char* ext);

  const DecodePlan& plan_;
  Store& lake_;
  ParquetWriter& writer_;
  std::string batch_;
  std::string scratch_dir_;
  size_t max_rows_;
  ProcessReport& report_;
  std::vector<std::map<int32_t, Partition>> partitions_;  // per entity, by day
  std::vector<size_t> buffered_;                          // rows buffered per entity
  std::map<std::string, RejectFile> rejects_;             // by lake key
  std::set<std::string> written_;
  int scratch_counter_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WriteJob> jobs_;  // at most one, taken at once by the writer thread
  bool busy_ = false;          // the writer thread holds a job
  bool closing_ = false;
  Status write_status_;  // first failure of the writer thread
  std::thread writer_thread_;
};

}  // namespace fleetlake
