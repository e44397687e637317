// ProcessReport: what one process run did, per entity and for the unroutable records. Stored in the
// lake as _fleetlake/process/<batch>.json; the crawl reads `partitions` to know which warehouse
// partitions to refresh, and the run summary reads the counts (the data-quality report).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace fleetlake {

struct EntityProcessReport {
  int64_t rows_in = 0;                           // records routed to the entity
  int64_t rows_kept = 0;                         // written to structured/
  int64_t rows_rejected = 0;                     // written to rejects/<entity>/
  std::map<std::string, int64_t> rejected;       // reason -> count
  std::map<std::string, int64_t> coerced_nulls;  // column -> values of the wrong type made NULL
  // Partitions touched, "YYYY-MM-DD" -> structured keys written. A day whose list is empty lost
  // its files of this batch (stale files removed) and must be refreshed too.
  std::map<std::string, std::vector<std::string>> partitions;
};

struct ProcessReport {
  std::string batch;
  int64_t objects_read = 0;
  int64_t bytes_read = 0;                               // as stored, before decompression
  int64_t records_read = 0;                             // non-blank lines / array elements
  std::map<std::string, EntityProcessReport> entities;  // by entity name
  int64_t unroutable_rows = 0;
  std::map<std::string, int64_t> unroutable;  // reason -> count
  std::vector<std::string> reject_files;      // rejects/ keys written
  std::vector<std::string> deleted_files;     // this batch's stale files removed

  int64_t RowsKept() const;
  int64_t RowsRejected() const;  // including unroutable

  std::string ToJson() const;
  static Result<ProcessReport> FromJson(std::string_view json);
};

}  // namespace fleetlake
