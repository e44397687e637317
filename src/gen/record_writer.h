// Renders one event as a compact JSON line, either clean or deliberately broken in one of the ways
// EVENTS.md says a reader must reject.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fleetlake::gen {

enum class Mutation : uint8_t {
  kNone = 0,
  kNotJson,       // truncated record (as from a partial write) or a non-object line
  kMissingOrg,    // organization_id absent, null or ""
  kMissingAt,     // at absent
  kBadAt,         // at present but not a timestamp ("2019-13-45T99:00:00Z", ...)
  kMissingId,     // data.id absent, null or ""
  kUnknownOn,     // on = "driver": routes to no entity
  kMissingEvent,  // event absent, null or ""
};
inline constexpr int kMutationCount = 7;  // the broken kinds, kNotJson..kMissingEvent

// The parts of an event. Values are generator-made and never need JSON escaping.
struct RecordView {
  std::string_view event;
  std::string_view on;
  std::string_view at;
  std::string_view org;
  std::string_view id;
  // JSON members of `data` after "id", each with its leading comma (",\"start\":\"...\"").
  std::string_view data_rest;
};

// Appends the line (no trailing newline). `variant` picks among the forms of a mutation.
void AppendRecord(std::string& out, const RecordView& record, Mutation mutation, uint64_t variant);

// Appends a coordinate given in 1e-5 degrees the way JavaScript prints it: "52.45097", "13.4",
// "52" (no trailing zeros).
void AppendE5(std::string& out, int64_t e5);

}  // namespace fleetlake::gen
