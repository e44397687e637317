// Micro-benchmarks of the decoder's hot path: one record through RecordDecoder (parse and capture
// the planned paths), and one object of the real stream's shape through ObjectDecoder (framing,
// routing, rules, coercion and column appends).
#include <benchmark/benchmark.h>

#include <string>

#include "config/config.h"
#include "process/decode_plan.h"
#include "process/object_decoder.h"
#include "process/record_decoder.h"

namespace fleetlake {
namespace {

constexpr const char* kConfig = R"(
source: {uri: /tmp/src}
lake: {uri: /tmp/lake}
warehouse: {engine: duckdb, path: /tmp/w.duckdb}
entities:
  - name: vehicle
    match: {on: vehicle}
    required: [event, on, at, organization_id, data.id]
    unique_key: [event, data.id, at]
    columns:
      - {name: event,           path: event,             type: string}
      - {name: vehicle_id,      path: data.id,           type: string}
      - {name: event_at,        path: at,                type: timestamp}
      - {name: lat,             path: data.location.lat, type: double}
      - {name: lng,             path: data.location.lng, type: double}
      - {name: location_at,     path: data.location.at,  type: timestamp}
      - {name: organization_id, path: organization_id,   type: string}
    partition_by: {column: event_at, granularity: day, name: event_date}
  - name: operating_period
    match: {on: operating_period}
    required: [event, on, at, organization_id, data.id]
    unique_key: [event, data.id, at]
    columns:
      - {name: event,           path: event,           type: string}
      - {name: period_id,       path: data.id,         type: string}
      - {name: event_at,        path: at,              type: timestamp}
      - {name: start_at,        path: data.start,      type: timestamp}
      - {name: finish_at,       path: data.finish,     type: timestamp}
      - {name: organization_id, path: organization_id, type: string}
    partition_by: {column: event_at, granularity: day, name: event_date}
)";

constexpr const char* kUpdate =
    R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05.094Z",)"
    R"("data":{"id":"6f1c2a0e-5f7e-4a8e-9d61-3c2b1a0f9e8d","location":{"lat":52.45097,)"
    R"("lng":13.46139,"at":"2019-06-01T18:17:05.094Z"}},"organization_id":"org-id"})";

struct Fixture {
  Fixture() {
    config = ParseConfig(kConfig, "bench.yaml").value();
    plan = DecodePlan::Compile(config).value();
  }
  Config config;
  DecodePlan plan;
};

void BM_RecordDecoder(benchmark::State& state) {
  Fixture f;
  RecordDecoder decoder(f.plan);
  const std::string record = kUpdate;
  std::string reason;
  for (auto _ : state) {
    benchmark::DoNotOptimize(decoder.Decode(record, &reason));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * record.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RecordDecoder);

// An object of `lines` update records, like one second of the real stream (a few KB).
void BM_ObjectDecoder(benchmark::State& state) {
  Fixture f;
  ObjectDecoder decoder(f.plan);
  std::string object;
  for (int64_t i = 0; i < state.range(0); ++i) object += std::string(kUpdate) + "\n";
  for (auto _ : state) {
    ObjectResult r = decoder.Decode("data/2019-06-01-15-17-3-events.json", object);
    benchmark::DoNotOptimize(r.records);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * object.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * state.range(0)));
}
BENCHMARK(BM_ObjectDecoder)->Arg(25)->Arg(1000);

}  // namespace
}  // namespace fleetlake
