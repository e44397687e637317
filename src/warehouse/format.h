// Renders a QueryResult for people (table) and for other programs (CSV, JSON).
#pragma once

#include <string>

#include "warehouse/database.h"

namespace fleetlake {

// An aligned text table: header, a rule, one line per row; numbers right-aligned, NULL shown as
// NULL, and a "(N rows)" footer. Widths count UTF-8 code points, not bytes.
std::string FormatTable(const QueryResult& result);

// RFC 4180 quoting with Unix line ends (LF, like DuckDB's own COPY): header row, a field quoted
// when it holds '"', ',', CR or LF (quotes doubled). NULL is an empty field.
std::string FormatCsv(const QueryResult& result);

// A JSON array of objects keyed by column name. Integer, floating and decimal SQL types become JSON
// numbers (NaN and infinities become null), BOOLEAN becomes true/false, NULL becomes null,
// everything else a string.
std::string FormatJson(const QueryResult& result);

}  // namespace fleetlake
