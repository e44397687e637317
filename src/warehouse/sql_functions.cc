#include "warehouse/sql_functions.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "warehouse/duckdb_util.h"

namespace fleetlake {
namespace {

using duckdb_util::LogicalType;

double Radians(double deg) { return deg * std::numbers::pi / 180.0; }

// Vectorised body of haversine_m. The function uses DuckDB's default NULL handling, under which
// the engine only short-circuits constant NULL arguments: per-row NULLs reach us, so the output
// validity is the AND of the four input validities.
void HaversineKernel(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  const idx_t n = duckdb_data_chunk_get_size(input);
  const double* in[4];
  uint64_t* valid[4];
  for (idx_t c = 0; c < 4; ++c) {
    duckdb_vector v = duckdb_data_chunk_get_vector(input, c);
    in[c] = static_cast<const double*>(duckdb_vector_get_data(v));
    valid[c] = duckdb_vector_get_validity(v);  // null when every row is valid
  }
  auto* out = static_cast<double*>(duckdb_vector_get_data(output));
  uint64_t* out_valid = nullptr;
  for (idx_t row = 0; row < n; ++row) {
    bool all_valid = true;
    for (int c = 0; c < 4; ++c) {
      if (valid[c] && !duckdb_validity_row_is_valid(valid[c], row)) all_valid = false;
    }
    if (!all_valid) {
      if (!out_valid) {
        duckdb_vector_ensure_validity_writable(output);
        out_valid = duckdb_vector_get_validity(output);
      }
      duckdb_validity_set_row_invalid(out_valid, row);
      out[row] = 0;
      continue;
    }
    out[row] = HaversineMetres(in[0][row], in[1][row], in[2][row], in[3][row]);
  }
}

}  // namespace

double HaversineMetres(double lat1, double lng1, double lat2, double lng2) {
  const double phi1 = Radians(lat1), phi2 = Radians(lat2);
  const double dphi = Radians(lat2 - lat1), dlambda = Radians(lng2 - lng1);
  const double s1 = std::sin(dphi / 2), s2 = std::sin(dlambda / 2);
  double a = s1 * s1 + std::cos(phi1) * std::cos(phi2) * s2 * s2;
  a = std::min(1.0, std::max(0.0, a));  // rounding can push it just outside [0, 1]
  return 2 * kEarthRadiusMetres * std::asin(std::sqrt(a));
}

Status RegisterSqlFunctions(duckdb_connection conn) {
  duckdb_scalar_function fn = duckdb_create_scalar_function();
  duckdb_scalar_function_set_name(fn, "haversine_m");
  LogicalType dbl(duckdb_create_logical_type(DUCKDB_TYPE_DOUBLE));
  for (int i = 0; i < 4; ++i) duckdb_scalar_function_add_parameter(fn, dbl.get());
  duckdb_scalar_function_set_return_type(fn, dbl.get());
  duckdb_scalar_function_set_function(fn, HaversineKernel);
  duckdb_state state = duckdb_register_scalar_function(conn, fn);
  duckdb_destroy_scalar_function(&fn);
  if (state != DuckDBSuccess) {
    // DuckDB keeps C API functions in the database-wide system catalog, so registering on a second
    // connection of the same database fails with "already exists". That is fine as long as the
    // function is callable here.
    duckdb_util::ResultOwner probe;
    if (duckdb_query(conn, "SELECT haversine_m(0, 0, 0, 0)", probe.get()) != DuckDBSuccess) {
      return Status::Internal("could not register SQL function haversine_m");
    }
  }
  return Status::OK();
}

}  // namespace fleetlake
