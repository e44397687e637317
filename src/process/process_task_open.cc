// Kept apart from process_task.cc so code that brings its own ParquetWriter (the unit tests) does
// not link the DuckDB-backed one.
#include "process/process_task.h"

namespace fleetlake {

Result<ProcessReport> ProcessBatch(const Config& config, Store& lake, const std::string& batch,
                                   const std::vector<std::string>& raw_keys,
                                   ProgressSink* progress) {
  FL_ASSIGN_OR_RETURN(std::unique_ptr<ParquetWriter> writer, ParquetWriter::Open());
  return ProcessBatch(config, lake, batch, raw_keys, *writer, progress);
}

}  // namespace fleetlake
