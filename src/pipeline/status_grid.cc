#include "pipeline/status_grid.h"

#include <algorithm>
#include <map>

#include "pipeline/history.h"

namespace fleetlake {
namespace {

std::string ToStr(const std::optional<std::string>& v) { return v ? *v : std::string(); }
int64_t ToInt(const std::optional<std::string>& v) {
  if (!v || v->empty()) return 0;
  try {
    return static_cast<int64_t>(std::stod(*v));
  } catch (...) {
    return 0;
  }
}

// Which state wins when several rows make one cell (process has one row per entity).
int Severity(const std::string& status) {
  if (status == "failed") return 4;
  if (status == "cancelled") return 3;
  if (status == "upstream_failed") return 2;
  if (status == "success") return 1;
  return 0;
}

std::string CellText(const GridCell& c) {
  if (c.status.empty()) return "-";
  if (c.status == "upstream_failed") return "upstream failed";
  std::string word = c.status == "success" ? "ok" : c.status == "failed" ? "FAILED" : c.status;
  std::string text = fmt::format("{} {:.2f}s", word, c.duration_ms / 1000.0);
  if (c.attempts > 1) text += fmt::format(" ({} tries)", c.attempts);
  return text;
}

const char* StateColor(const std::string& status) {
  if (status == "success") return "32";
  if (status == "failed") return "1;31";
  if (status.empty()) return "2";
  return "33";
}

}  // namespace

Result<StatusGrid> LoadStatusGrid(Connection& conn, const Config& config, int limit) {
  FL_RETURN_IF_ERROR(EnsureHistoryTables(conn));
  StatusGrid grid;
  std::map<std::string, size_t> column_of;
  auto add_column = [&](const std::string& name) {
    column_of[name] = grid.columns.size();
    grid.columns.push_back(name);
  };
  add_column("fetch");
  add_column("process");
  for (const auto& e : config.entities) add_column("crawl " + e.name);
  add_column("marts");

  FL_ASSIGN_OR_RETURN(
      QueryResult q,
      conn.Query("WITH latest AS (SELECT run_date, arg_max(run_id, started_at) AS run_id,"
                 " count(*) AS runs FROM fleetlake_runs GROUP BY run_date"
                 " ORDER BY run_date DESC LIMIT ?)"
                 " SELECT CAST(l.run_date AS VARCHAR), r.status, l.runs,"
                 " epoch(coalesce(r.finished_at, r.started_at) - r.started_at), t.task,"
                 " coalesce(t.entity, ''), t.status, t.duration_ms, t.attempts"
                 " FROM latest l JOIN fleetlake_runs r USING (run_id)"
                 " LEFT JOIN fleetlake_tasks t USING (run_id)"
                 " ORDER BY l.run_date DESC, t.started_at",
                 {int64_t{limit}}));
  std::map<std::string, size_t> row_of;
  for (const auto& row : q.rows) {
    std::string date = ToStr(row[0]);
    auto [it, fresh] = row_of.emplace(date, grid.rows.size());
    if (fresh) {
      GridRow r;
      r.date = date;
      r.run_status = ToStr(row[1]);
      r.runs = static_cast<int>(ToInt(row[2]));
      try {
        r.seconds = row[3] ? std::stod(*row[3]) : 0;
      } catch (...) {
      }
      r.cells.resize(grid.columns.size());
      grid.rows.push_back(std::move(r));
    }
    if (!row[4]) continue;  // a run with no task recorded yet
    std::string task = ToStr(row[4]), entity = ToStr(row[5]);
    std::string column = task == "crawl" ? "crawl " + entity : task;
    auto col = column_of.find(column);
    if (col == column_of.end()) {
      add_column(column);  // an entity no longer in the config, or a task of another version
      for (auto& r : grid.rows) r.cells.resize(grid.columns.size());
      col = column_of.find(column);
    }
    GridCell& cell = grid.rows[it->second].cells[col->second];
    std::string status = ToStr(row[6]);
    if (Severity(status) >= Severity(cell.status)) cell.status = status;
    cell.duration_ms = std::max(cell.duration_ms, ToInt(row[7]));
    cell.attempts = std::max(cell.attempts, static_cast<int>(ToInt(row[8])));
  }
  return grid;
}

std::string FormatStatusGrid(const StatusGrid& grid, bool color) {
  if (grid.rows.empty()) return "no runs yet: start one with `fleetlake run --config FILE`\n";
  std::vector<std::string> header = {"date", "run"};
  header.insert(header.end(), grid.columns.begin(), grid.columns.end());
  std::vector<std::vector<std::string>> cells;
  std::vector<std::vector<std::string>> states;
  for (const auto& r : grid.rows) {
    std::vector<std::string> line = {r.date};
    std::vector<std::string> st = {""};
    std::string run =
        fmt::format("{} {:.2f}s", r.run_status == "success" ? "ok" : r.run_status, r.seconds);
    if (r.runs > 1) run += fmt::format(" ({} runs)", r.runs);
    line.push_back(run);
    st.push_back(r.run_status);
    for (const auto& c : r.cells) {
      line.push_back(CellText(c));
      st.push_back(c.status);
    }
    cells.push_back(std::move(line));
    states.push_back(std::move(st));
  }
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) {
    width[i] = header[i].size();
    for (const auto& line : cells) width[i] = std::max(width[i], line[i].size());
  }
  std::string out;
  for (size_t i = 0; i < header.size(); ++i) {
    out += fmt::format("{:<{}}", header[i], i + 1 < header.size() ? width[i] + 2 : 0);
  }
  out += "\n";
  for (size_t r = 0; r < cells.size(); ++r) {
    for (size_t i = 0; i < header.size(); ++i) {
      std::string text =
          fmt::format("{:<{}}", cells[r][i], i + 1 < header.size() ? width[i] + 2 : 0);
      if (color && i > 0) {
        // Colour the words only, not the padding, so columns stay aligned.
        size_t end = cells[r][i].size();
        text = fmt::format("\033[{}m{}\033[0m{}", StateColor(states[r][i]), text.substr(0, end),
                           text.substr(end));
      }
      out += text;
    }
    // Strip trailing padding of the last column.
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "\n";
  }
  return out;
}

}  // namespace fleetlake
