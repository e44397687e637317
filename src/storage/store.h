// Store: where objects live (a local folder or an S3 bucket/prefix), in the spirit of LevelDB's
// Env. Keys are relative, '/'-separated, and validated: a key can never name a place outside the
// store's root.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace fleetlake {

struct ObjectInfo {
  std::string key;  // relative to the store root
  uint64_t size = 0;
  std::string etag;      // S3 ETag (without quotes) or, for local files, empty until computed
  int64_t mtime_us = 0;  // LastModified / file mtime, microseconds since the epoch
};

class Store {
 public:
  virtual ~Store() = default;

  // Every object under `prefix` (recursively), sorted by key.
  virtual Result<std::vector<ObjectInfo>> List(std::string_view prefix) = 0;
  // NotFound when absent.
  virtual Result<ObjectInfo> Head(std::string_view key) = 0;
  virtual Result<std::string> Get(std::string_view key) = 0;
  // Downloads into a local file (created or replaced).
  virtual Status GetToFile(std::string_view key, const std::string& local_path) = 0;
  // Atomic: readers see the old object or the new one, never a partial one.
  virtual Status Put(std::string_view key, std::string_view data) = 0;
  // Atomic upload of a local file. The local file may be consumed (moved) by the store.
  virtual Status PutFile(std::string_view key, const std::string& local_path) = 0;
  // Deleting an absent key is not an error.
  virtual Status Delete(std::string_view key) = 0;
  // Hex MD5 of the object's bytes (the ETag of a single-part S3 upload).
  virtual Result<std::string> Md5(std::string_view key) = 0;

  // Where the object is on the local file system, when the store is local; lets DuckDB read
  // files in place.
  virtual std::optional<std::string> LocalPath(std::string_view key) const = 0;
  // "file:///abs/lake/raw/x" or "s3://bucket/prefix/x": for messages.
  virtual std::string Uri(std::string_view key) const = 0;
};

// Checks a relative key: not empty, no leading '/', no '.' or '..' segments, no empty segments,
// no NUL or control characters, at most 1024 bytes. The message says what is wrong.
Status ValidateKey(std::string_view key);

// How to reach an S3 store; ignored for local folders. Secrets here are never printed.
struct StoreOptions {
  std::string region;      // empty: AWS_REGION / AWS_DEFAULT_REGION / the profile's, else us-east-1
  std::string endpoint;    // "http://127.0.0.1:9000" for MinIO, R2, Ceph, s3rver; empty: AWS
  bool anonymous = false;  // unsigned requests (public buckets)
  std::optional<bool> path_style;  // default: path style with an endpoint, else virtual-host
  std::string profile;             // empty: AWS_PROFILE, else "default"
  std::string access_key_id;       // explicit credentials (else environment, then profile)
  std::string secret_access_key;
  std::string session_token;
  int concurrency = 16;                        // parallel parts of one multipart upload
  uint64_t multipart_threshold = 64ull << 20;  // files at least this big go up in parts
  uint64_t part_size = 16ull << 20;            // bytes per part (S3 minimum 5 MiB)
  int max_attempts = 8;                        // per request, on retryable failures
  int base_backoff_ms = 100;                   // first retry delay; doubles, with jitter
};

// "s3://bucket/prefix" opens an S3 store; anything else is a local folder (created if missing).
Result<std::unique_ptr<Store>> OpenStore(const std::string& uri, const StoreOptions& options = {});

// Joins two key parts with exactly one '/'.
std::string JoinKey(std::string_view a, std::string_view b);

}  // namespace fleetlake
