#include "process/process_task.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "process/batch_output.h"
#include "process/decode_plan.h"
#include "process/object_decoder.h"

namespace fleetlake {
namespace {

constexpr std::string_view kRawPrefix = "raw/";

bool ValidBatchName(const std::string& batch) {
  if (batch.empty() || batch.size() > 128 || batch == "." || batch == "..") return false;
  return std::all_of(batch.begin(), batch.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// A private local folder for files on their way to the lake, removed on scope exit.
class ScratchDir {
 public:
  static Result<std::unique_ptr<ScratchDir>> Create() {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / "fleetlake-process-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return Status::IOError("cannot create a scratch folder under " + base.string());
    }
    return std::unique_ptr<ScratchDir>(new ScratchDir(pattern));
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Decodes objects on worker threads while the calling thread consumes the results strictly in key
// order. Workers run at most `window` objects ahead of the consumer, which bounds memory to a
// window of decoded objects however large the batch.
class ParallelDecoder {
 public:
  ParallelDecoder(const DecodePlan& plan, Store& lake, const std::vector<std::string>& keys,
                  int threads)
      : lake_(lake), keys_(keys), window_(static_cast<size_t>(threads) * 4), ring_(window_) {
    for (int t = 0; t < threads; ++t) {
      decoders_.push_back(std::make_unique<ObjectDecoder>(plan));
    }
    for (int t = 0; t < threads; ++t) workers_.emplace_back([this, t] { Work(t); });
  }

  ~ParallelDecoder() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& w : workers_) w.join();
  }

  // The result for keys[i]; must be called for i = 0, 1, 2, ... in order.
  Result<ObjectResult> Take(size_t i) {
    std::unique_lock<std::mutex> lock(mu_);
    std::optional<Result<ObjectResult>>& slot = ring_[i % window_];
    cv_.wait(lock, [&] { return slot.has_value(); });
    Result<ObjectResult> r = std::move(*slot);
    slot.reset();
    consumed_ = i + 1;
    lock.unlock();
    cv_.notify_all();
    return r;
  }

 private:
  void Work(int t) {
    while (true) {
      size_t i;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock,
                 [&] { return stop_ || next_ >= keys_.size() || next_ < consumed_ + window_; });
        if (stop_ || next_ >= keys_.size()) return;
        i = next_++;
      }
      Result<ObjectResult> r = DecodeOne(lake_, *decoders_[t], keys_[i]);
      {
        std::lock_guard<std::mutex> lock(mu_);
        ring_[i % window_] = std::move(r);
      }
      cv_.notify_all();
    }
  }

 public:
  static Result<ObjectResult> DecodeOne(Store& lake, ObjectDecoder& decoder,
                                        const std::string& key) {
    Result<std::string> bytes = lake.Get(key);
    if (!bytes.ok()) return bytes.status().WithContext("reading " + key);
    return decoder.Decode(SourceKeyOf(key), *bytes);
  }

 private:
  Store& lake_;
  const std::vector<std::string>& keys_;
  const size_t window_;
  std::vector<std::unique_ptr<ObjectDecoder>> decoders_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::optional<Result<ObjectResult>>> ring_;
  size_t next_ = 0;      // next key to claim
  size_t consumed_ = 0;  // keys taken by the consumer
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

// "part-<batch>-<digits>.parquet"
bool IsStructuredPartOf(std::string_view name, const std::string& batch) {
  const std::string prefix = "part-" + batch + "-";
  constexpr std::string_view kSuffix = ".parquet";
  if (name.size() <= prefix.size() + kSuffix.size() || name.substr(0, prefix.size()) != prefix ||
      name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return false;
  }
  std::string_view digits =
      name.substr(prefix.size(), name.size() - prefix.size() - kSuffix.size());
  return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view Basename(std::string_view key) {
  size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

// The "YYYY-MM-DD" of ".../<name>=YYYY-MM-DD/<file>", or "".
std::string DayOfKey(std::string_view key) {
  size_t slash = key.rfind('/');
  if (slash == std::string_view::npos) return "";
  std::string_view dir = key.substr(0, slash);
  size_t eq = dir.rfind('=');
  if (eq == std::string_view::npos || dir.find('/', eq) != std::string_view::npos) return "";
  return std::string(dir.substr(eq + 1));
}

Result<std::vector<ObjectInfo>> ListOrEmpty(Store& lake, const std::string& prefix) {
  Result<std::vector<ObjectInfo>> r = lake.List(prefix);
  if (!r.ok() && r.status().IsNotFound()) return std::vector<ObjectInfo>{};
  return r;
}

// Deletes this batch's files that the run did not write (left by an earlier run whose rows now go
// elsewhere), so re-running a batch replaces exactly its own output.
Status DeleteStale(const Config& config, Store& lake, const std::string& batch,
                   const std::set<std::string>& written, ProcessReport& report) {
  for (const EntityConfig& entity : config.entities) {
    FL_ASSIGN_OR_RETURN(auto objects, ListOrEmpty(lake, "structured/" + entity.name + "/"));
    for (const ObjectInfo& o : objects) {
      if (!IsStructuredPartOf(Basename(o.key), batch) || written.count(o.key)) continue;
      FL_RETURN_IF_ERROR(lake.Delete(o.key).WithContext("deleting stale " + o.key));
      report.deleted_files.push_back(o.key);
      // The partition lost rows: the crawl must refresh it even if nothing was written there.
      std::string day = DayOfKey(o.key);
      if (!day.empty()) report.entities[entity.name].partitions[day];
    }
  }
  const std::string reject_name = "part-" + batch + ".ndjson";
  FL_ASSIGN_OR_RETURN(auto rejects, ListOrEmpty(lake, "rejects/"));
  for (const ObjectInfo& o : rejects) {
    if (Basename(o.key) != reject_name || written.count(o.key)) continue;
    FL_RETURN_IF_ERROR(lake.Delete(o.key).WithContext("deleting stale " + o.key));
    report.deleted_files.push_back(o.key);
  }
  return Status::OK();
}

}  // namespace

std::string ProcessReportKey(const std::string& batch) {
  return "_fleetlake/process/" + batch + ".json";
}

std::string SourceKeyOf(const std::string& raw_key) {
  if (raw_key.compare(0, kRawPrefix.size(), kRawPrefix) == 0) {
    return raw_key.substr(kRawPrefix.size());
  }
  return raw_key;
}

Result<ProcessReport> ProcessBatch(const Config& config, Store& lake, const std::string& batch,
                                   const std::vector<std::string>& raw_keys,
                                   ParquetWriter& writer) {
  if (!ValidBatchName(batch)) {
    return Status::InvalidArgument(
        fmt::format("bad batch name '{}': use letters, digits, '-', '_' and '.'", batch));
  }
  FL_ASSIGN_OR_RETURN(DecodePlan plan, DecodePlan::Compile(config));

  // Key order fixes the order of rows and the part boundaries: the output is deterministic.
  std::vector<std::string> keys = raw_keys;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());

  int threads = config.process.threads;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<size_t>(threads, std::max<size_t>(keys.size(), 1)));

  ProcessReport report;
  report.batch = batch;
  FL_ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch, ScratchDir::Create());
  BatchOutput output(plan, lake, writer, batch, scratch->path(), config.process.max_rows, report);

  if (threads == 1) {
    ObjectDecoder decoder(plan);
    for (const std::string& key : keys) {
      FL_ASSIGN_OR_RETURN(ObjectResult r, ParallelDecoder::DecodeOne(lake, decoder, key));
      FL_RETURN_IF_ERROR(output.Add(std::move(r)));
    }
  } else {
    ParallelDecoder decoders(plan, lake, keys, threads);
    for (size_t i = 0; i < keys.size(); ++i) {
      FL_ASSIGN_OR_RETURN(ObjectResult r, decoders.Take(i));
      FL_RETURN_IF_ERROR(output.Add(std::move(r)));
    }
  }
  FL_RETURN_IF_ERROR(output.Finish());
  FL_RETURN_IF_ERROR(DeleteStale(config, lake, batch, output.written_keys(), report));
  return report;
}

}  // namespace fleetlake
