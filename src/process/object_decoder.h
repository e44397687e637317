// ObjectDecoder: one raw object's bytes -> per-entity, per-day column batches, rejects and
// counters. Applies EVENTS.md's rules: routing, required fields, types, the partition day.
// Pure computation (no I/O), so the process task can run one per thread and tests can feed it
// bytes directly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "process/coerce.h"
#include "process/decode_plan.h"
#include "process/record_decoder.h"
#include "warehouse/column_batch.h"

namespace fleetlake {

// Raw text kept in a reject is cut at this size (a binary blob without newlines is one "line").
inline constexpr size_t kMaxRejectRecordBytes = 64 * 1024;

struct RejectRecord {
  int entity = -1;             // index into DecodePlan::entities; -1 = _unroutable
  std::optional<int32_t> day;  // the partition day, when it could be determined
  std::string reason;          // full text, e.g. "invalid timestamp in 'at': '2019-13-01'"
  std::string reason_key;      // stable category for counts, e.g. "invalid timestamp in 'at'"
  int64_t line = 0;            // 1-based; 0 when the whole object is unreadable
  std::string record;          // raw text, at most kMaxRejectRecordBytes
  size_t record_bytes = 0;     // size before truncation
  std::string source_key;      // the object it came from
};

struct EntityCounters {
  int64_t rows_in = 0;  // records routed to the entity
  int64_t rows_kept = 0;
  std::map<std::string, int64_t> rejected;  // reason_key -> count
  std::vector<int64_t> coerced_nulls;       // per column
};

// The output of one object, or of a run of consecutive objects decoded into one result (fewer
// hand-overs and allocations per object: the real stream's objects hold a few dozen records).
struct ObjectResult {
  std::string source_key;  // the (first) object's key
  int64_t objects = 0;     // objects decoded into this result
  int64_t bytes_read = 0;  // as stored (compressed)
  int64_t records = 0;     // non-blank lines / array elements
  // Per entity: day -> rows (the entity's columns, then source_key and source_line).
  std::vector<std::map<int32_t, ColumnBatch>> rows;
  std::vector<EntityCounters> entities;
  std::map<std::string, int64_t> unroutable;  // reason_key -> count
  std::vector<RejectRecord> rejects;          // in input order
};

// The batch layout of an entity: its columns in config order, then source_key and source_line.
ColumnBatch MakeEntityBatch(const EntityConfig& entity);

class ObjectDecoder {
 public:
  explicit ObjectDecoder(const DecodePlan& plan);

  // Decodes a whole object (gzip is detected by its magic bytes). Never fails: an unreadable
  // object becomes one reject with line 0.
  ObjectResult Decode(std::string_view source_key, std::string_view bytes);
  // Same, appending to `out` (from Decode or NewResult): rows, counters and rejects accumulate.
  void DecodeAppend(std::string_view source_key, std::string_view bytes, ObjectResult& out);
  // An empty result shaped for the plan.
  ObjectResult NewResult() const;

 private:
  void HandleRecord(int64_t line, std::string_view record, ObjectResult& out);
  void HandleEntity(int e, int64_t line, std::string_view record, ObjectResult& out);
  bool Matches(const EntityPlan& entity) const;
  std::string UnroutableReason() const;
  void AddReject(ObjectResult& out, int entity, std::optional<int32_t> day, std::string reason_key,
                 std::string reason, int64_t line, std::string_view record);

  const DecodePlan& plan_;
  RecordDecoder decoder_;
  std::vector<Cell> cells_;
  std::string_view source_key_;
  std::string inflated_;  // reused across objects
};

}  // namespace fleetlake
