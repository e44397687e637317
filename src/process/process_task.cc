#include "process/process_task.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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

// A private local folder for files on their way to the lake, removed on scope exit. For a local
// lake it lives inside the lake (_fleetlake/tmp/): publishing is then a rename, and the folder of a
// killed run is removed by the next one (the run lock guarantees no other run is using it), so a
// crash leaves nothing behind outside the lake. Remote lakes use the system's temp folder.
class ScratchDir {
 public:
  static Result<std::unique_ptr<ScratchDir>> Create(Store& lake) {
    std::error_code ec;
    std::filesystem::path base;
    std::string name = "fleetlake-process-XXXXXX";
    if (std::optional<std::string> local = lake.LocalPath("_fleetlake/tmp")) {
      name = "process-XXXXXX";
      base = *local;
      std::filesystem::create_directories(base, ec);
      for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
        if (entry.path().filename().string().rfind("process-", 0) == 0) {
          std::filesystem::remove_all(entry.path(), ec);
        }
      }
    } else {
      base = std::filesystem::temp_directory_path(ec);
      if (ec) base = "/tmp";
    }
    std::string pattern = (base / name).string();
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

// Objects decoded into one result: the real stream's objects hold a few dozen records, so handing
// them over one by one would cost more in locking and allocation than decoding them.
constexpr size_t kObjectsPerSegment = 32;

// Reads a raw object. A local lake is read straight into a reused buffer (one open and read per
// object, no stream machinery); other stores go through Store::Get.
class ObjectReader {
 public:
  explicit ObjectReader(Store& lake) : lake_(lake) {}

  Result<std::string_view> Read(const std::string& key) {
    if (std::optional<std::string> path = lake_.LocalPath(key)) {
      if (ReadLocal(*path)) return std::string_view(buffer_);
      // Fall through: Store::Get gives the proper NotFound / IOError.
    }
    Result<std::string> bytes = lake_.Get(key);
    if (!bytes.ok()) return bytes.status().WithContext("reading " + key);
    buffer_ = std::move(bytes).value();
    return std::string_view(buffer_);
  }

 private:
  bool ReadLocal(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (ok) {
      buffer_.resize(static_cast<size_t>(st.st_size));
      size_t done = 0;
      while (ok && done < buffer_.size()) {
        const ssize_t n = ::read(fd, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<size_t>(n);
      }
    }
    ::close(fd);
    return ok;
  }

  Store& lake_;
  std::string buffer_;
};

// Decodes segment `s` (keys [s * kObjectsPerSegment, ...)) into one result.
Result<ObjectResult> DecodeSegment(ObjectDecoder& decoder, ObjectReader& reader,
                                   const std::vector<std::string>& keys, size_t s) {
  ObjectResult out = decoder.NewResult();
  const size_t end = std::min(keys.size(), (s + 1) * kObjectsPerSegment);
  for (size_t i = s * kObjectsPerSegment; i < end; ++i) {
    FL_ASSIGN_OR_RETURN(std::string_view bytes, reader.Read(keys[i]));
    decoder.DecodeAppend(SourceKeyOf(keys[i]), bytes, out);
  }
  return out;
}

// Decodes segments on worker threads while the calling thread consumes the results strictly in
// key order. Workers run at most `window` segments ahead of the consumer, which bounds memory to a
// window of decoded segments however large the batch.
class ParallelDecoder {
 public:
  ParallelDecoder(const DecodePlan& plan, Store& lake, const std::vector<std::string>& keys,
                  size_t segments, int threads)
      : keys_(keys),
        segments_(segments),
        window_(static_cast<size_t>(threads) * 2),
        ring_(window_) {
    for (int t = 0; t < threads; ++t) {
      decoders_.push_back(std::make_unique<ObjectDecoder>(plan));
      readers_.push_back(std::make_unique<ObjectReader>(lake));
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

  // The result for segment i; must be called for i = 0, 1, 2, ... in order.
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
        cv_.wait(lock, [&] { return stop_ || next_ >= segments_ || next_ < consumed_ + window_; });
        if (stop_ || next_ >= segments_) return;
        i = next_++;
      }
      Result<ObjectResult> r = DecodeSegment(*decoders_[t], *readers_[t], keys_, i);
      {
        std::lock_guard<std::mutex> lock(mu_);
        ring_[i % window_] = std::move(r);
      }
      cv_.notify_all();
    }
  }

  const std::vector<std::string>& keys_;
  const size_t segments_;
  const size_t window_;
  std::vector<std::unique_ptr<ObjectDecoder>> decoders_;
  std::vector<std::unique_ptr<ObjectReader>> readers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::optional<Result<ObjectResult>>> ring_;
  size_t next_ = 0;      // next segment to claim
  size_t consumed_ = 0;  // segments taken by the consumer
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
                                   const std::vector<std::string>& raw_keys, ParquetWriter& writer,
                                   ProgressSink* progress) {
  if (!ValidBatchName(batch)) {
    return Status::InvalidArgument(
        fmt::format("bad batch name '{}': use letters, digits, '-', '_' and '.'", batch));
  }
  FL_ASSIGN_OR_RETURN(DecodePlan plan, DecodePlan::Compile(config));

  // Key order fixes the order of rows and the part boundaries: the output is deterministic.
  std::vector<std::string> keys = raw_keys;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());

  const size_t segments = (keys.size() + kObjectsPerSegment - 1) / kObjectsPerSegment;
  int threads = config.process.threads;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<size_t>(threads, std::max<size_t>(segments, 1)));

  ProcessReport report;
  report.batch = batch;
  FL_ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch, ScratchDir::Create(lake));
  BatchOutput output(plan, lake, writer, batch, scratch->path(), config.process.max_rows, report);

  if (threads == 1) {
    ObjectDecoder decoder(plan);
    ObjectReader reader(lake);
    for (size_t i = 0; i < segments; ++i) {
      FL_ASSIGN_OR_RETURN(ObjectResult r, DecodeSegment(decoder, reader, keys, i));
      if (progress) progress->Advance(r.objects, r.bytes_read, r.records);
      FL_RETURN_IF_ERROR(output.Add(std::move(r)));
    }
  } else {
    ParallelDecoder decoders(plan, lake, keys, segments, threads);
    for (size_t i = 0; i < segments; ++i) {
      FL_ASSIGN_OR_RETURN(ObjectResult r, decoders.Take(i));
      if (progress) progress->Advance(r.objects, r.bytes_read, r.records);
      FL_RETURN_IF_ERROR(output.Add(std::move(r)));
    }
  }
  FL_RETURN_IF_ERROR(output.Finish());
  FL_RETURN_IF_ERROR(DeleteStale(config, lake, batch, output.written_keys(), report));
  return report;
}

}  // namespace fleetlake
