#include "process/object_decoder.h"

#include <fmt/format.h>

#include "common/time_util.h"
#include "process/record_reader.h"

namespace fleetlake {
namespace {

// Values quoted in reasons are cut: reasons are read by people and counted by category.
constexpr size_t kMaxQuotedValue = 64;

std::string Quote(const SlotValue& v) {
  switch (v.kind) {
    case ValueKind::kString: {
      std::string_view s = v.text.substr(0, kMaxQuotedValue);
      return fmt::format("'{}'{}", s, v.text.size() > kMaxQuotedValue ? "..." : "");
    }
    case ValueKind::kNumber:
    case ValueKind::kBool:
      return std::string(v.text.substr(0, kMaxQuotedValue));
    default:
      return fmt::format("<{}>", ValueKindName(v.kind));
  }
}

bool IsMissing(const SlotValue& v) {
  return v.kind == ValueKind::kAbsent || v.kind == ValueKind::kNull ||
         (v.kind == ValueKind::kString && v.text.empty());
}

}  // namespace

ColumnBatch MakeEntityBatch(const EntityConfig& entity) {
  std::vector<std::pair<std::string, ColumnType>> schema;
  schema.reserve(entity.columns.size() + 2);
  for (const ColumnConfig& c : entity.columns) schema.emplace_back(c.name, c.type);
  schema.emplace_back(kSourceKeyColumn, ColumnType::kString);
  schema.emplace_back(kSourceLineColumn, ColumnType::kBigint);
  return ColumnBatch::WithSchema(schema);
}

ObjectDecoder::ObjectDecoder(const DecodePlan& plan) : plan_(plan), decoder_(plan) {}

ObjectResult ObjectDecoder::NewResult() const {
  ObjectResult out;
  out.rows.resize(plan_.entities.size());
  out.entities.resize(plan_.entities.size());
  for (size_t e = 0; e < plan_.entities.size(); ++e) {
    out.entities[e].coerced_nulls.assign(plan_.entities[e].config->columns.size(), 0);
  }
  return out;
}

ObjectResult ObjectDecoder::Decode(std::string_view source_key, std::string_view bytes) {
  ObjectResult out = NewResult();
  DecodeAppend(source_key, bytes, out);
  return out;
}

void ObjectDecoder::DecodeAppend(std::string_view source_key, std::string_view bytes,
                                 ObjectResult& out) {
  if (out.objects++ == 0) out.source_key = std::string(source_key);
  source_key_ = source_key;
  out.bytes_read += static_cast<int64_t>(bytes.size());

  std::string_view text = bytes;
  if (IsGzip(bytes)) {
    Result<std::string> r = Gunzip(bytes);
    if (!r.ok()) {
      // Records decoded before the damage are not trusted either: the object is one reject, and
      // re-fetching a good copy and re-running the batch restores all of it.
      AddReject(out, -1, std::nullopt, "unreadable gzip object",
                "unreadable gzip object: " + r.status().message(), 0, {});
      return;
    }
    inflated_ = std::move(r).value();
    text = inflated_;
  }
  ForEachRecord(text,
                [&](int64_t line, std::string_view record) { HandleRecord(line, record, out); });
}

void ObjectDecoder::HandleRecord(int64_t line, std::string_view record, ObjectResult& out) {
  ++out.records;
  std::string reason;
  if (!decoder_.Decode(record, &reason)) {
    std::string key = reason;
    AddReject(out, -1, std::nullopt, std::move(key), std::move(reason), line, record);
    return;
  }
  bool routed = false;
  for (size_t e = 0; e < plan_.entities.size(); ++e) {
    if (Matches(plan_.entities[e])) {
      routed = true;
      HandleEntity(static_cast<int>(e), line, record, out);
    }
  }
  if (!routed) {
    reason = UnroutableReason();
    std::string key = reason;
    AddReject(out, -1, std::nullopt, std::move(key), std::move(reason), line, record);
  }
}

bool ObjectDecoder::Matches(const EntityPlan& entity) const {
  for (const auto& [slot, expected] : entity.match) {
    const SlotValue& v = decoder_.slot(slot);
    const bool scalar =
        v.kind == ValueKind::kString || v.kind == ValueKind::kNumber || v.kind == ValueKind::kBool;
    if (!scalar || v.text != expected) return false;
  }
  return true;
}

std::string ObjectDecoder::UnroutableReason() const {
  std::string present;
  for (int slot : plan_.match_slots) {
    const SlotValue& v = decoder_.slot(slot);
    if (IsMissing(v)) continue;
    if (!present.empty()) present += ", ";
    present += fmt::format("{}={}", plan_.slot_paths[slot], Quote(v));
  }
  if (present.empty()) {
    if (plan_.match_slots.empty()) return "no entity configured";
    return fmt::format("missing required field '{}'", plan_.slot_paths[plan_.match_slots[0]]);
  }
  return fmt::format("no entity configured for {}", present);
}

void ObjectDecoder::HandleEntity(int e, int64_t line, std::string_view record, ObjectResult& out) {
  const EntityPlan& ep = plan_.entities[e];
  const EntityConfig& entity = *ep.config;
  EntityCounters& counters = out.entities[e];
  ++counters.rows_in;

  const size_t ncols = entity.columns.size();
  cells_.resize(ncols);
  for (size_t i = 0; i < ncols; ++i) {
    cells_[i] = Coerce(decoder_.slot(ep.column_slots[i]), entity.columns[i].type);
  }
  const Cell& part = cells_[ep.partition_column];
  std::optional<int32_t> day;
  if (part.valid) day = DayOfMicros(part.i64);

  const auto reject = [&](std::string key, std::string reason) {
    ++counters.rejected[key];
    AddReject(out, e, day, std::move(key), std::move(reason), line, record);
  };

  for (const RequiredPath& req : ep.required) {
    const SlotValue& v = decoder_.slot(req.slot);
    // "at": "" is a timestamp that does not parse rather than a missing field.
    const bool empty_timestamp = req.column >= 0 && v.kind == ValueKind::kString &&
                                 entity.columns[req.column].type == ColumnType::kTimestamp;
    if (IsMissing(v) && !empty_timestamp) {
      reject(fmt::format("missing required field '{}'", req.path),
             fmt::format("missing required field '{}'", req.path));
      return;
    }
    if (req.column >= 0 && !cells_[req.column].valid) {
      const ColumnType type = entity.columns[req.column].type;
      if (type == ColumnType::kTimestamp) {
        std::string key = fmt::format("invalid timestamp in '{}'", req.path);
        reject(key, fmt::format("{}: {}", key, Quote(v)));
      } else {
        std::string key = fmt::format("wrong type for required field '{}'", req.path);
        reject(key, fmt::format("{}: expected {}, got {}", key, ColumnTypeName(type), Quote(v)));
      }
      return;
    }
  }
  if (!day) {
    const ColumnConfig& pc = entity.columns[ep.partition_column];
    const SlotValue& v = decoder_.slot(ep.column_slots[ep.partition_column]);
    if (v.kind == ValueKind::kAbsent || v.kind == ValueKind::kNull) {
      std::string key = fmt::format("missing partition column '{}' (path '{}')", pc.name, pc.path);
      reject(key, key);
    } else {
      std::string key = fmt::format("invalid timestamp in '{}'", pc.path);
      reject(key, fmt::format("{}: {}", key, Quote(v)));
    }
    return;
  }

  ++counters.rows_kept;
  auto [it, inserted] = out.rows[e].try_emplace(*day);
  ColumnBatch& batch = it->second;
  if (inserted) batch = MakeEntityBatch(entity);
  for (size_t i = 0; i < ncols; ++i) {
    const Cell& c = cells_[i];
    ColumnData& col = batch.columns[i];
    if (c.coerced_null) ++counters.coerced_nulls[i];
    if (!c.valid) {
      col.AppendNull();
      continue;
    }
    switch (col.type) {
      case ColumnType::kString:
        col.AppendString(c.str);
        break;
      case ColumnType::kDouble:
        col.AppendDouble(c.f64);
        break;
      default:
        col.AppendInt(c.i64);
        break;
    }
  }
  batch.columns[ncols].AppendString(source_key_);
  batch.columns[ncols + 1].AppendInt(line);
  ++batch.num_rows;
}

void ObjectDecoder::AddReject(ObjectResult& out, int entity, std::optional<int32_t> day,
                              std::string reason_key, std::string reason, int64_t line,
                              std::string_view record) {
  if (entity < 0) ++out.unroutable[reason_key];
  RejectRecord r;
  r.entity = entity;
  r.day = day;
  r.reason = std::move(reason);
  r.reason_key = std::move(reason_key);
  r.line = line;
  r.record_bytes = record.size();
  r.record = std::string(record.substr(0, kMaxRejectRecordBytes));
  r.source_key = std::string(source_key_);
  out.rejects.push_back(std::move(r));
}

}  // namespace fleetlake
