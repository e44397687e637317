#include "warehouse/format.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string_view>

#include "common/json_text.h"

namespace fleetlake {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsNumericType(const std::string& type) {
  static constexpr std::string_view kNumeric[] = {
      "TINYINT",  "SMALLINT", "INTEGER",  "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
      "UINTEGER", "UBIGINT",  "UHUGEINT", "FLOAT",  "DOUBLE",  "DECIMAL"};
  for (auto t : kNumeric) {
    if (type == t || (t == "DECIMAL" && StartsWith(type, "DECIMAL("))) return true;
  }
  return false;
}

size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;  // count UTF-8 lead bytes only
  return n;
}

// Table cells are one line each: control characters would break the alignment.
std::string CellText(const std::optional<std::string>& v) {
  if (!v) return "NULL";
  std::string out;
  for (char ch : *v) {
    if (ch == '\n')
      out += "\\n";
    else if (ch == '\r')
      out += "\\r";
    else if (ch == '\t')
      out += "\\t";
    else
      out += ch;
  }
  return out;
}

void Pad(std::string& out, const std::string& text, size_t width, bool right) {
  const size_t fill = width - std::min(width, DisplayWidth(text));
  if (right) out.append(fill, ' ');
  out += text;
  if (!right) out.append(fill, ' ');
}

void AppendCsvField(std::string& out, std::string_view v) {
  if (v.find_first_of("\",\r\n") == std::string_view::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char ch : v) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

// DuckDB renders non-finite doubles as "inf", "-inf", "nan", which JSON cannot hold.
bool IsJsonNumber(std::string_view v) {
  if (v.empty()) return false;
  for (char ch : v) {
    if (!(std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' || ch == '+' || ch == '.' ||
          ch == 'e' || ch == 'E')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string FormatTable(const QueryResult& result) {
  const size_t ncols = result.num_columns();
  std::vector<size_t> width(ncols);
  std::vector<bool> right(ncols);
  for (size_t c = 0; c < ncols; ++c) {
    width[c] = DisplayWidth(result.column_names[c]);
    right[c] = c < result.column_types.size() && IsNumericType(result.column_types[c]);
  }
  std::vector<std::vector<std::string>> cells;
  cells.reserve(result.rows.size());
  for (const auto& row : result.rows) {
    std::vector<std::string> line;
    for (size_t c = 0; c < ncols; ++c) {
      line.push_back(CellText(c < row.size() ? row[c] : std::nullopt));
      width[c] = std::max(width[c], DisplayWidth(line.back()));
    }
    cells.push_back(std::move(line));
  }
  std::string out;
  auto emit_line = [&](const std::vector<std::string>& values) {
    for (size_t c = 0; c < ncols; ++c) {
      if (c) out += " | ";
      // The last column is not padded on the left-aligned side: no trailing blanks.
      if (c + 1 == ncols && !right[c]) {
        out += values[c];
      } else {
        Pad(out, values[c], width[c], right[c]);
      }
    }
    out += '\n';
  };
  emit_line(result.column_names);
  for (size_t c = 0; c < ncols; ++c) {
    if (c) out += "-+-";
    out.append(width[c], '-');
  }
  out += '\n';
  for (const auto& line : cells) emit_line(line);
  out += fmt::format("({} row{})\n", cells.size(), cells.size() == 1 ? "" : "s");
  return out;
}

std::string FormatCsv(const QueryResult& result) {
  std::string out;
  for (size_t c = 0; c < result.num_columns(); ++c) {
    if (c) out += ',';
    AppendCsvField(out, result.column_names[c]);
  }
  out += '\n';
  for (const auto& row : result.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) out += ',';
      if (row[c]) AppendCsvField(out, *row[c]);
    }
    out += '\n';
  }
  return out;
}

std::string FormatJson(const QueryResult& result) {
  const size_t ncols = result.num_columns();
  std::vector<bool> numeric(ncols), boolean(ncols);
  for (size_t c = 0; c < ncols && c < result.column_types.size(); ++c) {
    numeric[c] = IsNumericType(result.column_types[c]);
    boolean[c] = result.column_types[c] == "BOOLEAN";
  }
  std::string out = "[";
  for (size_t r = 0; r < result.rows.size(); ++r) {
    out += r ? ",\n{" : "\n{";
    const auto& row = result.rows[r];
    for (size_t c = 0; c < ncols; ++c) {
      if (c) out += ',';
      AppendJsonString(out, result.column_names[c]);
      out += ':';
      const auto& v = c < row.size() ? row[c] : std::nullopt;
      if (!v) {
        out += "null";
      } else if (numeric[c]) {
        out += IsJsonNumber(*v) ? *v : "null";
      } else if (boolean[c]) {
        out += (*v == "true") ? "true" : "false";
      } else {
        AppendJsonString(out, *v);
      }
    }
    out += '}';
  }
  out += result.rows.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace fleetlake
