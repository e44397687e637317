#include "pipeline/tasks.h"

#include <simdjson.h>

#include <filesystem>

#include "common/json_text.h"
#include "common/log.h"
#include "common/time_util.h"
#include "fetch/manifest.h"
#include "pipeline/store_open.h"
#include "process/process_task.h"
#include "warehouse/marts.h"

namespace fleetlake {
namespace {

std::string TouchedKey(const std::string& batch) {
  return fmt::format("_fleetlake/touched/batch={}.json", batch);
}

Result<TouchedPartitions> LoadTouched(Store& lake, const std::string& batch) {
  TouchedPartitions out;
  auto data = lake.Get(TouchedKey(batch));
  if (!data.ok()) {
    if (data.status().IsNotFound()) return out;
    return data.status();
  }
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(*data).get_object().get(obj)) {
    return Status::Corruption(fmt::format("{} is not a JSON object", lake.Uri(TouchedKey(batch))));
  }
  for (auto field : obj) {
    simdjson::dom::array days;
    if (field.value.get_array().get(days)) continue;
    auto& set = out[std::string(field.key)];
    for (auto d : days) {
      std::string_view s;
      if (!d.get_string().get(s)) {
        if (auto day = ParseDate(s)) set.insert(*day);
      }
    }
  }
  return out;
}

Status SaveTouched(Store& lake, const std::string& batch, const TouchedPartitions& touched) {
  std::string json = "{";
  bool first_entity = true;
  for (const auto& [entity, days] : touched) {
    json += fmt::format("{}\"{}\":[", first_entity ? "" : ",", JsonEscape(entity));
    bool first = true;
    for (int32_t d : days) {
      json += fmt::format("{}\"{}\"", first ? "" : ",", FormatDate(d));
      first = false;
    }
    json += "]";
    first_entity = false;
  }
  json += "}\n";
  return lake.Put(TouchedKey(batch), json);
}

// Local paths of the Parquet files of one partition of an entity (all batches). DuckDB reads
// local files only here (no httpfs), so the files of a remote lake are downloaded to `staging`.
Result<std::vector<std::string>> PartitionFilePaths(Store& lake, const EntityConfig& entity,
                                                    int32_t day, StagingDir& staging,
                                                    int concurrency) {
  std::string prefix =
      fmt::format("structured/{}/{}={}/", entity.name, entity.partition_by.name, FormatDate(day));
  FL_ASSIGN_OR_RETURN(auto objects, lake.List(prefix));
  std::vector<std::string> keys;
  for (const auto& o : objects) {
    if (o.key.size() < 8 || o.key.compare(o.key.size() - 8, 8, ".parquet") != 0) continue;
    keys.push_back(o.key);
  }
  return LocalCopies(lake, keys, staging, concurrency);
}

// Every partition day present under structured/<entity>/.
Result<std::set<int32_t>> AllPartitions(Store& lake, const EntityConfig& entity) {
  std::string prefix = fmt::format("structured/{}/{}=", entity.name, entity.partition_by.name);
  FL_ASSIGN_OR_RETURN(auto objects, lake.List(prefix));
  std::set<int32_t> days;
  for (const auto& o : objects) {
    std::string_view rest = std::string_view(o.key).substr(prefix.size());
    if (auto day = ParseDate(rest.substr(0, rest.find('/')))) days.insert(*day);
  }
  return days;
}

ProcessSummary Summarize(const ProcessReport& report) {
  ProcessSummary s;
  s.objects = report.objects_read;
  s.bytes = report.bytes_read;
  for (const auto& [name, e] : report.entities) {
    ProcessSummary::Entity& out = s.entities[name];
    out.rows_in = e.rows_in;
    out.rows_kept = e.rows_kept;
    out.rows_rejected = e.rows_rejected;
    for (const auto& [column, n] : e.coerced_nulls) out.coerced_nulls += n;
    for (const auto& [day, keys] : e.partitions) {
      if (auto d = ParseDate(day)) s.touched[name].insert(*d);
    }
  }
  if (report.unroutable_rows > 0) {
    ProcessSummary::Entity& u = s.entities["_unroutable"];
    u.rows_in = u.rows_rejected = report.unroutable_rows;
  }
  return s;
}

}  // namespace

Result<std::unique_ptr<PipelineContext>> PipelineContext::Open(const Config& config) {
  std::unique_ptr<PipelineContext> ctx(new PipelineContext(config));
  FL_ASSIGN_OR_RETURN(ctx->lake_, OpenConfiguredStore(config.lake.uri, config.lake));
  return ctx;
}

Result<Store*> PipelineContext::source() {
  if (!source_) {
    FL_ASSIGN_OR_RETURN(source_, OpenConfiguredStore(config_.source.uri, config_.source));
  }
  return source_.get();
}

Result<Database*> PipelineContext::warehouse() {
  if (!warehouse_) {
    std::error_code ec;
    auto parent = std::filesystem::path(config_.warehouse.path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    FL_ASSIGN_OR_RETURN(warehouse_, Database::Open(config_.warehouse.path));
  }
  return &*warehouse_;
}

Result<FetchReport> FetchTask(PipelineContext& ctx, std::optional<int32_t> date,
                              ProgressSink* progress) {
  FL_ASSIGN_OR_RETURN(Store * source, ctx.source());
  FetchOptions options;
  options.date = date;
  options.concurrency = ctx.config().source.concurrency;
  options.progress = progress;
  FL_ASSIGN_OR_RETURN(FetchReport report, Fetch(*source, ctx.lake(), options));
  for (const auto& r : report.refused) LogWarn("refused source object: {}", r);
  return report;
}

Result<std::vector<std::string>> FetchedBatches(PipelineContext& ctx) {
  FL_ASSIGN_OR_RETURN(auto objects, ctx.lake().List("_fleetlake/manifest/"));
  std::vector<std::string> batches;
  for (const auto& o : objects) {
    std::string_view name =
        std::string_view(o.key).substr(std::string_view("_fleetlake/manifest/").size());
    if (name.rfind("batch=", 0) == 0 && name.size() == 6 + 10 + 5) {
      batches.emplace_back(name.substr(6, 10));
    }
  }
  return batches;
}

Result<ProcessSummary> ProcessTask(PipelineContext& ctx, const std::string& batch,
                                   ProgressSink* progress) {
  FL_ASSIGN_OR_RETURN(BatchManifest manifest, LoadManifest(ctx.lake(), batch));
  std::vector<std::string> raw_keys;
  int64_t total_bytes = 0;
  for (const auto& e : manifest.entries) {
    raw_keys.push_back(RawKey(e.key));
    total_bytes += static_cast<int64_t>(e.size);
  }
  if (progress) progress->SetTotal(static_cast<int64_t>(raw_keys.size()), total_bytes);
  // Partitions the previous processing of this batch wrote must be re-crawled too, in case the
  // batch no longer writes them.
  FL_ASSIGN_OR_RETURN(TouchedPartitions touched, LoadTouched(ctx.lake(), batch));
  FL_ASSIGN_OR_RETURN(ProcessReport report,
                      ProcessBatch(ctx.config(), ctx.lake(), batch, raw_keys, progress));

  FL_RETURN_IF_ERROR(ctx.lake().Put(ProcessReportKey(batch), report.ToJson()));
  ProcessSummary summary = Summarize(report);
  for (const auto& [entity, days] : touched)
    summary.touched[entity].insert(days.begin(), days.end());
  FL_RETURN_IF_ERROR(SaveTouched(ctx.lake(), batch, summary.touched));
  return summary;
}

Result<CrawlStats> CrawlTask(PipelineContext& ctx, Connection& conn, const EntityConfig& entity,
                             const std::optional<std::string>& batch) {
  std::set<int32_t> days;
  if (batch) {
    FL_ASSIGN_OR_RETURN(TouchedPartitions touched, LoadTouched(ctx.lake(), *batch));
    days = touched[entity.name];
  } else {
    FL_ASSIGN_OR_RETURN(days, AllPartitions(ctx.lake(), entity));
  }
  std::vector<PartitionFiles> partitions;
  // Downloads of a remote lake's files live until the crawl has read them.
  FL_ASSIGN_OR_RETURN(std::unique_ptr<StagingDir> staging, StagingDir::Create("crawl"));
  for (int32_t day : days) {
    PartitionFiles p;
    p.date_days = day;
    FL_ASSIGN_OR_RETURN(p.files, PartitionFilePaths(ctx.lake(), entity, day, *staging,
                                                    ctx.config().lake.concurrency));
    partitions.push_back(std::move(p));
  }
  return CrawlEntity(conn, entity, partitions);
}

Status MartsTask(PipelineContext& ctx, Connection& conn) {
  return BuildMarts(conn, ctx.config().marts);
}

}  // namespace fleetlake
