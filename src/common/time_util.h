// Time parsing and formatting. All instants are microseconds since the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fleetlake {

// ISO-8601 / RFC 3339: "2019-06-01T18:17:05.094Z", without fraction, with an offset (+02:00,
// +0200, -03), 'T' or ' ' as separator; no zone means UTC. Returns nullopt for anything invalid
// (month 13, Feb 30, hour 25, trailing garbage, year 0).
std::optional<int64_t> ParseTimestamp(std::string_view text);

// "YYYY-MM-DD" -> days since the epoch.
std::optional<int32_t> ParseDate(std::string_view text);

// Days since the epoch of the UTC day holding `micros`.
int32_t DayOfMicros(int64_t micros);
// Days since epoch -> "YYYY-MM-DD".
std::string FormatDate(int32_t days);
// Micros -> "2019-06-01T18:17:05.094000Z".
std::string FormatTimestamp(int64_t micros);
// Days since epoch of a civil date (proleptic Gregorian).
int32_t DaysFromCivil(int year, unsigned month, unsigned day);

// The day in a source key such as "data/2019-06-01-15-17-3-events.json": the basename starts with
// YYYY-MM-DD-H-M-S (time parts not necessarily zero-padded). Returns days since epoch.
std::optional<int32_t> KeyDate(std::string_view key);

// Wall clock now, micros since epoch.
int64_t NowMicros();

}  // namespace fleetlake
