// Micro-benchmarks of ParseTimestamp, called for every timestamp column of every record.
#include <benchmark/benchmark.h>

#include <string_view>

#include "common/time_util.h"

namespace fleetlake {
namespace {

void BM_ParseTimestamp(benchmark::State& state, std::string_view text) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseTimestamp(text));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_ParseTimestamp, millis_z, std::string_view("2019-06-01T18:17:05.094Z"));
BENCHMARK_CAPTURE(BM_ParseTimestamp, seconds_z, std::string_view("2019-05-19T16:02:02Z"));
BENCHMARK_CAPTURE(BM_ParseTimestamp, offset, std::string_view("2019-06-01T20:17:05.094+02:00"));
BENCHMARK_CAPTURE(BM_ParseTimestamp, invalid, std::string_view("2019-13-45T99:00:00Z"));

}  // namespace
}  // namespace fleetlake
