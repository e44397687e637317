// libFuzzer target: any bytes as a raw object, decoded with the shipped door2door config. The
// decoder must never crash, and every record must be kept or rejected.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/config.h"
#include "process/decode_plan.h"
#include "process/object_decoder.h"

using namespace fleetlake;

static const DecodePlan& Plan() {
  // The plan points into the config: both live for the whole process.
  static const DecodePlan* plan = [] {
    auto config = LoadConfig(FLEETLAKE_SOURCE_DIR "/examples/door2door.yaml");
    if (!config.ok()) std::abort();
    static const Config kept = std::move(*config);
    auto p = DecodePlan::Compile(kept);
    if (!p.ok()) std::abort();
    return new DecodePlan(std::move(*p));
  }();
  return *plan;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ObjectDecoder decoder(Plan());
  ObjectResult r = decoder.Decode("data/fuzz.json", std::string_view(reinterpret_cast<const char*>(data), size));
  int64_t kept = 0, routed = 0, rejected_in_entities = 0;
  for (const auto& e : r.entities) {
    kept += e.rows_kept;
    routed += e.rows_in;
    for (const auto& [reason, n] : e.rejected) rejected_in_entities += n;
  }
  // Nothing disappears: every routed record is kept or rejected.
  if (kept + rejected_in_entities != routed) std::abort();
  for (const auto& rej : r.rejects) {
    if (rej.reason.empty()) std::abort();
  }
  return 0;
}
