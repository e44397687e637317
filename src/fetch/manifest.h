// The fetch manifest: which source objects are in the raw zone, in which batch, with which bytes.
// One small JSON file per batch under <lake>/_fleetlake/manifest/, rewritten atomically.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace fleetlake {

struct ManifestEntry {
  std::string key;  // source key; the raw copy is raw/<key>
  uint64_t size = 0;
  std::string md5;
  int64_t fetched_at_us = 0;
};

struct BatchManifest {
  std::string batch;                   // YYYY-MM-DD: the day of the objects' keys
  std::vector<ManifestEntry> entries;  // sorted by key, unique

  // Adds or replaces the entry with the same key, keeping the order.
  void Upsert(const ManifestEntry& entry);
  const ManifestEntry* Find(const std::string& key) const;
  std::string ToJson() const;
  static Result<BatchManifest> FromJson(const std::string& batch, const std::string& json);
};

std::string ManifestKey(const std::string& batch);
// An empty manifest when the batch was never fetched.
Result<BatchManifest> LoadManifest(Store& lake, const std::string& batch);
Status SaveManifest(Store& lake, const BatchManifest& manifest);

// Lake key of the raw copy of a source key.
std::string RawKey(const std::string& source_key);

}  // namespace fleetlake
