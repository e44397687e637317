#include "gen/record_writer.h"

#include <array>

#include "gen/civil.h"

namespace fleetlake::gen {
namespace {

constexpr std::array<std::string_view, 4> kGarbageLines = {
    "not json",
    "<html><body><h1>502 Bad Gateway</h1></body></html>",
    "[\"update\",\"vehicle\"]",  // valid JSON, but not an object
    "{\"event\":\"update\",\"on\":\"vehicle\",\"at\":\"2019-06-01T18:17:05.094Z\",\"data\":{\"id\"",
};

constexpr std::array<std::string_view, 4> kBadAts = {
    "2019-13-45T99:00:00Z",
    "not-a-time",
    "",
    "2019-02-30T10:00:00Z",
};

class LineBuilder {
 public:
  explicit LineBuilder(std::string& out) : out_(out) {}
  void Key(std::string_view name) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_.append(name);
    out_.append("\":");
  }
  void Str(std::string_view value) {
    out_.push_back('"');
    out_.append(value);
    out_.push_back('"');
  }
  // A required string field that a mutation may drop, null or empty (variant 0, 1, 2).
  void MaybeBroken(std::string_view name, std::string_view value, bool broken, uint64_t variant) {
    if (!broken) {
      Key(name);
      Str(value);
      return;
    }
    switch (variant % 3) {
      case 0:
        return;  // absent
      case 1:
        Key(name);
        out_.append("null");
        return;
      default:
        Key(name);
        out_.append("\"\"");
        return;
    }
  }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace

void AppendRecord(std::string& out, const RecordView& r, Mutation m, uint64_t variant) {
  if (m == Mutation::kNotJson && variant % 4 == 0) {
    out.append(kGarbageLines[(variant / 4) % kGarbageLines.size()]);
    return;
  }
  const size_t begin = out.size();
  out.push_back('{');
  LineBuilder b(out);
  b.MaybeBroken("event", r.event, m == Mutation::kMissingEvent, variant);
  b.Key("on");
  b.Str(m == Mutation::kUnknownOn ? std::string_view("driver") : r.on);
  if (m != Mutation::kMissingAt) {
    b.Key("at");
    b.Str(m == Mutation::kBadAt ? kBadAts[variant % kBadAts.size()] : r.at);
  }
  b.Key("data");
  out.push_back('{');
  std::string_view rest = r.data_rest;
  if (m != Mutation::kMissingId) {
    out.append("\"id\":\"");
    out.append(r.id);
    out.push_back('"');
  } else if (variant % 3 == 0) {
    if (!rest.empty()) rest.remove_prefix(1);  // no id: the first member loses its comma
  } else {
    out.append(variant % 3 == 1 ? "\"id\":null" : "\"id\":\"\"");
  }
  out.append(rest);
  out.push_back('}');
  b.MaybeBroken("organization_id", r.org, m == Mutation::kMissingOrg, variant);
  out.push_back('}');
  if (m == Mutation::kNotJson) {
    // Any proper prefix of a JSON object is invalid JSON. It may end inside a string, leaving an
    // unbalanced quote: readers must split lines before parsing, as a real partial write demands.
    const size_t len = out.size() - begin;
    out.resize(begin + 1 + (variant / 4) % (len - 1));
  }
}

void AppendE5(std::string& out, int64_t e5) {
  if (e5 < 0) {
    out.push_back('-');
    e5 = -e5;
  }
  AppendPadded(out, e5 / 100000, 1);
  int64_t frac = e5 % 100000;
  if (frac == 0) return;
  int digits = 5;
  while (frac % 10 == 0) {
    frac /= 10;
    --digits;
  }
  out.push_back('.');
  AppendPadded(out, frac, digits);
}

}  // namespace fleetlake::gen
