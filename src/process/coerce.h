// Coercion of a decoded JSON value to a column type (EVENTS.md: a non-required value of the wrong
// type never drops the record; numeric strings are converted, anything else becomes null and is
// counted for the data-quality report).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "config/config.h"
#include "process/record_decoder.h"

namespace fleetlake {

struct Cell {
  bool valid = false;         // a value to store; false = NULL
  bool coerced_null = false;  // present and not null, but not convertible: NULL, and counted
  double f64 = 0;             // kDouble
  int64_t i64 = 0;            // kBigint, kBoolean (0/1), kTimestamp (micros, UTC)
  std::string_view str;       // kString; views the decoder's buffers
};

// string    <- string; numbers and booleans as their JSON text; objects and arrays -> NULL.
// double    <- number, or a string that is entirely a finite number ("52.1", " 52.1 ").
// bigint    <- integral number or string ("7", "7.0", "1e3"), within int64.
// boolean   <- true/false, or the strings "true"/"false".
// timestamp <- a string ParseTimestamp accepts.
// Absent and null are NULL without being counted.
Cell Coerce(const SlotValue& value, ColumnType type);

// The whole of `text` as a finite double (a leading '+' and surrounding blanks tolerated).
std::optional<double> ParseDoubleText(std::string_view text);
// The whole of `text` as an int64, also from an integral decimal/exponent form ("7.0", "1e3").
std::optional<int64_t> ParseBigintText(std::string_view text);

}  // namespace fleetlake
