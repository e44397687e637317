// Opening the source and the lake from the config, and bringing lake files to local disk for the
// parts of the pipeline (DuckDB) that can only read local files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "storage/store.h"

namespace fleetlake {

StoreOptions StoreOptionsFor(const S3Config& s3);
Result<std::unique_ptr<Store>> OpenConfiguredStore(const std::string& uri, const S3Config& s3);

// A private temp folder, removed with everything in it when this goes out of scope.
class StagingDir {
 public:
  static Result<std::unique_ptr<StagingDir>> Create(const std::string& what);
  ~StagingDir();
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit StagingDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Local paths of these keys: in place for a local store; otherwise downloaded (in parallel) under
// `staging`, keeping the key's relative path so messages stay recognisable.
Result<std::vector<std::string>> LocalCopies(Store& store, const std::vector<std::string>& keys,
                                             StagingDir& staging, int concurrency);

}  // namespace fleetlake
