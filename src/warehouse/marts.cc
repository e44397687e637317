#include "warehouse/marts.h"

#include <fmt/core.h>

#include <cctype>
#include <map>

namespace fleetlake {
namespace {

bool IsWordChar(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; }

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// True when `word` occurs in `text` not preceded or followed by [A-Za-z0-9_]. SQL identifiers are
// case-insensitive, so both are compared lower-case. A mention inside a string literal or comment
// also counts: a spurious edge only constrains the order, a missed one would break the build.
bool MentionsWord(const std::string& text, const std::string& word) {
  const std::string t = Lower(text), w = Lower(word);
  for (size_t pos = t.find(w); pos != std::string::npos; pos = t.find(w, pos + 1)) {
    const bool left = pos == 0 || !IsWordChar(t[pos - 1]);
    const bool right = pos + w.size() >= t.size() || !IsWordChar(t[pos + w.size()]);
    if (left && right) return true;
  }
  return false;
}

}  // namespace

Result<std::vector<MartConfig>> OrderMarts(const std::vector<MartConfig>& marts) {
  const size_t n = marts.size();
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < n; ++i) {
    if (!index.emplace(Lower(marts[i].name), i).second) {
      return Status::InvalidArgument(fmt::format("mart {} is defined twice", marts[i].name));
    }
  }
  // deps[i]: marts that must be built before mart i.
  std::vector<std::vector<size_t>> deps(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (i != j && MentionsWord(marts[i].sql, marts[j].name)) deps[i].push_back(j);
    }
  }
  // Kahn's algorithm, always taking the earliest ready mart in config order: stable and simple;
  // the number of marts is small.
  std::vector<bool> done(n, false);
  std::vector<MartConfig> order;
  while (order.size() < n) {
    bool progressed = false;
    for (size_t i = 0; i < n && !progressed; ++i) {
      if (done[i]) continue;
      bool ready = true;
      for (size_t d : deps[i]) ready = ready && done[d];
      if (ready) {
        done[i] = true;
        order.push_back(marts[i]);
        progressed = true;
      }
    }
    if (!progressed) {
      std::string names;
      for (size_t i = 0; i < n; ++i) {
        if (!done[i]) names += (names.empty() ? "" : ", ") + marts[i].name;
      }
      return Status::InvalidArgument(
          fmt::format("marts depend on each other in a cycle: {}", names));
    }
  }
  return order;
}

Status BuildMarts(Connection& conn, const std::vector<MartConfig>& marts) {
  FL_ASSIGN_OR_RETURN(std::vector<MartConfig> order, OrderMarts(marts));
  if (order.empty()) return Status::OK();
  FL_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(conn));
  for (const auto& mart : order) {
    std::string sql = mart.sql;
    // A trailing ';' (natural in YAML block text) would end the CREATE ... AS statement early.
    while (!sql.empty() &&
           (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';')) {
      sql.pop_back();
    }
    Status st = conn.Execute(
        fmt::format("CREATE OR REPLACE TABLE {} AS\n{}", QuoteIdentifier(mart.name), sql));
    if (!st.ok()) return st.WithContext(fmt::format("building mart {}", mart.name));
  }
  return txn.Commit().WithContext("committing marts");
}

}  // namespace fleetlake
