#include "fetch/fetch.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "common/time_util.h"
#include "fetch/manifest.h"
#include "storage/local_store.h"

namespace fleetlake {
namespace {

// The MD5 of a source object: its ETag when that is a plain MD5 (single-part S3 upload), else
// computed from the bytes.
Result<std::string> SourceMd5(Store& source, const ObjectInfo& info) {
  if (info.etag.size() == 32 && info.etag.find('-') == std::string::npos) return info.etag;
  return source.Md5(info.key);
}

std::string TempDir() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

}  // namespace

Result<std::vector<SourceObject>> ListSource(Store& source, std::vector<std::string>* refused) {
  FL_ASSIGN_OR_RETURN(auto listing, source.List(""));
  std::vector<SourceObject> out;
  out.reserve(listing.size());
  for (auto& info : listing) {
    Status safe = ValidateKey(RawKey(info.key));
    if (!safe.ok()) {
      if (refused) refused->push_back(safe.message());
      continue;
    }
    auto day = KeyDate(info.key);
    int32_t d = day ? *day : DayOfMicros(info.mtime_us);
    out.push_back(SourceObject{std::move(info), FormatDate(d)});
  }
  return out;
}

Result<FetchReport> Fetch(Store& source, Store& lake, const FetchOptions& options) {
  FetchReport report;
  FL_ASSIGN_OR_RETURN(auto objects, ListSource(source, &report.refused));
  report.listed = objects.size() + report.refused.size();
  std::vector<SourceObject> selected;
  for (auto& o : objects) {
    if (options.date && o.batch != FormatDate(*options.date)) continue;
    selected.push_back(std::move(o));
  }
  report.selected = selected.size();
  if (options.progress) {
    int64_t total_bytes = 0;
    for (const auto& o : selected) total_bytes += static_cast<int64_t>(o.info.size);
    options.progress->SetTotal(static_cast<int64_t>(selected.size()), total_bytes);
  }

  std::map<std::string, BatchManifest> manifests;
  for (const auto& o : selected) {
    if (manifests.count(o.batch)) continue;
    FL_ASSIGN_OR_RETURN(manifests[o.batch], LoadManifest(lake, o.batch));
  }

  std::vector<ManifestEntry> results(selected.size());
  std::vector<char> copied(selected.size(), 0);
  std::atomic<size_t> next{0};
  std::mutex error_mu;
  Status first_error;
  auto work = [&] {
    for (size_t i = next++; i < selected.size(); i = next++) {
      {
        std::lock_guard<std::mutex> lock(error_mu);
        if (!first_error.ok()) return;
      }
      const SourceObject& o = selected[i];
      Status st = [&]() -> Status {
        const std::string raw_key = RawKey(o.info.key);
        FL_ASSIGN_OR_RETURN(std::string md5, SourceMd5(source, o.info));
        ManifestEntry entry{o.info.key, o.info.size, md5, NowMicros()};
        auto raw = lake.Head(raw_key);
        if (raw.ok() && raw->size == o.info.size) {
          const ManifestEntry* known = manifests[o.batch].Find(o.info.key);
          std::string raw_md5;
          if (known && known->size == o.info.size) {
            raw_md5 = known->md5;
          } else {
            FL_ASSIGN_OR_RETURN(raw_md5, lake.Md5(raw_key));
          }
          if (raw_md5 == md5) {
            entry.fetched_at_us = known ? known->fetched_at_us : entry.fetched_at_us;
            results[i] = entry;
            return Status::OK();
          }
        } else if (!raw.ok() && !raw.status().IsNotFound()) {
          return raw.status();
        }
        // Download to a private temp file, check the bytes, then publish atomically.
        // Beside its final place when the lake is local, so publishing is a rename.
        auto local = lake.LocalPath(raw_key);
        std::string tmp = local ? fmt::format("{}.tmp-fetch-{}", *local, ::getpid())
                                : fmt::format("{}/fleetlake-fetch-{}-{}", TempDir(), ::getpid(), i);
        if (local) {
          std::error_code ec;
          std::filesystem::create_directories(std::filesystem::path(tmp).parent_path(), ec);
        }
        FL_RETURN_IF_ERROR(source.GetToFile(o.info.key, tmp));
        auto got = Md5File(tmp);
        if (!got.ok() || *got != md5) {
          std::filesystem::remove(tmp);
          return Status::Corruption(fmt::format(
              "{} changed or was damaged while copying (MD5 mismatch)", source.Uri(o.info.key)));
        }
        FL_RETURN_IF_ERROR(lake.PutFile(raw_key, tmp));
        std::filesystem::remove(tmp);
        results[i] = entry;
        copied[i] = 1;
        return Status::OK();
      }();
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (first_error.ok()) first_error = st.WithContext(fmt::format("fetching {}", o.info.key));
      }
      if (st.ok() && options.progress) {
        options.progress->Advance(1, static_cast<int64_t>(o.info.size));
      }
    }
  };
  int n = std::max(1, std::min<int>(options.concurrency, static_cast<int>(selected.size())));
  std::vector<std::thread> threads;
  for (int t = 1; t < n; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();

  // Record what is there even when some copies failed, so the retry skips the finished ones.
  for (size_t i = 0; i < selected.size(); ++i) {
    if (results[i].key.empty()) continue;
    manifests[selected[i].batch].Upsert(results[i]);
    if (copied[i]) {
      ++report.copied;
      report.bytes_copied += selected[i].info.size;
    } else {
      ++report.skipped;
    }
  }
  for (auto& [batch, manifest] : manifests) {
    FL_RETURN_IF_ERROR(SaveManifest(lake, manifest));
    report.batches[batch] = manifest.entries.size();
  }
  if (!first_error.ok()) return first_error;
  return report;
}

}  // namespace fleetlake
