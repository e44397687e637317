#include "pipeline/report_page.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/progress.h"

namespace fleetlake {
namespace {

double ToDouble(const std::optional<std::string>& v) {
  if (!v || v->empty()) return 0;
  try {
    return std::stod(*v);
  } catch (...) {
    return 0;
  }
}

std::string ToStr(const std::optional<std::string>& v) { return v ? *v : std::string(); }

// A colour per status and a palette for series (colour-blind friendly, Okabe-Ito).
const char* StatusColor(const std::string& status) {
  if (status == "success") return "#009E73";
  if (status == "failed") return "#D55E00";
  if (status == "cancelled") return "#E69F00";
  return "#999999";
}
const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                          "#56B4E9", "#D55E00", "#F0E442", "#000000"};

// A round axis maximum and tick step above `max`.
std::pair<double, double> NiceScale(double max, int ticks = 4) {
  if (max <= 0) return {1, 0.25};
  double raw = max / ticks;
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  return {step * std::ceil(max / step), step};
}

std::string Num(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9) return fmt::format("{:.0f}", v);
  return fmt::format("{:.2f}", v);
}

// Stacked vertical bars: one bar per category (x label), one segment per series.
std::string StackedBars(const std::string& id, const std::string& title,
                        const std::vector<std::string>& categories,
                        const std::vector<std::string>& series,
                        const std::map<std::pair<std::string, std::string>, double>& values) {
  const int w = 720, h = 260, left = 60, right = 230, top = 16, bottom = 40;
  const int plot_w = w - left - right, plot_h = h - top - bottom;
  double max = 0;
  for (const auto& c : categories) {
    double sum = 0;
    for (const auto& s : series) {
      auto it = values.find({c, s});
      if (it != values.end()) sum += it->second;
    }
    max = std::max(max, sum);
  }
  auto [axis_max, step] = NiceScale(max);
  std::string svg = fmt::format(
      "<svg id=\"{}\" class=\"chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
      id, w, h, w, h, HtmlEscape(title));
  for (double t = 0; t <= axis_max + 1e-9; t += step) {
    double y = top + plot_h - t / axis_max * plot_h;
    svg += fmt::format(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>"
        "<text x=\"{}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>\n",
        left, left + plot_w, y, y, left - 6, y + 4, FormatCount(t));
  }
  if (categories.empty()) {
    svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"empty\">no data</text>\n",
                       left + plot_w / 2 - 25, top + plot_h / 2);
  }
  const double slot = categories.empty() ? plot_w : static_cast<double>(plot_w) / categories.size();
  const double bar_w = std::max(2.0, std::min(60.0, slot * 0.7));
  const size_t label_every = std::max<size_t>(1, categories.size() / 8);
  for (size_t i = 0; i < categories.size(); ++i) {
    double x = left + slot * i + (slot - bar_w) / 2;
    double y = top + plot_h;
    for (size_t s = 0; s < series.size(); ++s) {
      auto it = values.find({categories[i], series[s]});
      if (it == values.end() || it->second <= 0) continue;
      double bh = it->second / axis_max * plot_h;
      y -= bh;
      svg += fmt::format(
          "<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
          "fill=\"{}\"><title>{} {}: {}</title></rect>\n",
          x, y, bar_w, bh, kPalette[s % 8], HtmlEscape(categories[i]), HtmlEscape(series[s]),
          Num(it->second));
    }
    if (i % label_every == 0) {
      svg += fmt::format(
          "<text x=\"{:.1f}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>\n",
          x + bar_w / 2, top + plot_h + 16, HtmlEscape(categories[i].substr(5)));
    }
  }
  svg += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" class=\"axis\"/>\n", left,
                     left + plot_w, top + plot_h, top + plot_h);
  for (size_t s = 0; s < series.size(); ++s) {
    int y = top + 8 + static_cast<int>(s) * 18;
    std::string label = series[s].size() > 34 ? series[s].substr(0, 33) + "…" : series[s];
    svg += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>"
        "<text x=\"{}\" y=\"{}\" class=\"legend\">{}<title>{}</title></text>\n",
        w - right + 12, y - 10, kPalette[s % 8], w - right + 30, y, HtmlEscape(label),
        HtmlEscape(series[s]));
  }
  return svg + "</svg>\n";
}

std::string Gantt(const QueryResult& tasks) {
  // One row per (task, entity), in order of first start.
  struct Row {
    std::string label, status, note;
    double start = 0, end = 0;
    int attempts = 0;
  };
  std::vector<Row> rows;
  std::map<std::string, size_t> index;
  double end_max = 0;
  for (size_t i = 0; i < tasks.num_rows(); ++i) {
    std::string task = ToStr(tasks.Get(i, "task"));
    std::string entity = ToStr(tasks.Get(i, "entity"));
    std::string label = entity.empty() ? task : task + " " + entity;
    auto [it, fresh] = index.emplace(label, rows.size());
    if (fresh) rows.push_back(Row{label});
    Row& r = rows[it->second];
    r.status = ToStr(tasks.Get(i, "status"));
    r.start = ToDouble(tasks.Get(i, "start_ms"));
    r.end = ToDouble(tasks.Get(i, "end_ms"));
    r.attempts = static_cast<int>(ToDouble(tasks.Get(i, "attempts")));
    r.note = ToStr(tasks.Get(i, "message"));
    end_max = std::max(end_max, r.end);
  }
  const int w = 640, left = 170, right = 20, top = 10, row_h = 24;
  const int plot_w = w - left - right;
  const int h = top + static_cast<int>(rows.size()) * row_h + 34;
  auto [axis_max, step] = NiceScale(end_max / 1000.0);
  std::string svg = fmt::format(
      "<svg id=\"gantt\" class=\"chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "role=\"img\" aria-label=\"run timeline\" xmlns=\"http://www.w3.org/2000/svg\">\n",
      w, h, w, h);
  const int plot_bottom = top + static_cast<int>(rows.size()) * row_h;
  for (double t = 0; t <= axis_max + 1e-9; t += step) {
    double x = left + t / axis_max * plot_w;
    svg += fmt::format(
        "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\" class=\"grid\"/>"
        "<text x=\"{:.1f}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{} s</text>\n",
        x, x, top, plot_bottom, x, plot_bottom + 16, Num(t));
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    double x = left + r.start / 1000.0 / axis_max * plot_w;
    double bw = std::max(2.0, (r.end - r.start) / 1000.0 / axis_max * plot_w);
    int y = top + static_cast<int>(i) * row_h;
    svg += fmt::format(
        "<text x=\"{}\" y=\"{}\" class=\"label\" text-anchor=\"end\">{}</text>"
        "<rect class=\"task-bar {}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" "
        "rx=\"3\" fill=\"{}\"><title>{}: {}, {:.3f} s, {} attempt(s){}{}</title></rect>\n",
        left - 8, y + 16, HtmlEscape(r.label), HtmlEscape(r.status), x, y + 4, bw, row_h - 8,
        StatusColor(r.status), HtmlEscape(r.label), HtmlEscape(r.status),
        (r.end - r.start) / 1000.0, r.attempts, r.note.empty() ? "" : "; ", HtmlEscape(r.note));
  }
  if (rows.empty()) {
    svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"empty\">no tasks recorded</text>\n", left,
                       top + 16);
  }
  return svg + "</svg>\n";
}

std::string PositionsMap(const ReportPage& page) {
  const int w = 640, h = 420, pad = 24;
  std::string svg = fmt::format(
      "<svg id=\"positions-map\" class=\"chart\" viewBox=\"0 0 {} {}\" width=\"{}\" "
      "height=\"{}\" role=\"img\" aria-label=\"positions\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" "
      "class=\"map-bg\"/>\n",
      w, h, w, h, w, h);
  const QueryResult& p = page.positions;
  if (p.num_rows() == 0) {
    svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"empty\">no positions on this day</text>\n",
                       w / 2 - 70, h / 2);
    return svg + "</svg>\n";
  }
  double min_lat = 90, max_lat = -90, min_lng = 180, max_lng = -180;
  for (const auto& row : p.rows) {
    double lat = ToDouble(row[0]), lng = ToDouble(row[1]);
    min_lat = std::min(min_lat, lat);
    max_lat = std::max(max_lat, lat);
    min_lng = std::min(min_lng, lng);
    max_lng = std::max(max_lng, lng);
  }
  // Equirectangular, with longitudes shrunk by cos(latitude) so distances look right locally.
  const double k = std::cos((min_lat + max_lat) / 2 * M_PI / 180.0);
  const double span_x = std::max((max_lng - min_lng) * k, 1e-6);
  const double span_y = std::max(max_lat - min_lat, 1e-6);
  const double scale = std::min((w - 2 * pad) / span_x, (h - 2 * pad) / span_y);
  const double off_x = (w - span_x * scale) / 2, off_y = (h - span_y * scale) / 2;
  std::map<std::string, size_t> groups;
  for (const auto& row : p.rows) {
    std::string g = ToStr(row[2]);
    size_t color = groups.emplace(g, groups.size()).first->second;
    double x = off_x + (ToDouble(row[1]) - min_lng) * k * scale;
    double y = h - off_y - (ToDouble(row[0]) - min_lat) * scale;
    svg +=
        fmt::format("<circle class=\"pos\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.2\" fill=\"{}\"/>\n",
                    x, y, kPalette[color % 8]);
  }
  svg += fmt::format(
      "<text x=\"8\" y=\"{}\" class=\"tick\">lat {:.4f}…{:.4f}, lng {:.4f}…{:.4f}</text>\n", h - 8,
      min_lat, max_lat, min_lng, max_lng);
  return svg + "</svg>\n";
}

std::string HtmlTable(const std::string& id, const std::string& cls, const QueryResult& q) {
  std::string out = fmt::format("<table id=\"{}\" class=\"{}\"><thead><tr>", HtmlEscape(id), cls);
  for (const auto& c : q.column_names) out += "<th>" + HtmlEscape(c) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : q.rows) {
    out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string& type = q.column_types[c];
      bool numeric = type == "BIGINT" || type == "INTEGER" || type == "DOUBLE" ||
                     type == "HUGEINT" || type.rfind("DECIMAL", 0) == 0 || type == "FLOAT";
      std::string v = row[c] ? *row[c] : "NULL";
      if (numeric && row[c] && type == "DOUBLE") v = fmt::format("{:.3f}", ToDouble(row[c]));
      out += fmt::format("<td{}>{}</td>", numeric ? " class=\"num\"" : "", HtmlEscape(v));
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

// Latest report run per date up to `date`, the last 31 of them.
const char* kLatestRuns =
    "SELECT run_date, arg_max(run_id, created_at) AS run_id FROM fleetlake_dq_runs"
    " WHERE run_date <= CAST(? AS DATE) GROUP BY run_date ORDER BY run_date DESC LIMIT 31";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Result<ReportPage> LoadReportPage(Connection& conn, const Config& config, const DqReport& dq,
                                  int mart_row_limit, int max_positions) {
  ReportPage page;
  page.dq = dq;
  FL_ASSIGN_OR_RETURN(
      page.tasks,
      conn.Query("SELECT task, coalesce(entity, '') AS entity, status, attempts,"
                 " epoch_ms(started_at) - min(epoch_ms(started_at)) OVER () AS start_ms,"
                 " epoch_ms(finished_at) - min(epoch_ms(started_at)) OVER () AS end_ms,"
                 " coalesce(message, '') AS message"
                 " FROM fleetlake_tasks WHERE run_id = ? ORDER BY started_at, task, entity",
                 {dq.run_id}));
  FL_ASSIGN_OR_RETURN(
      page.daily,
      conn.Query(fmt::format("SELECT CAST(r.run_date AS VARCHAR) AS run_date,"
                             " sum(e.rows_kept) AS rows_kept, sum(e.rows_rejected) AS rows_rejected"
                             " FROM ({}) r JOIN fleetlake_dq_entities e USING (run_id)"
                             " GROUP BY r.run_date ORDER BY r.run_date",
                             kLatestRuns),
                 {dq.run_date}));
  FL_ASSIGN_OR_RETURN(
      page.daily_rejects,
      conn.Query(fmt::format("SELECT CAST(r.run_date AS VARCHAR) AS run_date, j.reason,"
                             " sum(j.rows) AS rows FROM ({}) r JOIN fleetlake_dq_rejects j"
                             " USING (run_id) GROUP BY r.run_date, j.reason ORDER BY 1, 2",
                             kLatestRuns),
                 {dq.run_date}));
  for (const MartConfig& mart : config.marts) {
    ReportPage::Mart m;
    m.name = mart.name;
    auto rows = conn.Query(
        fmt::format("SELECT * FROM {} LIMIT {}", QuoteIdentifier(mart.name), mart_row_limit));
    if (!rows.ok()) continue;  // not built yet: the page says so
    m.rows = std::move(*rows);
    FL_ASSIGN_OR_RETURN(QueryResult n,
                        conn.Query("SELECT count(*) FROM " + QuoteIdentifier(mart.name)));
    m.total_rows = static_cast<int64_t>(ToDouble(n.rows[0][0]));
    page.marts.push_back(std::move(m));
  }
  // The positions: the first entity with double columns lat and lng; colour by its first *_id.
  for (const EntityConfig& e : config.entities) {
    int lat = -1, lng = -1, group = -1;
    for (size_t i = 0; i < e.columns.size(); ++i) {
      const ColumnConfig& c = e.columns[i];
      if (c.type == ColumnType::kDouble && (c.name == "lat" || c.name == "latitude"))
        lat = static_cast<int>(i);
      if (c.type == ColumnType::kDouble &&
          (c.name == "lng" || c.name == "lon" || c.name == "longitude"))
        lng = static_cast<int>(i);
      if (group < 0 && c.type == ColumnType::kString && c.name.size() > 3 &&
          c.name.compare(c.name.size() - 3, 3, "_id") == 0)
        group = static_cast<int>(i);
    }
    if (lat < 0 || lng < 0) continue;
    const std::string la = QuoteIdentifier(e.columns[lat].name);
    const std::string ln = QuoteIdentifier(e.columns[lng].name);
    const std::string g = group >= 0 ? QuoteIdentifier(e.columns[group].name) : "''";
    // Every k-th position in time order, so a busy day still shows its whole extent.
    auto q = conn.Query(
        fmt::format("SELECT lat, lng, grp FROM (SELECT {0} AS lat, {1} AS lng, CAST({2} AS "
                    "VARCHAR) AS grp, row_number() OVER (ORDER BY {3}, {2}, {0}, {1}) AS rn, "
                    "count(*) OVER () AS n FROM {4} WHERE {5} = CAST(? AS DATE) AND {0} "
                    "BETWEEN -90 AND 90 AND {1} BETWEEN -180 AND 180) WHERE n <= {6} OR rn % "
                    "CAST(ceil(n / {6}) AS BIGINT) = 0 ORDER BY rn",
                    la, ln, g, QuoteIdentifier(e.partition_by.column), QuoteIdentifier(e.name),
                    QuoteIdentifier(e.partition_by.name), max_positions),
        {dq.run_date});
    if (q.ok()) {
      page.positions_entity = e.name;
      page.positions = std::move(*q);
    }
    break;
  }
  return page;
}

std::string RenderReportHtml(const ReportPage& page) {
  const DqReport& dq = page.dq;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += fmt::format("<title>fleetlake report {}</title>\n", HtmlEscape(dq.run_date));
  h += R"(<style>
body{font-family:-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 16px}
h1{font-size:1.6em;margin-bottom:4px}h2{font-size:1.2em;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#666;font-size:.9em}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
.card .v{font-size:1.4em;font-weight:600}.card .k{color:#666;font-size:.8em}
.card.bad .v{color:#D55E00}
table{border-collapse:collapse;margin:8px 0;font-size:.9em}
th,td{border-bottom:1px solid #eee;padding:4px 10px;text-align:left}th{background:#f6f6f6}
td.num{text-align:right;font-variant-numeric:tabular-nums}
svg.chart{display:block;margin:8px 0;max-width:100%;height:auto}
svg .grid{stroke:#eee}svg .axis{stroke:#888}svg .tick,svg .legend,svg .label{font-size:11px;fill:#444}
svg .label{font-size:12px}svg .empty{fill:#999;font-size:13px}svg .map-bg{fill:#f4f7fa;stroke:#dde}
svg circle.pos{fill-opacity:.75}
.charts{display:flex;flex-wrap:wrap;gap:16px}
</style></head><body>
)";
  h += fmt::format("<h1>fleetlake report — {}</h1>\n", HtmlEscape(dq.run_date));
  h += fmt::format("<p class=\"meta\">run <code>{}</code>, report made {}</p>\n",
                   HtmlEscape(dq.run_id), HtmlEscape(dq.created_at));

  int64_t late = 0, dups = 0, nulls = 0;
  for (const auto& e : dq.entities) {
    late += e.late_rows;
    dups += e.duplicates;
    for (const auto& [c, n] : e.coerced_nulls) nulls += n;
  }
  auto card = [&](const std::string& k, const std::string& v, bool bad = false) {
    h += fmt::format(
        "<div class=\"card{}\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
        bad ? " bad" : "", HtmlEscape(v), HtmlEscape(k));
  };
  h += "<div class=\"cards\" id=\"summary\">";
  card("files fetched", fmt::format("{}", dq.files_fetched));
  card("files already there", fmt::format("{}", dq.files_skipped));
  card("records read", fmt::format("{}", dq.records_read));
  card("rows kept", fmt::format("{}", dq.RowsKept()));
  card("rows rejected", fmt::format("{}", dq.RowsRejected()), dq.RowsRejected() > 0);
  card("duplicates collapsed", fmt::format("{}", dups));
  card("late rows", fmt::format("{}", late));
  card("values coerced to NULL", fmt::format("{}", nulls), nulls > 0);
  h += "</div>\n";

  h += "<h2>Run timeline</h2>\n" + Gantt(page.tasks);

  // Daily volume: kept and rejected rows per date.
  std::vector<std::string> dates;
  std::map<std::pair<std::string, std::string>, double> volume, rejects;
  for (const auto& row : page.daily.rows) {
    std::string d = ToStr(row[0]);
    dates.push_back(d);
    volume[{d, "rows kept"}] = ToDouble(row[1]);
    volume[{d, "rows rejected"}] = ToDouble(row[2]);
  }
  // Rejects per date by reason: the 6 most frequent reasons, the rest as "other".
  std::map<std::string, double> reason_total;
  for (const auto& row : page.daily_rejects.rows) reason_total[ToStr(row[1])] += ToDouble(row[2]);
  std::vector<std::pair<std::string, double>> reasons(reason_total.begin(), reason_total.end());
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> series;
  for (size_t i = 0; i < reasons.size() && i < 6; ++i) series.push_back(reasons[i].first);
  std::set<std::string> top(series.begin(), series.end());
  if (reasons.size() > 6) series.push_back("other");
  for (const auto& row : page.daily_rejects.rows) {
    std::string reason = ToStr(row[1]);
    rejects[{ToStr(row[0]), top.count(reason) ? reason : "other"}] += ToDouble(row[2]);
  }
  h += "<h2>Daily volume and rejects</h2>\n<div class=\"charts\">\n";
  h += "<div><h3>Rows per run date</h3>\n";
  h += StackedBars("volume-chart", "rows per date", dates, {"rows kept", "rows rejected"}, volume);
  h += "</div><div><h3>Rejected rows per run date, by reason</h3>\n";
  h += StackedBars("reject-chart", "rejects per date by reason", dates, series, rejects);
  h += "</div>\n";
  h += "</div>\n";

  h += "<h2>Data quality</h2>\n";
  QueryResult dq_table;
  dq_table.column_names = {"entity",     "rows in", "kept",          "rejected",
                           "duplicates", "late",    "newest of run", "freshness (newest in table)"};
  dq_table.column_types = {"VARCHAR", "BIGINT", "BIGINT",  "BIGINT",
                           "BIGINT",  "BIGINT", "VARCHAR", "VARCHAR"};
  QueryResult reject_table, null_table;
  reject_table.column_names = {"entity", "reason", "rows"};
  reject_table.column_types = {"VARCHAR", "VARCHAR", "BIGINT"};
  null_table.column_names = {"entity", "column", "values coerced to NULL"};
  null_table.column_types = {"VARCHAR", "VARCHAR", "BIGINT"};
  auto s = [](int64_t v) { return std::optional<std::string>(std::to_string(v)); };
  for (const auto& e : dq.entities) {
    dq_table.rows.push_back({e.entity, s(e.rows_in), s(e.rows_kept), s(e.rows_rejected),
                             s(e.duplicates), s(e.late_rows), e.max_event_at,
                             e.table_max_event_at});
    for (const auto& [reason, n] : e.rejected)
      reject_table.rows.push_back({e.entity, reason, s(n)});
    for (const auto& [col, n] : e.coerced_nulls) null_table.rows.push_back({e.entity, col, s(n)});
  }
  h += HtmlTable("dq-table", "dq", dq_table);
  h += "<h3>Rejected rows by reason</h3>\n";
  h += reject_table.rows.empty() ? "<p>none</p>\n" : HtmlTable("reject-table", "dq", reject_table);
  h += "<h3>Values coerced to NULL</h3>\n";
  h += null_table.rows.empty() ? "<p>none</p>\n" : HtmlTable("null-table", "dq", null_table);

  h += "<h2>BI answer</h2>\n";
  if (page.marts.empty()) h += "<p>No marts built yet.</p>\n";
  for (const auto& m : page.marts) {
    h += fmt::format("<h3><code>{}</code> ({} rows{})</h3>\n", HtmlEscape(m.name), m.total_rows,
                     m.total_rows > static_cast<int64_t>(m.rows.num_rows())
                         ? fmt::format(", first {} shown", m.rows.num_rows())
                         : "");
    h += HtmlTable("mart-" + m.name, "mart", m.rows);
  }

  h += fmt::format("<h2>Positions on {}</h2>\n", HtmlEscape(dq.run_date));
  if (!page.positions_entity.empty()) {
    h += fmt::format(
        "<p class=\"meta\">{} positions of <code>{}</code>, one colour per vehicle</p>\n",
        page.positions.num_rows(), HtmlEscape(page.positions_entity));
  }
  h += PositionsMap(page);
  h += "</body></html>\n";
  return h;
}

}  // namespace fleetlake
