#include "pipeline/dq_report.h"

#include <algorithm>

#include "common/json_text.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/time_util.h"

namespace fleetlake {
namespace {

int64_t ToInt(const std::optional<std::string>& v) {
  if (!v || v->empty()) return 0;
  try {
    return std::stoll(*v);
  } catch (...) {
    return 0;
  }
}

std::string ToStr(const std::optional<std::string>& v) { return v ? *v : std::string(); }

// `IN (...)` list of quoted literals.
std::string InList(const std::vector<std::string>& values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ",";
    out += QuoteLiteral(values[i]);
  }
  return out + ")";
}

// Lateness and freshness of one entity, from its warehouse table.
Status ReadTableFacts(Connection& conn, const EntityConfig& entity, const std::string& run_date,
                      const std::vector<std::string>& days,
                      const std::vector<std::string>& manifest_keys, DqEntity& out) {
  const std::string table = QuoteIdentifier(entity.name);
  const std::string part = QuoteIdentifier(entity.partition_by.name);
  const std::string ts = QuoteIdentifier(entity.partition_by.column);
  FL_ASSIGN_OR_RETURN(QueryResult exists,
                      conn.Query("SELECT count(*) FROM information_schema.tables WHERE "
                                 "table_name = ? AND table_schema = 'main'",
                                 {entity.name}));
  if (exists.num_rows() != 1 || ToInt(exists.rows[0][0]) == 0) return Status::OK();
  FL_ASSIGN_OR_RETURN(
      QueryResult fresh,
      conn.Query(fmt::format("SELECT CAST(max({}) AS VARCHAR) FROM {}", ts, table)));
  if (fresh.num_rows() == 1) out.table_max_event_at = ToStr(fresh.rows[0][0]);
  if (days.empty() || manifest_keys.empty()) return Status::OK();
  FL_ASSIGN_OR_RETURN(
      QueryResult per_day,
      conn.Query(fmt::format("SELECT CAST({0} AS VARCHAR) AS day, count(*), CAST(max({1}) AS "
                             "VARCHAR) FROM {2} WHERE CAST({0} AS VARCHAR) IN {3} AND source_key "
                             "IN {4} GROUP BY 1 ORDER BY 1",
                             part, ts, table, InList(days), InList(manifest_keys))));
  for (const auto& row : per_day.rows) {
    std::string day = ToStr(row[0]);
    int64_t n = ToInt(row[1]);
    out.rows_per_day[day] = n;
    if (day != run_date) out.late_rows += n;
    std::string max = ToStr(row[2]);
    if (max > out.max_event_at) out.max_event_at = max;
  }
  return Status::OK();
}

}  // namespace

int64_t DqReport::RowsIn() const {
  int64_t n = 0;
  for (const auto& e : entities) n += e.rows_in;
  return n;
}
int64_t DqReport::RowsKept() const {
  int64_t n = 0;
  for (const auto& e : entities) n += e.rows_kept;
  return n;
}
int64_t DqReport::RowsRejected() const {
  int64_t n = 0;
  for (const auto& e : entities) n += e.rows_rejected;
  return n;
}

Result<DqReport> BuildDqReport(Connection& conn, const Config& config, const std::string& run_id,
                               const std::string& run_date, const FetchReport& fetch,
                               const ProcessReport& process,
                               const std::map<std::string, CrawlStats>& crawl,
                               const std::vector<std::string>& manifest_keys) {
  DqReport r;
  r.run_id = run_id;
  r.run_date = run_date;
  r.created_at = FormatTimestamp(NowMicros());
  r.files_listed = static_cast<int64_t>(fetch.listed);
  r.files_selected = static_cast<int64_t>(fetch.selected);
  r.files_fetched = static_cast<int64_t>(fetch.copied);
  r.files_skipped = static_cast<int64_t>(fetch.skipped);
  r.files_refused = static_cast<int64_t>(fetch.refused.size());
  r.bytes_fetched = static_cast<int64_t>(fetch.bytes_copied);
  r.objects_read = process.objects_read;
  r.bytes_read = process.bytes_read;
  r.records_read = process.records_read;
  for (const EntityConfig& entity : config.entities) {
    DqEntity e;
    e.entity = entity.name;
    std::vector<std::string> days;
    if (auto it = process.entities.find(entity.name); it != process.entities.end()) {
      const EntityProcessReport& p = it->second;
      e.rows_in = p.rows_in;
      e.rows_kept = p.rows_kept;
      e.rows_rejected = p.rows_rejected;
      e.rejected = p.rejected;
      for (const auto& [column, n] : p.coerced_nulls) {
        if (n > 0) e.coerced_nulls[column] = n;
      }
      for (const auto& [day, keys] : p.partitions) days.push_back(day);
    }
    if (auto it = crawl.find(entity.name); it != crawl.end()) e.duplicates = it->second.duplicates;
    FL_RETURN_IF_ERROR(ReadTableFacts(conn, entity, run_date, days, manifest_keys, e)
                           .WithContext("reading data quality facts of " + entity.name));
    r.entities.push_back(std::move(e));
  }
  if (process.unroutable_rows > 0) {
    DqEntity u;
    u.entity = "_unroutable";
    u.rows_in = u.rows_rejected = process.unroutable_rows;
    u.rejected = process.unroutable;
    r.entities.push_back(std::move(u));
  }
  return r;
}

Status EnsureDqTables(Connection& conn) {
  return conn.Execute(
      "CREATE TABLE IF NOT EXISTS fleetlake_dq_runs (run_id VARCHAR, run_date DATE,"
      " created_at TIMESTAMP, files_listed BIGINT, files_selected BIGINT, files_fetched BIGINT,"
      " files_skipped BIGINT, files_refused BIGINT, bytes_fetched BIGINT, objects_read BIGINT,"
      " bytes_read BIGINT, records_read BIGINT);"
      "CREATE TABLE IF NOT EXISTS fleetlake_dq_entities (run_id VARCHAR, run_date DATE,"
      " entity VARCHAR, rows_in BIGINT, rows_kept BIGINT, rows_rejected BIGINT,"
      " duplicates BIGINT, late_rows BIGINT, max_event_at TIMESTAMP,"
      " table_max_event_at TIMESTAMP);"
      "CREATE TABLE IF NOT EXISTS fleetlake_dq_rejects (run_id VARCHAR, run_date DATE,"
      " entity VARCHAR, reason VARCHAR, rows BIGINT);"
      "CREATE TABLE IF NOT EXISTS fleetlake_dq_nulls (run_id VARCHAR, run_date DATE,"
      " entity VARCHAR, column_name VARCHAR, values_coerced BIGINT);"
      "CREATE TABLE IF NOT EXISTS fleetlake_dq_days (run_id VARCHAR, run_date DATE,"
      " entity VARCHAR, event_date DATE, rows BIGINT);");
}

Status SaveDqReport(Connection& conn, const DqReport& r) {
  FL_RETURN_IF_ERROR(EnsureDqTables(conn));
  FL_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(conn));
  for (const char* table : {"fleetlake_dq_runs", "fleetlake_dq_entities", "fleetlake_dq_rejects",
                            "fleetlake_dq_nulls", "fleetlake_dq_days"}) {
    FL_RETURN_IF_ERROR(
        conn.Execute(fmt::format("DELETE FROM {} WHERE run_id = ?", table), {r.run_id}));
  }
  FL_RETURN_IF_ERROR(conn.Execute(
      "INSERT INTO fleetlake_dq_runs VALUES (?, CAST(? AS DATE), CAST(? AS TIMESTAMP), ?, ?, ?, ?,"
      " ?, ?, ?, ?, ?)",
      {r.run_id, r.run_date, r.created_at, r.files_listed, r.files_selected, r.files_fetched,
       r.files_skipped, r.files_refused, r.bytes_fetched, r.objects_read, r.bytes_read,
       r.records_read}));
  auto ts = [](const std::string& s) { return s.empty() ? Value{} : Value{s}; };
  for (const DqEntity& e : r.entities) {
    FL_RETURN_IF_ERROR(conn.Execute(
        "INSERT INTO fleetlake_dq_entities VALUES (?, CAST(? AS DATE), ?, ?, ?, ?, ?, ?,"
        " CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP))",
        {r.run_id, r.run_date, e.entity, e.rows_in, e.rows_kept, e.rows_rejected, e.duplicates,
         e.late_rows, ts(e.max_event_at), ts(e.table_max_event_at)}));
    for (const auto& [reason, n] : e.rejected) {
      FL_RETURN_IF_ERROR(
          conn.Execute("INSERT INTO fleetlake_dq_rejects VALUES (?, CAST(? AS DATE), ?, ?, ?)",
                       {r.run_id, r.run_date, e.entity, reason, n}));
    }
    for (const auto& [column, n] : e.coerced_nulls) {
      FL_RETURN_IF_ERROR(
          conn.Execute("INSERT INTO fleetlake_dq_nulls VALUES (?, CAST(? AS DATE), ?, ?, ?)",
                       {r.run_id, r.run_date, e.entity, column, n}));
    }
    for (const auto& [day, n] : e.rows_per_day) {
      FL_RETURN_IF_ERROR(conn.Execute(
          "INSERT INTO fleetlake_dq_days VALUES (?, CAST(? AS DATE), ?, CAST(? AS DATE), ?)",
          {r.run_id, r.run_date, e.entity, day, n}));
    }
  }
  return txn.Commit();
}

Result<std::optional<DqReport>> LoadDqReport(Connection& conn, const std::string& run_date) {
  FL_RETURN_IF_ERROR(EnsureDqTables(conn));
  FL_ASSIGN_OR_RETURN(
      QueryResult runs,
      conn.Query("SELECT run_id, CAST(run_date AS VARCHAR), CAST(created_at AS VARCHAR),"
                 " files_listed, files_selected, files_fetched, files_skipped, files_refused,"
                 " bytes_fetched, objects_read, bytes_read, records_read FROM fleetlake_dq_runs"
                 " WHERE run_date = CAST(? AS DATE) ORDER BY created_at DESC LIMIT 1",
                 {run_date}));
  if (runs.num_rows() == 0) return std::optional<DqReport>();
  const auto& row = runs.rows[0];
  DqReport r;
  r.run_id = ToStr(row[0]);
  r.run_date = ToStr(row[1]);
  r.created_at = ToStr(row[2]);
  r.files_listed = ToInt(row[3]);
  r.files_selected = ToInt(row[4]);
  r.files_fetched = ToInt(row[5]);
  r.files_skipped = ToInt(row[6]);
  r.files_refused = ToInt(row[7]);
  r.bytes_fetched = ToInt(row[8]);
  r.objects_read = ToInt(row[9]);
  r.bytes_read = ToInt(row[10]);
  r.records_read = ToInt(row[11]);
  FL_ASSIGN_OR_RETURN(
      QueryResult ents,
      conn.Query("SELECT entity, rows_in, rows_kept, rows_rejected, duplicates, late_rows,"
                 " CAST(max_event_at AS VARCHAR), CAST(table_max_event_at AS VARCHAR)"
                 " FROM fleetlake_dq_entities WHERE run_id = ?"
                 " ORDER BY entity = '_unroutable', rowid",
                 {r.run_id}));
  std::map<std::string, size_t> index;
  for (const auto& e : ents.rows) {
    DqEntity d;
    d.entity = ToStr(e[0]);
    d.rows_in = ToInt(e[1]);
    d.rows_kept = ToInt(e[2]);
    d.rows_rejected = ToInt(e[3]);
    d.duplicates = ToInt(e[4]);
    d.late_rows = ToInt(e[5]);
    d.max_event_at = ToStr(e[6]);
    d.table_max_event_at = ToStr(e[7]);
    index[d.entity] = r.entities.size();
    r.entities.push_back(std::move(d));
  }
  auto each = [&](const std::string& sql, auto&& fn) -> Status {
    FL_ASSIGN_OR_RETURN(QueryResult q, conn.Query(sql, {r.run_id}));
    for (const auto& row : q.rows) {
      auto it = index.find(ToStr(row[0]));
      if (it != index.end()) fn(r.entities[it->second], ToStr(row[1]), ToInt(row[2]));
    }
    return Status::OK();
  };
  FL_RETURN_IF_ERROR(each("SELECT entity, reason, rows FROM fleetlake_dq_rejects WHERE run_id = ?",
                          [](DqEntity& e, const std::string& k, int64_t n) { e.rejected[k] = n; }));
  FL_RETURN_IF_ERROR(
      each("SELECT entity, column_name, values_coerced FROM fleetlake_dq_nulls WHERE run_id = ?",
           [](DqEntity& e, const std::string& k, int64_t n) { e.coerced_nulls[k] = n; }));
  FL_RETURN_IF_ERROR(each(
      "SELECT entity, CAST(event_date AS VARCHAR), rows FROM fleetlake_dq_days WHERE run_id = ?",
      [](DqEntity& e, const std::string& k, int64_t n) { e.rows_per_day[k] = n; }));
  return std::optional<DqReport>(std::move(r));
}

Result<std::optional<std::string>> LatestDqDate(Connection& conn) {
  FL_RETURN_IF_ERROR(EnsureDqTables(conn));
  FL_ASSIGN_OR_RETURN(QueryResult q,
                      conn.Query("SELECT CAST(run_date AS VARCHAR) FROM fleetlake_dq_runs"
                                 " ORDER BY created_at DESC LIMIT 1"));
  if (q.num_rows() == 0 || !q.rows[0][0]) return std::optional<std::string>();
  return std::optional<std::string>(*q.rows[0][0]);
}

std::string FormatDqText(const DqReport& r, bool color) {
  auto paint = [color](const std::string& s, const char* code) {
    return color ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
  };
  std::string out = fmt::format("Data quality of {} (run {})\n", r.run_date, r.run_id);
  out += fmt::format(
      "  files: {} listed, {} of this date, {} fetched ({}), {} already there, {} refused\n",
      r.files_listed, r.files_selected, r.files_fetched, FormatBytes(r.bytes_fetched),
      r.files_skipped, r.files_refused);
  out += fmt::format("  read:  {} objects, {}, {} records\n", r.objects_read,
                     FormatBytes(r.bytes_read), r.records_read);
  out += fmt::format("  {:<18} {:>9} {:>9} {:>9} {:>7} {:>10} {:>9}  {}\n", "entity", "rows in",
                     "kept", "rejected", "reject%", "duplicates", "late", "freshest event");
  for (const DqEntity& e : r.entities) {
    double pct = e.rows_in > 0 ? 100.0 * e.rows_rejected / e.rows_in : 0.0;
    std::string pct_s = fmt::format("{:>6.2f}%", pct);
    if (pct >= 5.0) pct_s = paint(pct_s, "31");
    std::string fresh = e.table_max_event_at.empty() ? "-" : e.table_max_event_at;
    out += fmt::format("  {:<18} {:>9} {:>9} {:>9} {} {:>10} {:>9}  {}\n", e.entity, e.rows_in,
                       e.rows_kept, e.rows_rejected, pct_s, e.duplicates, e.late_rows, fresh);
  }
  bool any_reject = false, any_null = false;
  for (const DqEntity& e : r.entities) {
    any_reject = any_reject || !e.rejected.empty();
    any_null = any_null || !e.coerced_nulls.empty();
  }
  if (any_reject) {
    out += "  rejected, by reason:\n";
    for (const DqEntity& e : r.entities) {
      std::vector<std::pair<std::string, int64_t>> reasons(e.rejected.begin(), e.rejected.end());
      std::stable_sort(reasons.begin(), reasons.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      for (const auto& [reason, n] : reasons) {
        out += fmt::format("    {:<18} {:>9}  {}\n", e.entity, n, reason);
      }
    }
  }
  if (any_null) {
    out += "  values coerced to NULL (wrong type), by column:\n";
    for (const DqEntity& e : r.entities) {
      for (const auto& [column, n] : e.coerced_nulls) {
        out += fmt::format("    {:<18} {:>9}  {}\n", e.entity, n, column);
      }
    }
  }
  bool any_late = false;
  for (const DqEntity& e : r.entities) any_late = any_late || e.late_rows > 0;
  if (any_late) {
    out += "  late events (event day is not the run date), rows per event day:\n";
    for (const DqEntity& e : r.entities) {
      for (const auto& [day, n] : e.rows_per_day) {
        if (day != r.run_date) out += fmt::format("    {:<18} {:>9}  {}\n", e.entity, n, day);
      }
    }
  }
  return out;
}

std::string FormatDqLines(const std::vector<DqReport>& reports) {
  std::string out =
      fmt::format("Data quality\n  {:<10} {:>9} {:>9} {:>9} {:>7} {:>10} {:>9} {:>8}\n", "date",
                  "rows in", "kept", "rejected", "reject%", "duplicates", "late", "fetched");
  for (const DqReport& r : reports) {
    int64_t dups = 0, late = 0;
    for (const auto& e : r.entities) {
      dups += e.duplicates;
      late += e.late_rows;
    }
    double pct = r.RowsIn() > 0 ? 100.0 * r.RowsRejected() / r.RowsIn() : 0.0;
    out +=
        fmt::format("  {:<10} {:>9} {:>9} {:>9} {:>6.2f}% {:>10} {:>9} {:>8}\n", r.run_date,
                    r.RowsIn(), r.RowsKept(), r.RowsRejected(), pct, dups, late, r.files_fetched);
  }
  return out;
}

std::string FormatDqJson(const DqReport& r) {
  auto map_json = [](const std::map<std::string, int64_t>& m) {
    std::string s = "{";
    bool first = true;
    for (const auto& [k, v] : m) {
      s += fmt::format("{}\"{}\":{}", first ? "" : ",", JsonEscape(k), v);
      first = false;
    }
    return s + "}";
  };
  auto str_or_null = [](const std::string& s) {
    return s.empty() ? std::string("null") : "\"" + JsonEscape(s) + "\"";
  };
  std::string out = fmt::format(
      "{{\"run_id\":\"{}\",\"run_date\":\"{}\",\"created_at\":{},\"files\":{{\"listed\":{},"
      "\"selected\":{},\"fetched\":{},\"skipped\":{},\"refused\":{},\"bytes_fetched\":{}}},"
      "\"read\":{{\"objects\":{},\"bytes\":{},\"records\":{}}},\"rows_in\":{},\"rows_kept\":{},"
      "\"rows_rejected\":{},\"entities\":[",
      JsonEscape(r.run_id), JsonEscape(r.run_date), str_or_null(r.created_at), r.files_listed,
      r.files_selected, r.files_fetched, r.files_skipped, r.files_refused, r.bytes_fetched,
      r.objects_read, r.bytes_read, r.records_read, r.RowsIn(), r.RowsKept(), r.RowsRejected());
  for (size_t i = 0; i < r.entities.size(); ++i) {
    const DqEntity& e = r.entities[i];
    out += fmt::format(
        "{}{{\"entity\":\"{}\",\"rows_in\":{},\"rows_kept\":{},\"rows_rejected\":{},"
        "\"duplicates\":{},\"late_rows\":{},\"max_event_at\":{},\"table_max_event_at\":{},"
        "\"rejected\":{},\"coerced_nulls\":{},\"rows_per_day\":{}}}",
        i ? "," : "", JsonEscape(e.entity), e.rows_in, e.rows_kept, e.rows_rejected, e.duplicates,
        e.late_rows, str_or_null(e.max_event_at), str_or_null(e.table_max_event_at),
        map_json(e.rejected), map_json(e.coerced_nulls), map_json(e.rows_per_day));
  }
  return out + "]}\n";
}

}  // namespace fleetlake
