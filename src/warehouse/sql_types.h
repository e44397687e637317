// Internal to src/warehouse/: how config column types map onto DuckDB. Kept here (rather than
// calling config's ColumnSqlType) so the warehouse layer does not depend on config's .cc files.
#pragma once

#include "config/config.h"

namespace fleetlake {

// VARCHAR, DOUBLE, BIGINT, BOOLEAN, TIMESTAMP (microseconds, no time zone: values are UTC).
inline const char* WarehouseSqlType(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return "VARCHAR";
    case ColumnType::kDouble:
      return "DOUBLE";
    case ColumnType::kBigint:
      return "BIGINT";
    case ColumnType::kBoolean:
      return "BOOLEAN";
    case ColumnType::kTimestamp:
      return "TIMESTAMP";
  }
  return "VARCHAR";
}

}  // namespace fleetlake
