// Writes ColumnBatches to Parquet (zstd) through an in-memory DuckDB.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "warehouse/column_batch.h"

namespace fleetlake {

class ParquetWriter {
 public:
  static Result<std::unique_ptr<ParquetWriter>> Open();
  virtual ~ParquetWriter() = default;
  // Writes every row of `batch` to the local file `path`. The file appears atomically: it is
  // written under a temporary name in the same folder and renamed into place.
  virtual Status Write(const ColumnBatch& batch, const std::string& path) = 0;
};

}  // namespace fleetlake
