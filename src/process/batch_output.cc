#include "process/batch_output.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "common/time_util.h"
#include "common/json_text.h"

namespace fleetlake {
namespace {

// Rejects are appended to their local file in pieces of this size, so a batch of garbage does
// not sit in memory.
constexpr size_t kRejectSpillBytes = 1 << 20;

// Appends rows [begin, end) of `src` to `dst`; both have the same schema.
void AppendRows(ColumnBatch& dst, const ColumnBatch& src, size_t begin, size_t end) {
  for (size_t c = 0; c < src.columns.size(); ++c) {
    const ColumnData& s = src.columns[c];
    ColumnData& d = dst.columns[c];
    d.valid.insert(d.valid.end(), s.valid.begin() + begin, s.valid.begin() + end);
    switch (s.type) {
      case ColumnType::kString: {
        const uint64_t from = s.offsets[begin];
        const uint64_t base = d.chars.size();
        d.chars.append(s.chars, from, s.offsets[end] - from);
        for (size_t r = begin + 1; r <= end; ++r) d.offsets.push_back(base + s.offsets[r] - from);
        break;
      }
      case ColumnType::kDouble:
        d.f64.insert(d.f64.end(), s.f64.begin() + begin, s.f64.begin() + end);
        break;
      default:
        d.i64.insert(d.i64.end(), s.i64.begin() + begin, s.i64.begin() + end);
        break;
    }
  }
  dst.num_rows += end - begin;
}

}  // namespace

std::string StructuredPartKey(const EntityConfig& entity, const std::string& day,
                              const std::string& batch, int part) {
  return fmt::format("structured/{}/{}={}/part-{}-{}.parquet", entity.name,
                     entity.partition_by.name, day, batch, part);
}

std::string RejectsKey(const std::string& entity, const std::string& partition_name,
                       const std::string& day_or_default, const std::string& batch) {
  return fmt::format("rejects/{}/{}={}/part-{}.ndjson", entity, partition_name, day_or_default,
                     batch);
}

std::string RejectJsonLine(const RejectRecord& reject, const std::string& entity,
                           const std::string& source_key, const std::optional<std::string>& day) {
  std::string out = "{\"entity\":";
  AppendJsonString(out, entity);
  out += ",\"day\":";
  if (day) {
    AppendJsonString(out, *day);
  } else {
    out += "null";
  }
  out += ",\"reason\":";
  AppendJsonString(out, reject.reason);
  out += ",\"source_key\":";
  AppendJsonString(out, source_key);
  out += fmt::format(",\"line\":{},\"record\":", reject.line);
  AppendJsonString(out, Utf8Prefix(reject.record, kMaxRejectRecordBytes));
  if (reject.record_bytes > reject.record.size()) {
    out += fmt::format(",\"record_truncated\":true,\"record_bytes\":{}", reject.record_bytes);
  }
  out += "}";
  return out;
}

BatchOutput::BatchOutput(const DecodePlan& plan, Store& lake, ParquetWriter& writer,
                         std::string batch, std::string scratch_dir, int64_t max_rows,
                         ProcessReport& report)
    : plan_(plan),
      lake_(lake),
      writer_(writer),
      batch_(std::move(batch)),
      scratch_dir_(std::move(scratch_dir)),
      max_rows_(static_cast<size_t>(std::max<int64_t>(max_rows, 1))),
      report_(report),
      partitions_(plan.entities.size()),
      buffered_(plan.entities.size(), 0) {
  for (const EntityPlan& ep : plan_.entities) report_.entities[ep.config->name];
  writer_thread_ = std::thread([this] { WriteLoop(); });
}

BatchOutput::~BatchOutput() { (void)StopWriter(); }

void BatchOutput::WriteLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return closing_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // closing and drained
    WriteJob job = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    const bool failed = !write_status_.ok();
    lock.unlock();
    cv_.notify_all();
    Status st;
    if (!failed) {  // after a failure the batch fails anyway: skip the remaining writes
      st = writer_.Write(job.rows, job.local_path).WithContext("writing " + job.key);
      if (st.ok()) st = lake_.PutFile(job.key, job.local_path).WithContext("storing " + job.key);
      std::error_code ec;
      std::filesystem::remove(job.local_path, ec);  // PutFile may have moved it already
    }
    job.rows = ColumnBatch();  // free before taking the lock, while the decoder runs
    lock.lock();
    busy_ = false;
    if (!st.ok() && write_status_.ok()) write_status_ = st;
    cv_.notify_all();
  }
}

Status BatchOutput::Enqueue(WriteJob job) {
  std::unique_lock<std::mutex> lock(mu_);
  // One batch in the writer, one filling: decoding overlaps writing, and memory stays at two
  // max_rows batches (plus DuckDB's copy) however fast the decoder is.
  cv_.wait(lock, [&] { return (jobs_.empty() && !busy_) || !write_status_.ok(); });
  if (!write_status_.ok()) return write_status_;
  jobs_.push_back(std::move(job));
  cv_.notify_all();
  return Status::OK();
}

Status BatchOutput::StopWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  return write_status_;
}

std::string BatchOutput::ScratchPath(const char* ext) {
  return fmt::format("{}/f{}.{}", scratch_dir_, scratch_counter_++, ext);
}

Status BatchOutput::Add(ObjectResult&& object) {
  report_.objects_read += object.objects;
  report_.bytes_read += object.bytes_read;
  report_.records_read += object.records;
  for (const auto& [reason, n] : object.unroutable) {
    report_.unroutable[reason] += n;
    report_.unroutable_rows += n;
  }
  for (size_t e = 0; e < plan_.entities.size(); ++e) {
    const EntityConfig& entity = *plan_.entities[e].config;
    const EntityCounters& c = object.entities[e];
    EntityProcessReport& r = report_.entities[entity.name];
    r.rows_in += c.rows_in;
    r.rows_kept += c.rows_kept;
    for (const auto& [reason, n] : c.rejected) {
      r.rejected[reason] += n;
      r.rows_rejected += n;
    }
    for (size_t i = 0; i < c.coerced_nulls.size(); ++i) {
      if (c.coerced_nulls[i] > 0) r.coerced_nulls[entity.columns[i].name] += c.coerced_nulls[i];
    }

    for (auto& [day, src] : object.rows[e]) {
      auto [it, inserted] = partitions_[e].try_emplace(day);
      Partition& p = it->second;
      if (inserted) p.rows = MakeEntityBatch(entity);
      // Cut at exactly max_rows so part boundaries depend on the rows only.
      size_t begin = 0;
      while (begin < src.num_rows) {
        const size_t n = std::min(max_rows_ - p.rows.num_rows, src.num_rows - begin);
        AppendRows(p.rows, src, begin, begin + n);
        buffered_[e] += n;
        begin += n;
        if (p.rows.num_rows >= max_rows_) FL_RETURN_IF_ERROR(FlushPartition(e, day, p));
      }
    }
    // Many partitions each below max_rows (a late-data backfill) must not grow memory without
    // bound either: past twice the budget the whole entity is flushed.
    if (buffered_[e] >= 2 * max_rows_) FL_RETURN_IF_ERROR(FlushEntity(e));
  }
  for (const RejectRecord& reject : object.rejects) {
    FL_RETURN_IF_ERROR(
        AddReject(reject, reject.source_key.empty() ? object.source_key : reject.source_key));
  }
  return Status::OK();
}

Status BatchOutput::FlushPartition(int e, int32_t day, Partition& p) {
  if (p.rows.num_rows == 0) return Status::OK();
  const EntityConfig& entity = *plan_.entities[e].config;
  const std::string day_text = FormatDate(day);
  const std::string key = StructuredPartKey(entity, day_text, batch_, p.next_part);
  written_.insert(key);
  report_.entities[entity.name].partitions[day_text].push_back(key);
  ++p.next_part;
  buffered_[e] -= p.rows.num_rows;
  WriteJob job{std::move(p.rows), key, ScratchPath("parquet")};
  p.rows = MakeEntityBatch(entity);
  return Enqueue(std::move(job));
}

Status BatchOutput::FlushEntity(int e) {
  for (auto& [day, p] : partitions_[e]) FL_RETURN_IF_ERROR(FlushPartition(e, day, p));
  return Status::OK();
}

Status BatchOutput::AddReject(const RejectRecord& reject, const std::string& source_key) {
  std::string entity = kUnroutableEntity;
  std::string partition_name = "event_date";
  if (reject.entity >= 0) {
    const EntityConfig& config = *plan_.entities[reject.entity].config;
    entity = config.name;
    partition_name = config.partition_by.name;
  }
  std::optional<std::string> day;
  if (reject.day) day = FormatDate(*reject.day);
  const std::string key =
      RejectsKey(entity, partition_name, day.value_or(kDefaultPartition), batch_);
  auto [it, inserted] = rejects_.try_emplace(key);
  RejectFile& file = it->second;
  if (inserted) file.local_path = ScratchPath("ndjson");
  file.pending += RejectJsonLine(reject, entity, source_key, day);
  file.pending += '\n';
  if (file.pending.size() >= kRejectSpillBytes) FL_RETURN_IF_ERROR(SpillRejects(file));
  return Status::OK();
}

Status BatchOutput::SpillRejects(RejectFile& file) {
  std::FILE* f = std::fopen(file.local_path.c_str(), "ab");
  if (f == nullptr) return Status::IOError("cannot open scratch file " + file.local_path);
  const bool ok =
      std::fwrite(file.pending.data(), 1, file.pending.size(), f) == file.pending.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) return Status::IOError("cannot write scratch file " + file.local_path);
  file.pending.clear();
  return Status::OK();
}

Status BatchOutput::Finish() {
  for (size_t e = 0; e < partitions_.size(); ++e) {
    FL_RETURN_IF_ERROR(FlushEntity(static_cast<int>(e)));
  }
  FL_RETURN_IF_ERROR(StopWriter());
  for (auto& [key, file] : rejects_) {
    FL_RETURN_IF_ERROR(SpillRejects(file));
    Status put = lake_.PutFile(key, file.local_path);
    std::error_code ec;
    std::filesystem::remove(file.local_path, ec);
    FL_RETURN_IF_ERROR(put.WithContext("storing " + key));
    written_.insert(key);
    report_.reject_files.push_back(key);
  }
  return Status::OK();
}

}  // namespace fleetlake
