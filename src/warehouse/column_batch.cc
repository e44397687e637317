#include "warehouse/column_batch.h"

namespace fleetlake {

void ColumnData::AppendNull() {
  valid.push_back(0);
  switch (type) {
    case ColumnType::kString:
      offsets.push_back(chars.size());
      break;
    case ColumnType::kDouble:
      f64.push_back(0);
      break;
    default:
      i64.push_back(0);
      break;
  }
}

void ColumnData::AppendString(std::string_view v) {
  valid.push_back(1);
  chars.append(v);
  offsets.push_back(chars.size());
}

void ColumnData::AppendDouble(double v) {
  valid.push_back(1);
  f64.push_back(v);
}

void ColumnData::AppendInt(int64_t v) {
  valid.push_back(1);
  i64.push_back(v);
}

void ColumnData::Clear() {
  valid.clear();
  f64.clear();
  i64.clear();
  chars.clear();
  offsets.assign(1, 0);
}

ColumnBatch ColumnBatch::WithSchema(const std::vector<std::pair<std::string, ColumnType>>& schema) {
  ColumnBatch batch;
  for (const auto& [name, type] : schema) {
    ColumnData c;
    c.name = name;
    c.type = type;
    batch.columns.push_back(std::move(c));
  }
  return batch;
}

size_t ColumnBatch::ByteSize() const {
  size_t n = 0;
  for (const auto& c : columns) {
    n += c.valid.size() + c.f64.size() * 8 + c.i64.size() * 8 + c.chars.size() +
         c.offsets.size() * 8;
  }
  return n;
}

void ColumnBatch::Clear() {
  for (auto& c : columns) c.Clear();
  num_rows = 0;
}

}  // namespace fleetlake
