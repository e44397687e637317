#include "pipeline/store_open.h"

#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

namespace fleetlake {

StoreOptions StoreOptionsFor(const S3Config& s3) {
  StoreOptions o;
  o.region = s3.region;
  o.endpoint = s3.endpoint;
  o.anonymous = s3.anonymous;
  if (s3.addressing == "path") o.path_style = true;
  if (s3.addressing == "virtual") o.path_style = false;
  o.profile = s3.profile;
  o.access_key_id = s3.access_key_id;
  o.secret_access_key = s3.secret_access_key;
  o.session_token = s3.session_token;
  o.concurrency = s3.concurrency;
  o.part_size = static_cast<uint64_t>(s3.part_size_mb) << 20;
  o.multipart_threshold = o.part_size * 4;
  return o;
}

Result<std::unique_ptr<Store>> OpenConfiguredStore(const std::string& uri, const S3Config& s3) {
  return OpenStore(uri, StoreOptionsFor(s3));
}

Result<std::unique_ptr<StagingDir>> StagingDir::Create(const std::string& what) {
  const char* t = std::getenv("TMPDIR");
  std::string tmpl = fmt::format("{}/fleetlake-{}-XXXXXX", t && *t ? t : "/tmp", what);
  if (!::mkdtemp(tmpl.data())) {
    return Status::IOError(
        fmt::format("cannot create a temp folder {}: {}", tmpl, std::strerror(errno)));
  }
  return std::unique_ptr<StagingDir>(new StagingDir(tmpl));
}

StagingDir::~StagingDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Result<std::vector<std::string>> LocalCopies(Store& store, const std::vector<std::string>& keys,
                                             StagingDir& staging, int concurrency) {
  std::vector<std::string> paths(keys.size());
  std::vector<size_t> remote;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (auto local = store.LocalPath(keys[i])) {
      paths[i] = *local;
    } else {
      FL_RETURN_IF_ERROR(ValidateKey(keys[i]));
      paths[i] = staging.path() + "/" + keys[i];
      remote.push_back(i);
    }
  }
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto work = [&] {
    for (size_t j = next++; j < remote.size(); j = next++) {
      size_t i = remote[j];
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(paths[i]).parent_path(), ec);
      Status st = store.GetToFile(keys[i], paths[i]);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = st;
        return;
      }
    }
  };
  int n = std::max(1, std::min<int>(concurrency, static_cast<int>(remote.size())));
  std::vector<std::thread> threads;
  for (int t = 1; t < n; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  if (!first_error.ok()) return first_error;
  return paths;
}

}  // namespace fleetlake
