// Small civil-date and timestamp helpers private to the generator. fl_gen deliberately does not
// depend on common/time_util so that the generator (which produces the test data) and the product's
// parser (which consumes it) cannot share a bug.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fleetlake::gen {

struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int year, unsigned month, unsigned day);
CivilDate CivilFromDays(int64_t days);

// Strict "YYYY-MM-DD" -> days since the epoch; nullopt for anything else (2019-02-30, 2019-6-1).
std::optional<int64_t> ParseIsoDate(std::string_view text);

// Appends an instant given in milliseconds since the epoch as "2019-06-01T18:17:05.094Z", or as
// "2019-06-01T18:17:05Z" when `with_fraction` is false (the milliseconds are then dropped).
void AppendTimestamp(std::string& out, int64_t ms, bool with_fraction);

// Appends `value` (0 <= value) zero-padded to `width` digits.
void AppendPadded(std::string& out, int64_t value, int width);

// Floor division / modulo for negative instants (before 1970).
inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
inline int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

}  // namespace fleetlake::gen
