// Crawl: make an entity's warehouse table match the structured zone for some partitions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "warehouse/database.h"

namespace fleetlake {

// The local Parquet files of one partition (one day). The files do not hold the partition column;
// each holds the entity's config columns plus source_key VARCHAR and source_line BIGINT.
struct PartitionFiles {
  int32_t date_days = 0;  // days since the epoch
  std::vector<std::string> files;
};

struct PartitionCrawlStats {
  int32_t date_days = 0;
  int64_t files = 0;
  int64_t rows_read = 0;     // rows in the files
  int64_t rows_written = 0;  // rows in the table afterwards
  int64_t duplicates = 0;    // rows_read - rows_written
};

struct CrawlStats {
  std::vector<PartitionCrawlStats> partitions;  // in date order
  int64_t rows_read = 0;
  int64_t rows_written = 0;
  int64_t duplicates = 0;
};

// Name of the table holding one row per crawled (entity, partition):
// (entity, partition_date, files, rows_read, rows, duplicates, crawled_at).
inline constexpr const char* kPartitionsTable = "fleetlake_partitions";

// Replaces the rows of the given partitions of table `entity.name` with the de-duplicated rows of
// their files, in one transaction (a partition with no files ends up empty):
//  - the table is created if missing, and configured columns it lacks are added (ALTER TABLE), so a
//    config change needs no manual SQL; its columns are the config's, then source_key,
//    source_line and the partition column (entity.partition_by.name, DATE);
//  - every file's schema must be exactly the expected one, or nothing is written and the error
//    names the file, the column, the expected and the found type;
//  - rows with equal entity.unique_key columns (all config columns when unique_key is empty) within
//    a partition collapse to the one with the smallest (source_key, source_line);
//  - kPartitionsTable gets the stats of each partition, replacing earlier rows for those dates.
// Crawling the same files twice gives the same table.
Result<CrawlStats> CrawlEntity(Connection& conn, const EntityConfig& entity,
                               const std::vector<PartitionFiles>& partitions);

}  // namespace fleetlake
