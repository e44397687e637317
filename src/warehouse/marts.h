// Marts: the SQL models of the config, materialised as tables.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "warehouse/database.h"

namespace fleetlake {

// The marts in build order: mart B comes after mart A when B's SQL mentions A's name as a whole
// word (case-insensitive; string literals and comments count too); otherwise config order is
// kept. A dependency cycle or a repeated name is an InvalidArgument naming the marts.
Result<std::vector<MartConfig>> OrderMarts(const std::vector<MartConfig>& marts);

// Materialises every mart with CREATE OR REPLACE TABLE "name" AS <sql>, in dependency order and in
// one transaction: if one fails, the error names it and carries DuckDB's message, and every mart
// keeps its previous contents.
Status BuildMarts(Connection& conn, const std::vector<MartConfig>& marts);

}  // namespace fleetlake
