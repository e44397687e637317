// Internal to src/warehouse/: scalar functions fleetlake adds to every DuckDB connection, so marts
// written in the config can use them.
#pragma once

#include <duckdb.h>

#include "common/status.h"

namespace fleetlake {

inline constexpr double kEarthRadiusMetres = 6371000.0;

// Great-circle distance in metres between two WGS-84 points given in degrees.
double HaversineMetres(double lat1, double lng1, double lat2, double lng2);

// Registers haversine_m(lat1, lng1, lat2, lng2 DOUBLE) -> DOUBLE on `conn`.
Status RegisterSqlFunctions(duckdb_connection conn);

}  // namespace fleetlake
