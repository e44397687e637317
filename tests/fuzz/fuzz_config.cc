// libFuzzer target: any text as a config file must give a Config or an error, never a crash.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/config.h"

using namespace fleetlake;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto config = ParseConfig(text, "fuzz.yaml", {"process.threads=1"});
  if (!config.ok() && config.status().message().empty()) std::abort();
  if (config.ok()) {
    for (const auto& e : config->entities) {
      if (!IsValidIdentifier(e.name)) std::abort();
    }
  }
  return 0;
}
