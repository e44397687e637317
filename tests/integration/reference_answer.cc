#include "reference_answer.h"

#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace fleetlake_reference {
namespace detail {

struct Position {
  int64_t at_us;
  double lat;
  double lng;
  bool operator<(const Position& o) const {
    return std::tie(at_us, lat, lng) < std::tie(o.at_us, o.lat, o.lng);
  }
};

struct PeriodInfo {
  std::string start, finish;
  int64_t create_at_us = INT64_MIN;
  bool created = false;
  bool deleted = false;
};

}  // namespace detail

// Named (not anonymous) so this file can also be #included into a test binary without
// -Wsubobject-linkage noise.
using detail::PeriodInfo;
using detail::Position;

namespace {

int64_t CivilToDays(int64_t y, int64_t m, int64_t d) {
  // Count days with plain loops-free arithmetic (Fliegel & Van Flandern style Julian day number),
  // a different formula from the generator's on purpose.
  const int64_t a = (14 - m) / 12;
  const int64_t yy = y + 4800 - a;
  const int64_t mm = m + 12 * a - 3;
  const int64_t jdn = d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - yy / 100 + yy / 400 - 32045;
  return jdn - 2440588;  // JDN of 1970-01-01
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int64_t m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

std::optional<std::string_view> NonEmptyString(simdjson::dom::object obj, const char* key) {
  std::string_view value;
  if (obj[key].get_string().get(value) != simdjson::SUCCESS || value.empty()) return std::nullopt;
  return value;
}

// A JSON number, or a string holding exactly a finite number ("52.1"); anything else is null.
std::optional<double> LenientNumber(simdjson::dom::element el) {
  double d;
  if (el.get_double().get(d) == simdjson::SUCCESS) return d;  // also accepts int64/uint64
  std::string_view s;
  if (el.get_string().get(s) != simdjson::SUCCESS || s.empty()) return std::nullopt;
  const std::string copy(s);
  char* end = nullptr;
  d = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(d)) return std::nullopt;
  if (copy.front() == ' ' || copy.front() == '\t') return std::nullopt;
  return d;
}

}  // namespace

std::optional<int64_t> ParseIso8601Micros(std::string_view s) {
  size_t i = 0;
  auto num = [&](size_t len) -> std::optional<int64_t> {
    if (i + len > s.size()) return std::nullopt;
    int64_t v = 0;
    for (size_t k = 0; k < len; ++k) {
      const char c = s[i + k];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    i += len;
    return v;
  };
  auto lit = [&](char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  auto y = num(4);
  if (!y || !lit('-')) return std::nullopt;
  auto mo = num(2);
  if (!mo || !lit('-')) return std::nullopt;
  auto d = num(2);
  if (!d || !(lit('T') || lit('t') || lit(' '))) return std::nullopt;
  auto h = num(2);
  if (!h || !lit(':')) return std::nullopt;
  auto mi = num(2);
  if (!mi || !lit(':')) return std::nullopt;
  auto sec = num(2);
  if (!sec) return std::nullopt;
  if (*y < 1 || *mo < 1 || *mo > 12 || *d < 1 || *d > DaysInMonth(*y, *mo) || *h > 23 || *mi > 59 ||
      *sec > 59) {
    return std::nullopt;
  }
  int64_t micros = 0;
  if (lit('.')) {
    int digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 6) micros = micros * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return std::nullopt;
    for (int k = digits; k < 6; ++k) micros *= 10;
  }
  int64_t offset_s = 0;
  if (lit('Z') || lit('z')) {
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i] == '-' ? -1 : 1;
    ++i;
    auto oh = num(2);
    if (!oh || *oh > 23) return std::nullopt;
    int64_t om = 0;
    if (i < s.size()) {
      lit(':');
      auto m = num(2);
      if (!m || *m > 59) return std::nullopt;
      om = *m;
    }
    offset_s = sign * (*oh * 3600 + om * 60);
  }
  if (i != s.size()) return std::nullopt;
  const int64_t days = CivilToDays(*y, *mo, *d);
  const int64_t local_s = days * 86400 + *h * 3600 + *mi * 60 + *sec;
  return (local_s - offset_s) * 1'000'000 + micros;
}

double HaversineMetres(double lat1, double lng1, double lat2, double lng2) {
  constexpr double kRadius = 6'371'000.0;
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dphi = (lat2 - lat1) * kRad;
  const double dlambda = (lng2 - lng1) * kRad;
  const double a =
      std::sin(dphi / 2) * std::sin(dphi / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlambda / 2) * std::sin(dlambda / 2);
  return 2 * kRadius * std::asin(std::min(1.0, std::sqrt(a)));
}

const PeriodAnswer* ReferenceAnswer::Find(std::string_view org, std::string_view id) const {
  for (const PeriodAnswer& p : periods) {
    if (p.organization_id == org && p.period_id == id) return &p;
  }
  return nullptr;
}

struct ReferenceBuilder::State {
  simdjson::dom::parser parser;
  ReferenceAnswer answer;
  std::unordered_set<std::string> seen;  // dedup keys (on, event, data.id, at)
  // (organization, vehicle id) -> update positions
  std::map<std::pair<std::string, std::string>, std::vector<Position>> positions;
  // (organization, period id) -> info
  std::map<std::pair<std::string, std::string>, PeriodInfo> periods;

  void Reject(const char* reason) {
    ++answer.rejects;
    ++answer.rejects_by_reason[reason];
  }

  void AddRecord(simdjson::dom::element el) {
    simdjson::dom::object obj;
    if (el.get_object().get(obj) != simdjson::SUCCESS) return Reject("not_object");
    auto event = NonEmptyString(obj, "event");
    if (!event) return Reject("missing_event");
    auto on = NonEmptyString(obj, "on");
    if (!on) return Reject("missing_on");
    auto org = NonEmptyString(obj, "organization_id");
    if (!org) return Reject("missing_organization_id");
    std::string_view at_text;
    if (obj["at"].get_string().get(at_text) != simdjson::SUCCESS) return Reject("missing_at");
    auto at = ParseIso8601Micros(at_text);
    if (!at) return Reject("bad_at");
    simdjson::dom::object data;
    std::optional<std::string_view> id;
    if (obj["data"].get_object().get(data) == simdjson::SUCCESS) id = NonEmptyString(data, "id");
    if (!id) return Reject("missing_id");
    if (*on != "vehicle" && *on != "operating_period") return Reject("unroutable");

    const std::string entity(*on);
    ++answer.valid_records[entity];
    std::string key = entity;
    key.append("\x1f").append(*event).append("\x1f").append(*id).append("\x1f");
    key.append(std::to_string(*at));
    if (!seen.insert(std::move(key)).second) return;  // a re-delivery
    ++answer.distinct_records[entity];

    if (*on == "vehicle") {
      if (*event != "update") return;
      simdjson::dom::object loc;
      if (data["location"].get_object().get(loc) != simdjson::SUCCESS) return;
      simdjson::dom::element lat_el, lng_el;
      std::string_view loc_at_text;
      if (loc["lat"].get(lat_el) || loc["lng"].get(lng_el) ||
          loc["at"].get_string().get(loc_at_text)) {
        return;
      }
      auto lat = LenientNumber(lat_el), lng = LenientNumber(lng_el);
      auto loc_at = ParseIso8601Micros(loc_at_text);
      if (!lat || !lng || !loc_at) return;  // not a usable position
      positions[{std::string(*org), std::string(*id)}].push_back({*loc_at, *lat, *lng});
      return;
    }
    PeriodInfo& p = periods[{std::string(*org), std::string(*id)}];
    if (*event == "delete") {
      p.deleted = true;
    } else if (*event == "create" && *at >= p.create_at_us) {
      // Should a period be created twice, the latest create wins.
      std::string_view start, finish;
      if (data["start"].get_string().get(start) || data["finish"].get_string().get(finish)) return;
      p.created = true;
      p.create_at_us = *at;
      p.start.assign(start);
      p.finish.assign(finish);
    }
  }

  void AddLine(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) return;
    ++answer.lines;
    simdjson::dom::element el;
    if (parser.parse(line.data(), line.size()).get(el) != simdjson::SUCCESS) {
      return Reject("not_json");
    }
    AddRecord(el);
  }
};

ReferenceBuilder::ReferenceBuilder() : state_(new State) {}
ReferenceBuilder::~ReferenceBuilder() { delete state_; }

void ReferenceBuilder::AddObject(std::string_view text) {
  ++state_->answer.files;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '[') {
    // Maybe the whole object is one JSON array of events.
    simdjson::dom::element el;
    simdjson::dom::array arr;
    if (state_->parser.parse(text.data(), text.size()).get(el) == simdjson::SUCCESS &&
        el.get_array().get(arr) == simdjson::SUCCESS) {
      // Elements point into the parser's document: add them before the parser is reused.
      std::vector<std::string> items;
      for (simdjson::dom::element item : arr) items.push_back(simdjson::minify(item));
      for (const std::string& item : items) {
        state_->answer.lines++;
        simdjson::dom::element parsed;
        if (state_->parser.parse(item).get(parsed) != simdjson::SUCCESS) {
          state_->Reject("not_json");
        } else {
          state_->AddRecord(parsed);
        }
      }
      return;
    }
  }
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    state_->AddLine(text.substr(pos, end - pos));
    pos = end + 1;
  }
}

ReferenceAnswer ReferenceBuilder::Finish() {
  State& st = *state_;
  for (auto& [key, list] : st.positions) std::sort(list.begin(), list.end());
  for (const auto& [key, info] : st.periods) {
    if (!info.created || info.deleted) continue;
    PeriodAnswer row;
    row.organization_id = key.first;
    row.period_id = key.second;
    row.start = info.start;
    row.finish = info.finish;
    auto start = ParseIso8601Micros(info.start), finish = ParseIso8601Micros(info.finish);
    if (!start || !finish) continue;  // an unusable period cannot be answered
    row.start_us = *start;
    row.finish_us = *finish;
    // Vehicles of the same organisation: positions keys are ordered by organisation first.
    for (auto it = st.positions.lower_bound({key.first, std::string()});
         it != st.positions.end() && it->first.first == key.first; ++it) {
      const std::vector<Position>& list = it->second;
      auto p = std::lower_bound(list.begin(), list.end(), Position{row.start_us, -1e300, -1e300});
      if (p == list.end() || p->at_us > row.finish_us) continue;
      double distance = 0;
      for (auto q = p + 1; q != list.end() && q->at_us <= row.finish_us; ++q) {
        distance += HaversineMetres((q - 1)->lat, (q - 1)->lng, q->lat, q->lng);
      }
      ++row.vehicles;
      row.total_distance_m += distance;
    }
    if (row.vehicles > 0) row.avg_distance_m = row.total_distance_m / row.vehicles;
    st.answer.periods.push_back(std::move(row));
  }
  // std::map iteration already yields (organization, period id) order.
  ReferenceAnswer out = std::move(st.answer);
  delete state_;
  state_ = new State;
  return out;
}

ReferenceAnswer ComputeReferenceAnswer(const std::string& folder) {
  namespace fs = std::filesystem;
  ReferenceAnswer failed;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    failed.error = "not a directory: " + folder;
    return failed;
  }
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string name = it->path().filename().string();
    auto ends_with = [&](std::string_view suffix) {
      return name.size() >= suffix.size() &&
             name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with(".json") || ends_with(".json.gz")) files.push_back(it->path());
  }
  if (ec) {
    failed.error = "cannot list " + folder + ": " + ec.message();
    return failed;
  }
  std::sort(files.begin(), files.end());
  ReferenceBuilder builder;
  std::string text;
  for (const fs::path& path : files) {
    text.clear();
    if (path.extension() == ".gz") {
      gzFile gz = gzopen(path.c_str(), "rb");
      if (gz == nullptr) {
        failed.error = "cannot open " + path.string();
        return failed;
      }
      char buf[1 << 16];
      int n;
      while ((n = gzread(gz, buf, sizeof(buf))) > 0) text.append(buf, static_cast<size_t>(n));
      const bool bad = n < 0;
      gzclose(gz);
      if (bad) {
        failed.error = "cannot decompress " + path.string();
        return failed;
      }
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        failed.error = "cannot open " + path.string();
        return failed;
      }
      std::ostringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
    builder.AddObject(text);
  }
  return builder.Finish();
}

}  // namespace fleetlake_reference
