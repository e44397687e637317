// Small helpers to write JSON text by hand (reject files, the process report). Raw input can hold
// anything, so strings are always emitted as valid UTF-8 JSON.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fleetlake {

// Appends `s` as a quoted JSON string: escapes quotes, backslashes and control characters, and
// replaces each byte of an invalid UTF-8 sequence with U+FFFD so the output always parses.
void AppendJsonString(std::string& out, std::string_view s);

// The same without the surrounding quotes, for building JSON with fmt.
std::string JsonEscape(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` that does not cut a UTF-8 sequence in half.
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes);

}  // namespace fleetlake
