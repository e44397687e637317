// An independent, deliberately simple implementation of the BI answer ("average distance travelled
// by our vehicles during an operating period", EVENTS.md), used as the oracle for the pipeline's
// mart `operating_period_distance`. It shares no code with src/ on purpose: its own timestamp
// parser, its own record rules, simdjson's DOM API instead of On-Demand, plain std containers.
// Correctness over speed, but it still reads a few hundred MB in seconds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetlake_reference {

struct PeriodAnswer {
  std::string period_id;
  std::string organization_id;
  std::string start;   // as written in the create record
  std::string finish;  // as written in the create record
  int64_t start_us = 0;
  int64_t finish_us = 0;
  int64_t vehicles = 0;                  // vehicles with at least one update inside the period
  std::optional<double> avg_distance_m;  // nullopt when vehicles == 0 (SQL AVG of nothing)
  double total_distance_m = 0;
};

struct ReferenceAnswer {
  // Periods with a valid create and no delete, sorted by (organization_id, period_id).
  std::vector<PeriodAnswer> periods;
  // Valid records per entity ("vehicle", "operating_period"): all deliveries, and distinct ones.
  std::map<std::string, int64_t> valid_records;
  std::map<std::string, int64_t> distinct_records;
  int64_t rejects = 0;
  std::map<std::string, int64_t> rejects_by_reason;  // "not_json", "missing_at", ...
  int64_t lines = 0;                                 // non-blank lines seen
  int64_t files = 0;
  std::string error;  // empty on success (e.g. "cannot read ..." otherwise)

  // The row of (organization_id, period_id), or nullptr.
  const PeriodAnswer* Find(std::string_view organization_id, std::string_view period_id) const;
};

// Accumulates objects (file contents) and computes the answer once all are in.
class ReferenceBuilder {
 public:
  ReferenceBuilder();
  ~ReferenceBuilder();
  ReferenceBuilder(const ReferenceBuilder&) = delete;
  ReferenceBuilder& operator=(const ReferenceBuilder&) = delete;

  // NDJSON text (BOM, CRLF and blank lines tolerated), or a file that is one JSON array of events.
  void AddObject(std::string_view text);
  ReferenceAnswer Finish();

 private:
  struct State;
  State* state_;
};

// Reads every *.json and *.json.gz file under `folder` (recursively) and computes the answer.
ReferenceAnswer ComputeReferenceAnswer(const std::string& folder);

// Exposed for tests. ISO-8601 with optional fraction and offset (Z, +HH, +HHMM, +HH:MM); no offset
// means UTC. Returns microseconds since the epoch.
std::optional<int64_t> ParseIso8601Micros(std::string_view text);
// Great-circle distance in metres on a sphere of radius 6,371,000 m.
double HaversineMetres(double lat1, double lng1, double lat2, double lng2);

}  // namespace fleetlake_reference
