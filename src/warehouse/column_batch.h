// ColumnBatch: rows of one entity held column by column, the hand-over from the decoder to the
// Parquet writer. Fixed-width values in vectors, strings in one arena, a validity byte per value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace fleetlake {

struct ColumnData {
  std::string name;
  ColumnType type = ColumnType::kString;
  std::vector<uint8_t> valid;  // 1 = value present, 0 = NULL; one per row
  // kDouble: f64. kBigint, kBoolean (0/1), kTimestamp (microseconds since epoch, UTC): i64.
  std::vector<double> f64;
  std::vector<int64_t> i64;
  // kString: value i is chars[offsets[i], offsets[i+1]); offsets has rows + 1 entries.
  std::string chars;
  std::vector<uint64_t> offsets{0};

  std::string_view StringAt(size_t row) const {
    return std::string_view(chars).substr(offsets[row], offsets[row + 1] - offsets[row]);
  }
  void AppendNull();
  void AppendString(std::string_view v);
  void AppendDouble(double v);
  void AppendInt(int64_t v);  // bigint, boolean, timestamp
  void Clear();
};

struct ColumnBatch {
  std::vector<ColumnData> columns;
  size_t num_rows = 0;

  // Columns named and typed like `schema`, empty.
  static ColumnBatch WithSchema(const std::vector<std::pair<std::string, ColumnType>>& schema);
  size_t ByteSize() const;
  void Clear();
};

}  // namespace fleetlake
