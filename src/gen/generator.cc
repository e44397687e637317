#include "gen/generator.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string_view>
#include <system_error>
#include <vector>

#include "gen/civil.h"
#include "gen/object_sink.h"
#include "gen/record_writer.h"
#include "gen/rng.h"

namespace fleetlake::gen {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kDayMs = 86'400'000;

// Random walk around Berlin, in 1e-5 degrees (about 1.11 m of latitude, 0.68 m of longitude at
// 52.5 N). Integer coordinates make every printed value exact and repeated positions exactly equal.
constexpr int64_t kBerlinLatE5 = 5'252'000;
constexpr int64_t kBerlinLngE5 = 1'340'000;
constexpr double kMetresPerLatE5 = 1.1132;
constexpr double kMetresPerLngE5 = 0.6775;

// Where each day's stream sits in its UTC day. Even days start at 02:55 UTC = 23:55 producer
// time, so their first keys carry the previous date; odd days look like the known data (18:17 UTC
// is 15:17 in the keys). Windows are clamped into their UTC day so days never overlap.
constexpr int64_t kEvenDayStartS = 2 * 3600 + 55 * 60;
constexpr int64_t kOddDayStartS = 18 * 3600 + 17 * 60;

struct Vehicle {
  std::string id;
  int64_t lat_e5 = 0;
  int64_t lng_e5 = 0;
  int64_t phase = 0;         // updates on seconds where (second - phase) % interval == 0
  int64_t register_ms = -1;  // >= 0 only on the day the vehicle registers
  int64_t deregister_ms = kNever;
};

struct Period {
  std::string id;
  int64_t start_ms = 0;
  int64_t finish_ms = 0;
  int64_t create_ms = 0;
  int64_t delete_ms = -1;
  bool whole_seconds = false;  // start/finish printed without fraction
};

enum class Kind : uint8_t { kRegister, kDeregister, kCreate, kDelete };

struct Special {
  int64_t at_ms;
  Kind kind;
  uint32_t index;  // into Org::vehicles or Org::periods
};

struct Org {
  int index = 0;
  std::string id;
  Rng rng{0, 0};  // structure and movement of this organisation: independent of the noise
  int target_vehicles = 0;
  std::vector<Vehicle> vehicles;
  std::vector<Period> periods;  // today's
  std::vector<Special> specials;
  size_t next_special = 0;
  int64_t next_period_no = 1;
};

std::string MakeUuid(Rng& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t hi = rng.Next(), lo = rng.Next();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;        // version 4
  lo = (lo & ~(3ULL << 62)) | (2ULL << 62);  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    const uint64_t word = i < 16 ? hi : lo;
    out.push_back(kHex[(word >> (60 - 4 * (i % 16))) & 0xF]);
    if (i == 7 || i == 11 || i == 15 || i == 19) out.push_back('-');
  }
  return out;
}

class Generator {
 public:
  Generator(const GenerateOptions& options, int64_t first_day, std::string data_dir)
      : o_(options),
        first_day_(first_day),
        noise_(options.seed, 1),
        sink_noise_(options.seed, 2),
        sink_(std::move(data_dir), &sink_noise_, options.gzip_some) {}

  Result<GenerateStats> Run();

 private:
  void PlanDay(Org& org, int64_t w0, int64_t w1);
  void PlanPeriods(Org& org, int64_t w0, int64_t w1);
  Status EmitSecond(Org& org, int64_t second);
  Status EmitUpdate(Org& org, Vehicle& v, int64_t second);
  Status EmitSpecial(Org& org, const Special& s);
  Status Emit(int64_t second, const RecordView& record);
  void Move(Org& org, Vehicle& v);
  bool OnPeriodBoundary(const Org& org, int64_t ms) const;
  bool OutsideAllPeriods(const Org& org, int64_t ms) const;
  // Makes clean `at`s of different organisations differ in their milliseconds, so equal period
  // ids ("op_1" in every organisation) never make two distinct events share a dedup key.
  int64_t OrgDistinctMs(const Org& org, int64_t ms) const;

  const GenerateOptions& o_;
  int64_t first_day_;
  Rng noise_;       // rejects, duplicates, spill, coercions, location variants
  Rng sink_noise_;  // shuffling, hour padding, gzip choice
  ObjectSink sink_;
  GenerateStats stats_;
  std::vector<Org> orgs_;
  // Scratch buffers reused for every record.
  std::string line_, rest_, at_, loc_at_, start_, finish_, num_;
};

Result<GenerateStats> Generator::Run() {
  const int n = o_.organizations;
  orgs_.resize(n);
  for (int i = 0; i < n; ++i) {
    Org& org = orgs_[i];
    org.index = i;
    org.id = n == 1 ? std::string("org-id") : fmt::format("org-{}", i + 1);
    org.rng = Rng(o_.seed, 1000 + static_cast<uint64_t>(i));
    org.target_vehicles = o_.vehicles / n + (i < o_.vehicles % n ? 1 : 0);
  }
  const int64_t window_s = std::clamp<int64_t>(std::llround(o_.active_hours * 3600.0), 1, 86400);
  for (int d = 0; d < o_.days; ++d) {
    const int64_t day_ms = (first_day_ + d) * kDayMs;
    const int64_t offset_s =
        std::min(d % 2 == 0 ? kEvenDayStartS : kOddDayStartS, 86400 - window_s);
    const int64_t w0 = day_ms + offset_s * 1000;
    const int64_t w1 = w0 + window_s * 1000;
    for (Org& org : orgs_) PlanDay(org, w0, w1);
    for (int64_t second = w0 / 1000; second < w1 / 1000; ++second) {
      for (Org& org : orgs_) FL_RETURN_IF_ERROR(EmitSecond(org, second));
      // Nothing is added to a second older than the one before the current: write those out.
      FL_RETURN_IF_ERROR(sink_.FlushThrough(second - 1));
    }
  }
  FL_RETURN_IF_ERROR(sink_.FlushAll());
  stats_.objects = sink_.objects();
  stats_.bytes = sink_.bytes();
  stats_.events = stats_.vehicle_events + stats_.period_events;
  return stats_;
}

void Generator::PlanDay(Org& org, int64_t w0, int64_t w1) {
  Rng& rng = org.rng;
  const int64_t window = w1 - w0;
  // Deregistered vehicles are gone for good; new ones replace them and register today.
  std::erase_if(org.vehicles, [](const Vehicle& v) { return v.deregister_ms != kNever; });
  for (Vehicle& v : org.vehicles) v.register_ms = -1;
  while (static_cast<int>(org.vehicles.size()) < org.target_vehicles) {
    Vehicle v;
    v.id = MakeUuid(rng);
    v.lat_e5 = kBerlinLatE5 + std::llround(rng.Normalish() * 2000);
    v.lng_e5 = kBerlinLngE5 + std::llround(rng.Normalish() * 3000);
    v.phase = rng.Range(0, o_.update_interval_s - 1);
    v.register_ms = w0 + rng.Range(0, window * 3 / 10);
    org.vehicles.push_back(std::move(v));
    ++stats_.vehicles;
  }
  // About 30% leave during the second half of the day.
  for (Vehicle& v : org.vehicles) {
    if (!rng.Chance(0.3)) continue;
    int64_t lo = w0 + window / 2;
    // At least one whole second between register and deregister, so "no update after
    // deregister" and "no update before register" are both strict.
    if (v.register_ms >= 0) lo = std::max(lo, (v.register_ms / 1000 + 2) * 1000);
    if (lo <= w1 - 1) v.deregister_ms = rng.Range(lo, w1 - 1);
  }
  PlanPeriods(org, w0, w1);

  org.specials.clear();
  org.next_special = 0;
  for (uint32_t i = 0; i < org.vehicles.size(); ++i) {
    const Vehicle& v = org.vehicles[i];
    if (v.register_ms >= 0) org.specials.push_back({v.register_ms, Kind::kRegister, i});
    if (v.deregister_ms != kNever) org.specials.push_back({v.deregister_ms, Kind::kDeregister, i});
  }
  for (uint32_t i = 0; i < org.periods.size(); ++i) {
    const Period& p = org.periods[i];
    org.specials.push_back({p.create_ms, Kind::kCreate, i});
    if (p.delete_ms >= 0) org.specials.push_back({p.delete_ms, Kind::kDelete, i});
  }
  std::sort(org.specials.begin(), org.specials.end(), [](const Special& a, const Special& b) {
    if (a.at_ms != b.at_ms) return a.at_ms < b.at_ms;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.index < b.index;
  });
}

void Generator::PlanPeriods(Org& org, int64_t w0, int64_t w1) {
  Rng& rng = org.rng;
  const int64_t window = w1 - w0;
  org.periods.clear();
  for (int i = 0; i < o_.periods_per_day; ++i) {
    Period p;
    // Random starts and lengths of 15-50% of the stream: periods overlap and leave gaps, so
    // many updates fall outside every period.
    p.start_ms = w0 + rng.Range(0, window * 3 / 4);
    p.finish_ms = std::min(p.start_ms + rng.Range(window * 15 / 100, window / 2), w1 - 1);
    p.whole_seconds = rng.Chance(0.5);
    if (p.whole_seconds) {
      p.start_ms -= FloorMod(p.start_ms, 1000);
      p.finish_ms -= FloorMod(p.finish_ms, 1000);
    }
    // Created some time before it starts (or at the stream start). Ids follow creation order, so
    // a period is regularly created before an earlier-starting one.
    p.create_ms = OrgDistinctMs(org, w0 + rng.Range(0, p.start_ms - w0));
    org.periods.push_back(std::move(p));
  }
  std::sort(org.periods.begin(), org.periods.end(),
            [](const Period& a, const Period& b) { return a.create_ms < b.create_ms; });
  bool any_deleted = false;
  for (size_t i = 0; i < org.periods.size(); ++i) {
    Period& p = org.periods[i];
    p.id = fmt::format("op_{}", org.next_period_no++);
    // About a quarter are cancelled; with three or more per day, always at least one (the second).
    const bool force = !any_deleted && o_.periods_per_day >= 3 && i == 1;
    if ((rng.Chance(0.25) || force) && p.create_ms / 1000 + 1 <= (w1 - 1) / 1000) {
      const int64_t lo = (p.create_ms / 1000 + 1) * 1000;  // a later second than the create
      p.delete_ms = OrgDistinctMs(org, rng.Range(lo, w1 - 1));
      any_deleted = true;
      ++stats_.periods_deleted;
    }
    ++stats_.periods_created;
  }
}

int64_t Generator::OrgDistinctMs(const Org& org, int64_t ms) const {
  const int64_t n = o_.organizations;
  if (n <= 1) return ms;
  const int64_t base = ms - FloorMod(ms, 1000);
  int64_t frac = FloorMod(ms, 1000);
  frac = frac - frac % n + org.index;
  if (frac >= 1000) frac -= n;
  return base + frac;
}

bool Generator::OnPeriodBoundary(const Org& org, int64_t ms) const {
  for (const Period& p : org.periods) {
    if (p.delete_ms < 0 && (p.start_ms == ms || p.finish_ms == ms)) return true;
  }
  return false;
}

bool Generator::OutsideAllPeriods(const Org& org, int64_t ms) const {
  // Deleted periods count too: a reader that forgets to honour a delete must not be rescued or
  // punished by coercion noise.
  for (const Period& p : org.periods) {
    if (ms >= p.start_ms && ms <= p.finish_ms) return false;
  }
  return true;
}

Status Generator::EmitSecond(Org& org, int64_t second) {
  const int64_t end_ms = (second + 1) * 1000;
  while (org.next_special < org.specials.size() && org.specials[org.next_special].at_ms < end_ms) {
    FL_RETURN_IF_ERROR(EmitSpecial(org, org.specials[org.next_special++]));
  }
  for (Vehicle& v : org.vehicles) {
    if (FloorMod(second - v.phase, o_.update_interval_s) != 0) continue;
    if (v.register_ms >= 0 && second <= v.register_ms / 1000) continue;
    if (v.deregister_ms != kNever && second >= v.deregister_ms / 1000) continue;
    FL_RETURN_IF_ERROR(EmitUpdate(org, v, second));
  }
  return Status::OK();
}

void Generator::Move(Org& org, Vehicle& v) {
  Rng& rng = org.rng;
  const double u = rng.Uniform();
  if (u < 0.06) return;  // standing still: the same position again, zero distance
  // Mostly a few metres per second; 3% jumps of several hundred metres (the data is simulated).
  const double sigma_m = u < 0.09 ? 450.0 : 2.5 * o_.update_interval_s;
  const double dy = rng.Normalish() * sigma_m / kMetresPerLatE5;
  const double dx = rng.Normalish() * sigma_m / kMetresPerLngE5;
  // A weak pull back to the centre keeps a long-running fleet in Berlin.
  v.lat_e5 += std::llround(dy + 0.002 * static_cast<double>(kBerlinLatE5 - v.lat_e5));
  v.lng_e5 += std::llround(dx + 0.002 * static_cast<double>(kBerlinLngE5 - v.lng_e5));
}

Status Generator::EmitUpdate(Org& org, Vehicle& v, int64_t second) {
  Rng& rng = org.rng;
  Move(org, v);
  int64_t at_ms = second * 1000;
  int64_t lag_ms = 0;
  bool fraction = true;
  if (OnPeriodBoundary(org, at_ms)) {
    fraction = false;  // exactly on a whole-second start/finish: exercises the inclusive bounds
  } else if (rng.Chance(0.03)) {
    fraction = false;
  } else {
    at_ms += rng.Range(0, 999);
    if (rng.Chance(0.1)) lag_ms = rng.Range(1, 900);  // the position fix predates the event
  }
  const int64_t loc_ms = at_ms - lag_ms;
  at_.clear();
  AppendTimestamp(at_, at_ms, fraction);
  loc_at_.clear();
  AppendTimestamp(loc_at_, loc_ms, fraction);

  // Wrong-typed optional values the reader must keep: numeric strings carrying the true value
  // anywhere, non-numeric strings only where they cannot change the BI answer.
  const double coerce = o_.reject_rate;
  int lat_mode = 0, lng_mode = 0;  // 0 number, 1 numeric string, 2 non-numeric string
  if (noise_.Chance(coerce * 0.5)) (noise_.Chance(0.5) ? lat_mode : lng_mode) = 1;
  if (noise_.Chance(coerce * 0.25) && OutsideAllPeriods(org, loc_ms)) {
    (noise_.Chance(0.5) ? lat_mode : lng_mode) = 2;
  }
  if (lat_mode != 0 || lng_mode != 0) ++stats_.coerced_planted;

  rest_.assign(",\"location\":{\"lat\":");
  auto coordinate = [&](int64_t e5, int mode, std::string_view word) {
    if (mode == 2) {
      rest_.append(word);
      return;
    }
    if (mode == 1) rest_.push_back('"');
    AppendE5(rest_, e5);
    if (mode == 1) rest_.push_back('"');
  };
  coordinate(v.lat_e5, lat_mode, "\"north\"");
  rest_.append(",\"lng\":");
  coordinate(v.lng_e5, lng_mode, "\"east\"");
  rest_.append(",\"at\":\"");
  rest_.append(loc_at_);
  rest_.append("\"}");
  ++stats_.vehicle_events;
  return Emit(second, {"update", "vehicle", at_, org.id, v.id, rest_});
}

Status Generator::EmitSpecial(Org& org, const Special& s) {
  at_.clear();
  AppendTimestamp(at_, s.at_ms, true);
  const int64_t second = FloorDiv(s.at_ms, 1000);
  if (s.kind == Kind::kRegister || s.kind == Kind::kDeregister) {
    const Vehicle& v = org.vehicles[s.index];
    // Only updates carry a location: usually absent, sometimes null or with null fields.
    const double u = noise_.Uniform();
    if (u < 0.8) {
      rest_.clear();
    } else if (u < 0.9) {
      rest_.assign(",\"location\":null");
    } else if (u < 0.97 || o_.reject_rate <= 0) {
      rest_.assign(",\"location\":{\"lat\":null,\"lng\":null,\"at\":null}");
    } else {
      rest_.assign(",\"location\":{\"lat\":\"north\",\"lng\":null,\"at\":null}");
      ++stats_.coerced_planted;
    }
    ++stats_.vehicle_events;
    return Emit(second, {s.kind == Kind::kRegister ? "register" : "deregister", "vehicle", at_,
                         org.id, v.id, rest_});
  }
  const Period& p = org.periods[s.index];
  start_.clear();
  AppendTimestamp(start_, p.start_ms, !p.whole_seconds);
  finish_.clear();
  AppendTimestamp(finish_, p.finish_ms, !p.whole_seconds);
  rest_.assign(",\"start\":\"");
  rest_.append(start_);
  rest_.append("\",\"finish\":\"");
  rest_.append(finish_);
  rest_.append("\"");
  ++stats_.period_events;
  return Emit(second, {s.kind == Kind::kCreate ? "create" : "delete", "operating_period", at_,
                       org.id, p.id, rest_});
}

Status Generator::Emit(int64_t second, const RecordView& record) {
  line_.clear();
  AppendRecord(line_, record, Mutation::kNone, 0);
  int64_t target = second;
  if (noise_.Chance(0.02)) target += noise_.Chance(0.5) ? -1 : 1;  // lands in the neighbour file
  FL_RETURN_IF_ERROR(sink_.Add(target, line_));
  ++stats_.lines;
  if (noise_.Chance(o_.duplicate_rate)) {
    // Re-delivered: in the same object or in one up to 30 s later.
    const int64_t dup_target = noise_.Chance(0.5) ? target : second + noise_.Range(1, 30);
    FL_RETURN_IF_ERROR(sink_.Add(dup_target, line_));
    ++stats_.duplicates_planted;
    ++stats_.lines;
  }
  if (noise_.Chance(o_.reject_rate)) {
    const auto mutation = static_cast<Mutation>(1 + noise_.Below(kMutationCount));
    line_.clear();
    AppendRecord(line_, record, mutation, noise_.Next());
    FL_RETURN_IF_ERROR(sink_.Add(target, line_));
    ++stats_.rejects_planted;
    ++stats_.lines;
  }
  return Status::OK();
}

}  // namespace

Status ValidateOptions(const GenerateOptions& o) {
  if (o.out_dir.empty()) return Status::InvalidArgument("generate: out_dir is empty");
  if (!ParseIsoDate(o.start_date)) {
    return Status::InvalidArgument(
        fmt::format("generate: start_date '{}' is not a YYYY-MM-DD date", o.start_date));
  }
  auto bad = [](std::string_view what, auto value, std::string_view range) {
    return Status::InvalidArgument(
        fmt::format("generate: {} = {} is out of range {}", what, value, range));
  };
  if (o.days < 1 || o.days > 3660) return bad("days", o.days, "[1, 3660]");
  if (o.vehicles < 0 || o.vehicles > 10'000'000) return bad("vehicles", o.vehicles, "[0, 1e7]");
  if (!(o.active_hours > 0 && o.active_hours <= 24)) {
    return bad("active_hours", o.active_hours, "(0, 24]");
  }
  if (o.update_interval_s < 1 || o.update_interval_s > 86400) {
    return bad("update_interval_s", o.update_interval_s, "[1, 86400]");
  }
  if (o.periods_per_day < 0 || o.periods_per_day > 100'000) {
    return bad("periods_per_day", o.periods_per_day, "[0, 100000]");
  }
  if (o.organizations < 1 || o.organizations > 1000) {
    return bad("organizations", o.organizations, "[1, 1000]");
  }
  if (!(o.reject_rate >= 0 && o.reject_rate <= 1))
    return bad("reject_rate", o.reject_rate, "[0, 1]");
  if (!(o.duplicate_rate >= 0 && o.duplicate_rate <= 1)) {
    return bad("duplicate_rate", o.duplicate_rate, "[0, 1]");
  }
  return Status::OK();
}

Result<GenerateStats> Generate(const GenerateOptions& options) {
  FL_RETURN_IF_ERROR(ValidateOptions(options));
  const std::filesystem::path data_dir = std::filesystem::path(options.out_dir) / "data";
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return Status::IOError(
        fmt::format("generate: cannot create {}: {}", data_dir.string(), ec.message()));
  }
  Generator generator(options, *ParseIsoDate(options.start_date), data_dir.string());
  return generator.Run();
}

}  // namespace fleetlake::gen
