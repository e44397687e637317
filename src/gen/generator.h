// Synthetic event stream in the exact format of the source bucket (see /work/shared/EVENTS.md):
// one NDJSON object per second of stream under <out_dir>/data/, keyed by the producer's local
// clock (UTC-3), with the real stream's quirks (out-of-order lines, neighbour-file spill,
// duplicates, absent/null locations, overlapping and cancelled operating periods) and a planted
// fraction of bad records. Used for tests, benchmarks and demos.
//
// Guarantees the tests rely on:
//  - Same options => byte-identical files.
//  - Planted rejects, duplicates and coerced values never change the BI answer: rejects and
//    duplicates are extra lines beside the clean record, numeric strings ("lat":"52.45097") carry
//    the true value, and non-numeric values ("lat":"north") only appear on updates whose
//    location.at lies outside every operating period of the organisation, or on register /
//    deregister locations. Changing reject_rate or duplicate_rate keeps the clean events the same
//    (ids, times, positions; only optional-value spelling may differ).
//  - Duplicates are byte-identical copies of a clean line. No two distinct clean events share
//    (on, event, data.id, at), even across organisations (period ids repeat per organisation).
//  - A vehicle's updates all have `at` strictly between its register and deregister `at`.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace fleetlake::gen {

struct GenerateOptions {
  std::string out_dir;  // objects are written to <out_dir>/data/ (created; existing files kept)
  int days = 1;
  int vehicles = 10;  // fleet size across all organisations (split as evenly as possible)
  uint64_t seed = 1;
  std::string start_date = "2019-06-01";  // first UTC day of events
  double active_hours = 1.0;              // hours of stream per day, in (0, 24]
  int update_interval_s = 5;              // seconds between two updates of one vehicle
  int periods_per_day = 4;                // operating periods created per organisation and day
  int organizations = 1;                  // 1: "org-id"; more: "org-1", "org-2", ...
  double reject_rate = 0.01;              // planted bad lines per clean record
  double duplicate_rate = 0.01;           // re-delivered clean records per clean record
  bool gzip_some = false;                 // write about 10% of the objects as .json.gz
};

struct GenerateStats {
  int64_t objects = 0;  // files written
  int64_t bytes = 0;    // bytes written (on disk, i.e. gzip size for .gz objects)
  int64_t lines = 0;    // every line: clean + duplicates + rejects
  int64_t events = 0;   // distinct clean events (= vehicle_events + period_events)
  int64_t vehicle_events = 0;
  int64_t period_events = 0;
  int64_t rejects_planted = 0;  // lines any reader must reject (EVENTS.md drop rules, unroutable)
  int64_t duplicates_planted = 0;  // extra byte-identical copies of clean lines
  int64_t coerced_planted = 0;     // clean records with a wrong-typed optional value
  int64_t vehicles = 0;            // distinct vehicle ids
  int64_t periods_created = 0;
  int64_t periods_deleted = 0;
};

Result<GenerateStats> Generate(const GenerateOptions& options);

// Validates options without generating anything (also done by Generate).
Status ValidateOptions(const GenerateOptions& options);

}  // namespace fleetlake::gen
