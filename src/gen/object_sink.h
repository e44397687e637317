// Collects generated lines per second of stream and writes one source object per second, named
// like the real bucket's keys. Lines may be added to the current second, the one before (records
// that land in the neighbouring file) and up to kMaxAhead seconds ahead (late duplicates); anything
// older is complete and gets written out. Buffers are reused, so steady-state generation does not
// allocate per line.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "gen/rng.h"

namespace fleetlake::gen {

// The producer's clock: key times are UTC minus three hours (as in the known data).
inline constexpr int64_t kProducerUtcOffsetSeconds = -3 * 3600;

// "2019-06-01-15-17-3-events.json" for a UTC second; hour zero-padded or not as asked.
std::string ObjectKeyForSecond(int64_t utc_second, bool pad_hour, bool gzip);

class ObjectSink {
 public:
  static constexpr int64_t kMaxAhead = 40;

  // Objects go to `data_dir` (created by the caller). `noise` drives cosmetic choices (line
  // shuffling, hour padding, which objects are gzipped) and is owned by the caller.
  ObjectSink(std::string data_dir, Rng* noise, bool gzip_some);

  // Adds one line (without its '\n') to the object of `utc_second`.
  Status Add(int64_t utc_second, std::string_view line);
  // Writes every pending object of a second <= `utc_second`, in time order.
  Status FlushThrough(int64_t utc_second);
  Status FlushAll() { return FlushThrough(INT64_MAX); }

  int64_t objects() const { return objects_; }
  int64_t bytes() const { return bytes_; }

 private:
  struct Slot {
    int64_t second = -1;  // -1: empty
    std::string text;     // lines, each followed by '\n'
    std::vector<uint32_t> starts;
  };
  static constexpr size_t kSlots = 64;  // power of two > kMaxAhead + 2
  static_assert(kSlots > kMaxAhead + 2);

  Status WriteSlot(Slot& slot);

  std::string data_dir_;
  Rng* noise_;
  bool gzip_some_;
  std::array<Slot, kSlots> slots_;
  std::vector<uint32_t> order_;
  std::string out_;
  std::string gz_;
  int64_t objects_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace fleetlake::gen
