// RecordDecoder: parses one record (simdjson On-Demand) and captures the value found at each path
// of a DecodePlan. Only the planned fields are materialised; everything else is skipped.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "process/decode_plan.h"

namespace fleetlake {

enum class ValueKind : uint8_t { kAbsent, kNull, kString, kNumber, kBool, kObject, kArray };

const char* ValueKindName(ValueKind kind);

struct SlotValue {
  ValueKind kind = ValueKind::kAbsent;
  // kString: the unescaped contents; kNumber: the number exactly as written; kBool: "true" or
  // "false". Valid until the next Decode().
  std::string_view text;
};

// Not thread-safe: use one per thread (it owns the simdjson parser and its buffers).
class RecordDecoder {
 public:
  explicit RecordDecoder(const DecodePlan& plan);
  ~RecordDecoder();
  RecordDecoder(const RecordDecoder&) = delete;
  RecordDecoder& operator=(const RecordDecoder&) = delete;

  // Parses `record`. True when it is a JSON object: slots() then hold the planned values. False
  // otherwise, with the reject reason in `*reason` ("invalid JSON: ...", "not a JSON object ...").
  bool Decode(std::string_view record, std::string* reason);

  const std::vector<SlotValue>& slots() const { return slots_; }
  const SlotValue& slot(int i) const { return slots_[i]; }

 private:
  struct Impl;
  const DecodePlan& plan_;
  std::unique_ptr<Impl> impl_;
  std::vector<SlotValue> slots_;
};

}  // namespace fleetlake
