// Hand-written ISO-8601 parsing: the process hot path parses one or more timestamps per record, so
// this avoids locale-dependent or allocating library calls (strptime, std::chrono::parse).
#include "common/time_util.h"

#include <fmt/format.h>

#include <chrono>

namespace fleetlake {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kMicrosPerDay = kSecondsPerDay * kMicrosPerSecond;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `pos`, advancing it. False when any of them is not a digit.
bool ReadFixed(std::string_view s, size_t& pos, int n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

// Reads 1 to `max_n` digits (greedy), advancing `pos`.
bool ReadVariable(std::string_view s, size_t& pos, int max_n, int& out) {
  int v = 0;
  int n = 0;
  while (pos < s.size() && IsDigit(s[pos]) && n < max_n) {
    v = v * 10 + (s[pos] - '0');
    ++pos;
    ++n;
  }
  out = v;
  return n > 0;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

bool ValidDate(int year, int month, int day) {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

// "YYYY-MM-DD" at `pos`; validates the calendar.
bool ReadDate(std::string_view s, size_t& pos, int& y, int& m, int& d) {
  return ReadFixed(s, pos, 4, y) && Expect(s, pos, '-') && ReadFixed(s, pos, 2, m) &&
         Expect(s, pos, '-') && ReadFixed(s, pos, 2, d) && ValidDate(y, m, d);
}

// Floor division: the epoch day of a negative instant is the day before, not the day after.
int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct Civil {
  int year;
  unsigned month;
  unsigned day;
};

// Howard Hinnant's civil_from_days (public domain), proleptic Gregorian.
Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

}  // namespace

int32_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const int y = year - (month <= 2);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

std::optional<int64_t> ParseTimestamp(std::string_view s) {
  size_t pos = 0;
  int year, month, day;
  if (!ReadDate(s, pos, year, month, day)) return std::nullopt;
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) return std::nullopt;
  ++pos;

  int hour, minute, second = 0;
  if (!ReadFixed(s, pos, 2, hour) || !Expect(s, pos, ':') || !ReadFixed(s, pos, 2, minute)) {
    return std::nullopt;
  }
  // Seconds are optional ("2019-06-01T18:17Z" is valid ISO-8601); 60 (leap second) is refused
  // rather than silently folded into the next minute.
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!ReadFixed(s, pos, 2, second)) return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;

  int64_t frac_us = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    int digits = 0;
    while (pos < s.size() && IsDigit(s[pos])) {
      if (digits < 6) frac_us = frac_us * 10 + (s[pos] - '0');  // truncate beyond micros
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
    for (int i = digits; i < 6; ++i) frac_us *= 10;
  }

  int64_t offset_s = 0;
  if (pos < s.size()) {
    char c = s[pos++];
    if (c == 'Z' || c == 'z') {
      // UTC
    } else if (c == '+' || c == '-') {
      int oh, om = 0;
      if (!ReadFixed(s, pos, 2, oh)) return std::nullopt;
      if (pos < s.size()) {
        if (s[pos] == ':') ++pos;
        if (!ReadFixed(s, pos, 2, om)) return std::nullopt;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset_s = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;  // trailing garbage

  int64_t days = DaysFromCivil(year, month, day);
  int64_t secs = days * kSecondsPerDay + hour * 3600 + minute * 60 + second - offset_s;
  return secs * kMicrosPerSecond + frac_us;
}

std::optional<int32_t> ParseDate(std::string_view s) {
  size_t pos = 0;
  int y, m, d;
  if (!ReadDate(s, pos, y, m, d) || pos != s.size()) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

int32_t DayOfMicros(int64_t micros) {
  return static_cast<int32_t>(FloorDiv(micros, kMicrosPerDay));
}

std::string FormatDate(int32_t days) {
  Civil c = CivilFromDays(days);
  return fmt::format("{:04d}-{:02d}-{:02d}", c.year, c.month, c.day);
}

std::string FormatTimestamp(int64_t micros) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = micros - days * kMicrosPerDay;
  Civil c = CivilFromDays(days);
  int64_t secs = rem / kMicrosPerSecond;
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:06d}Z", c.year, c.month, c.day,
                     secs / 3600, secs / 60 % 60, secs % 60, rem % kMicrosPerSecond);
}

std::optional<int32_t> KeyDate(std::string_view key) {
  size_t slash = key.rfind('/');
  std::string_view base = slash == std::string_view::npos ? key : key.substr(slash + 1);
  size_t pos = 0;
  int y, m, d, hour, minute, second;
  if (!ReadDate(base, pos, y, m, d)) return std::nullopt;
  // The producer does not zero-pad the time parts: one or two digits each.
  if (!Expect(base, pos, '-') || !ReadVariable(base, pos, 2, hour) || !Expect(base, pos, '-') ||
      !ReadVariable(base, pos, 2, minute) || !Expect(base, pos, '-') ||
      !ReadVariable(base, pos, 2, second)) {
    return std::nullopt;
  }
  if (pos < base.size() && IsDigit(base[pos])) return std::nullopt;  // a 3-digit part
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace fleetlake
