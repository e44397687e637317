// Turns a raw object's bytes into records: gzip detection and decompression, then framing. The
// stream is NDJSON, but EVENTS.md asks us to be liberal: CRLF, blank lines, a UTF-8 BOM, a missing
// final newline, and a file that is one JSON array of events are all accepted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace fleetlake {

// Decompressed inputs larger than this are refused: a guard against gzip bombs, far above any
// object of the real stream (0.2–22 KB).
inline constexpr size_t kMaxDecompressedBytes = size_t{4} << 30;

// True when `bytes` starts with the gzip magic 1f 8b (whatever the key's extension says).
bool IsGzip(std::string_view bytes);

// Decompresses every gzip member of `bytes` (concatenated members are one stream, as gunzip does).
// Corruption when the data is truncated or damaged, or larger than `max_bytes` once inflated.
Result<std::string> Gunzip(std::string_view bytes, size_t max_bytes = kMaxDecompressedBytes);

// Calls `fn(line, record)` for each record of a decoded object, in order. `line` is 1-based: the
// line number for NDJSON, the element index + 1 when the whole object is one JSON array. A leading
// BOM and trailing '\r' are stripped; whitespace-only lines are skipped (their numbers still
// count). Records are not validated here: whatever is not an event becomes a reject downstream.
void ForEachRecord(std::string_view text,
                   const std::function<void(int64_t line, std::string_view record)>& fn);

}  // namespace fleetlake
