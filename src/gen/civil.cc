#include "gen/civil.h"

namespace fleetlake::gen {

int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;                                       // [0, 399]
  const int64_t mp = (month + 9) % 12;                                     // March = 0
  const int64_t doy = (153 * mp + 2) / 5 + static_cast<int64_t>(day) - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;               // [0, 146096]
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const unsigned day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const unsigned month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {static_cast<int>(year), month, day};
}

std::optional<int64_t> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](size_t pos, size_t len) -> std::optional<int> {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d || *y == 0 || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
  const int64_t days = DaysFromCivil(*y, *m, *d);
  // Round-tripping rejects day-of-month overflow (2019-02-30) without a month-length table.
  const CivilDate back = CivilFromDays(days);
  if (back.day != static_cast<unsigned>(*d) || back.month != static_cast<unsigned>(*m)) {
    return std::nullopt;
  }
  return days;
}

void AppendPadded(std::string& out, int64_t value, int width) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (int i = n; i < width; ++i) out.push_back('0');
  while (n > 0) out.push_back(buf[--n]);
}

void AppendTimestamp(std::string& out, int64_t ms, bool with_fraction) {
  const int64_t days = FloorDiv(ms, 86'400'000);
  const int64_t ms_of_day = ms - days * 86'400'000;
  const CivilDate date = CivilFromDays(days);
  // Fixed-width layout written into a stack buffer: this runs twice per generated update.
  char buf[24];
  auto put2 = [](char* p, int64_t v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  const int64_t y = date.year;
  buf[0] = static_cast<char>('0' + (y / 1000) % 10);
  buf[1] = static_cast<char>('0' + (y / 100) % 10);
  put2(buf + 2, y % 100);
  buf[4] = '-';
  put2(buf + 5, date.month);
  buf[7] = '-';
  put2(buf + 8, date.day);
  buf[10] = 'T';
  const int64_t secs = ms_of_day / 1000;
  put2(buf + 11, secs / 3600);
  buf[13] = ':';
  put2(buf + 14, secs / 60 % 60);
  buf[16] = ':';
  put2(buf + 17, secs % 60);
  size_t n = 19;
  if (with_fraction) {
    const int64_t frac = ms_of_day % 1000;
    buf[19] = '.';
    buf[20] = static_cast<char>('0' + frac / 100);
    put2(buf + 21, frac % 100);
    n = 23;
  }
  buf[n++] = 'Z';
  out.append(buf, n);
}

}  // namespace fleetlake::gen
