// The fetch task: copy source objects into <lake>/raw/, byte for byte, incrementally.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/progress.h"
#include "common/status.h"
#include "storage/store.h"

namespace fleetlake {

struct FetchOptions {
  std::optional<int32_t> date;       // only the objects of this key day (days since epoch)
  int concurrency = 8;               // parallel transfers
  ProgressSink* progress = nullptr;  // told the selected objects, then each one done
};

struct SourceObject {
  ObjectInfo info;
  std::string batch;  // YYYY-MM-DD from the key's timestamp, else from LastModified
};

struct FetchReport {
  size_t listed = 0;    // objects in the source
  size_t selected = 0;  // of those, in the requested day
  size_t copied = 0;
  size_t skipped = 0;  // already in the raw zone with the same bytes
  uint64_t bytes_copied = 0;
  std::vector<std::string> refused;       // unsafe keys, with the reason
  std::map<std::string, size_t> batches;  // batch -> objects in it after the fetch
};

// Lists the source and assigns every object its batch (its key's day). Unsafe keys are returned
// in `refused` rather than failing the listing.
Result<std::vector<SourceObject>> ListSource(Store& source, std::vector<std::string>* refused);

// Copies every selected object not yet in the raw zone (same size and MD5 = already there),
// in parallel, each through a temporary file and a rename; then records the batches' manifests.
Result<FetchReport> Fetch(Store& source, Store& lake, const FetchOptions& options);

}  // namespace fleetlake
