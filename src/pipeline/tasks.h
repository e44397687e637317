// The pipeline's tasks, each usable alone (a CLI subcommand, an Airflow task) or from the runner.
// Every task takes a batch date and is idempotent: running it again gives the same lake and
// warehouse.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "fetch/fetch.h"
#include "storage/store.h"
#include "warehouse/crawl.h"
#include "warehouse/database.h"

namespace fleetlake {

struct ProcessSummary;

// What a task needs: the config, the lake, and (opened on first use) the source and warehouse.
class PipelineContext {
 public:
  static Result<std::unique_ptr<PipelineContext>> Open(const Config& config);

  const Config& config() const { return config_; }
  Store& lake() { return *lake_; }
  Result<Store*> source();
  Result<Database*> warehouse();

 private:
  explicit PipelineContext(Config config) : config_(std::move(config)) {}
  Config config_;
  std::unique_ptr<Store> lake_;
  std::unique_ptr<Store> source_;
  std::optional<Database> warehouse_;
};

// Per entity, the partition days a batch wrote or used to write: what crawl must refresh.
using TouchedPartitions = std::map<std::string, std::set<int32_t>>;

struct ProcessSummary {
  struct Entity {
    int64_t rows_in = 0, rows_kept = 0, rows_rejected = 0, coerced_nulls = 0;
  };
  std::map<std::string, Entity> entities;  // plus "_unroutable" for records no entity took
  int64_t objects = 0, bytes = 0;
  TouchedPartitions touched;
};

// Batches are YYYY-MM-DD days of the source keys. `progress` (optional) follows the copies.
Result<FetchReport> FetchTask(PipelineContext& ctx, std::optional<int32_t> date,
                              ProgressSink* progress = nullptr);
// Batches present in the lake's manifests, sorted.
Result<std::vector<std::string>> FetchedBatches(PipelineContext& ctx);
// `progress` (optional) gets the batch's objects and bytes, then each object decoded.
Result<ProcessSummary> ProcessTask(PipelineContext& ctx, const std::string& batch,
                                   ProgressSink* progress = nullptr);
// Crawls the partitions a batch touched, or with no batch every partition in the structured zone.
Result<CrawlStats> CrawlTask(PipelineContext& ctx, Connection& conn, const EntityConfig& entity,
                             const std::optional<std::string>& batch);
Status MartsTask(PipelineContext& ctx, Connection& conn);

}  // namespace fleetlake
