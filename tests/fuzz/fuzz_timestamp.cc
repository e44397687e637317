// libFuzzer target: the ISO-8601 parser must never crash, and what it accepts must format and
// parse back to the same instant.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/time_util.h"

using namespace fleetlake;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto micros = ParseTimestamp(text);
  if (micros) {
    auto again = ParseTimestamp(FormatTimestamp(*micros));
    if (!again || *again != *micros) std::abort();
  }
  auto day = ParseDate(text);
  if (day && ParseDate(FormatDate(*day)) != day) std::abort();
  (void)KeyDate(text);
  return 0;
}
