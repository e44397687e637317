#include "process/coerce.h"

#include <charconv>
#include <cmath>

#include "common/time_util.h"

namespace fleetlake {
namespace {

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view StripPlus(std::string_view s) {
  if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
  return s;
}

}  // namespace

std::optional<double> ParseDoubleText(std::string_view text) {
  text = StripPlus(TrimBlanks(text));
  if (text.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  // from_chars also reads "inf" and "nan": not numbers a column should hold.
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> ParseBigintText(std::string_view text) {
  text = StripPlus(TrimBlanks(text));
  if (text.empty()) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc() && end == text.data() + text.size()) return v;
  // "7.0" or "1e3": accept when the value is integral and representable.
  std::optional<double> d = ParseDoubleText(text);
  if (!d || std::trunc(*d) != *d || *d < -9223372036854775808.0 || *d >= 9223372036854775808.0) {
    return std::nullopt;
  }
  return static_cast<int64_t>(*d);
}

Cell Coerce(const SlotValue& value, ColumnType type) {
  Cell cell;
  if (value.kind == ValueKind::kAbsent || value.kind == ValueKind::kNull) return cell;
  const bool scalar_text = value.kind == ValueKind::kString || value.kind == ValueKind::kNumber;
  switch (type) {
    case ColumnType::kString:
      if (value.kind != ValueKind::kObject && value.kind != ValueKind::kArray) {
        cell.valid = true;
        cell.str = value.text;
      }
      break;
    case ColumnType::kDouble:
      if (scalar_text) {
        if (auto d = ParseDoubleText(value.text)) {
          cell.valid = true;
          cell.f64 = *d;
        }
      }
      break;
    case ColumnType::kBigint:
      if (scalar_text) {
        if (auto i = ParseBigintText(value.text)) {
          cell.valid = true;
          cell.i64 = *i;
        }
      }
      break;
    case ColumnType::kBoolean:
      if (value.kind == ValueKind::kBool || value.kind == ValueKind::kString) {
        if (value.text == "true" || value.text == "false") {
          cell.valid = true;
          cell.i64 = value.text == "true" ? 1 : 0;
        }
      }
      break;
    case ColumnType::kTimestamp:
      if (value.kind == ValueKind::kString) {
        if (auto us = ParseTimestamp(value.text)) {
          cell.valid = true;
          cell.i64 = *us;
        }
      }
      break;
  }
  cell.coerced_null = !cell.valid;
  return cell;
}

}  // namespace fleetlake
