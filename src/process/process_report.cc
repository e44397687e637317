#include "process/process_report.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "common/json_text.h"

namespace fleetlake {
namespace {

namespace od = simdjson::ondemand;

void AppendKey(std::string& out, std::string_view key) {
  AppendJsonString(out, key);
  out.push_back(':');
}

void AppendCounts(std::string& out, const std::map<std::string, int64_t>& counts) {
  out.push_back('{');
  bool first = true;
  for (const auto& [k, v] : counts) {
    if (!first) out.push_back(',');
    first = false;
    AppendKey(out, k);
    out += std::to_string(v);
  }
  out.push_back('}');
}

void AppendStrings(std::string& out, const std::vector<std::string>& items) {
  out.push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    AppendJsonString(out, items[i]);
  }
  out.push_back(']');
}

// Decoding helpers: every error becomes Corruption naming the field.
Status Bad(std::string_view what, simdjson::error_code err) {
  return Status::Corruption(
      fmt::format("process report: bad '{}': {}", what, simdjson::error_message(err)));
}

Status ReadCounts(od::value v, std::string_view what, std::map<std::string, int64_t>& out) {
  od::object obj;
  if (auto err = v.get_object().get(obj)) return Bad(what, err);
  for (auto f : obj) {
    std::string_view key;
    int64_t n;
    if (auto err = f.unescaped_key().get(key)) return Bad(what, err);
    std::string k(key);
    if (auto err = f.value().get_int64().get(n)) return Bad(what, err);
    out[k] = n;
  }
  return Status::OK();
}

Status ReadStrings(od::value v, std::string_view what, std::vector<std::string>& out) {
  od::array arr;
  if (auto err = v.get_array().get(arr)) return Bad(what, err);
  for (auto item : arr) {
    std::string_view s;
    if (auto err = item.get_string().get(s)) return Bad(what, err);
    out.emplace_back(s);
  }
  return Status::OK();
}

Status ReadInt(od::value v, std::string_view what, int64_t& out) {
  if (auto err = v.get_int64().get(out)) return Bad(what, err);
  return Status::OK();
}

Status ReadEntity(od::value v, EntityProcessReport& e) {
  od::object obj;
  if (auto err = v.get_object().get(obj)) return Bad("entities", err);
  for (auto f : obj) {
    std::string_view key_view;
    if (auto err = f.unescaped_key().get(key_view)) return Bad("entities", err);
    std::string key(key_view);  // the view dies when the value is read
    od::value value;
    if (auto err = f.value().get(value)) return Bad(key, err);
    if (key == "rows_in") {
      FL_RETURN_IF_ERROR(ReadInt(value, key, e.rows_in));
    } else if (key == "rows_kept") {
      FL_RETURN_IF_ERROR(ReadInt(value, key, e.rows_kept));
    } else if (key == "rows_rejected") {
      FL_RETURN_IF_ERROR(ReadInt(value, key, e.rows_rejected));
    } else if (key == "rejected") {
      FL_RETURN_IF_ERROR(ReadCounts(value, key, e.rejected));
    } else if (key == "coerced_nulls") {
      FL_RETURN_IF_ERROR(ReadCounts(value, key, e.coerced_nulls));
    } else if (key == "partitions") {
      od::object parts;
      if (auto err = value.get_object().get(parts)) return Bad(key, err);
      for (auto p : parts) {
        std::string_view day;
        if (auto err = p.unescaped_key().get(day)) return Bad(key, err);
        std::vector<std::string>& files = e.partitions[std::string(day)];
        od::value list;
        if (auto err = p.value().get(list)) return Bad(key, err);
        FL_RETURN_IF_ERROR(ReadStrings(list, key, files));
      }
    }  // unknown keys: written by a newer version, ignored
  }
  return Status::OK();
}

}  // namespace

int64_t ProcessReport::RowsKept() const {
  int64_t n = 0;
  for (const auto& [name, e] : entities) n += e.rows_kept;
  return n;
}

int64_t ProcessReport::RowsRejected() const {
  int64_t n = unroutable_rows;
  for (const auto& [name, e] : entities) n += e.rows_rejected;
  return n;
}

std::string ProcessReport::ToJson() const {
  std::string out = "{";
  AppendKey(out, "batch");
  AppendJsonString(out, batch);
  out += fmt::format(",\"objects_read\":{},\"bytes_read\":{},\"records_read\":{}", objects_read,
                     bytes_read, records_read);
  out += ",\"entities\":{";
  bool first = true;
  for (const auto& [name, e] : entities) {
    if (!first) out.push_back(',');
    first = false;
    AppendKey(out, name);
    out += fmt::format("{{\"rows_in\":{},\"rows_kept\":{},\"rows_rejected\":{},\"rejected\":",
                       e.rows_in, e.rows_kept, e.rows_rejected);
    AppendCounts(out, e.rejected);
    out += ",\"coerced_nulls\":";
    AppendCounts(out, e.coerced_nulls);
    out += ",\"partitions\":{";
    bool first_part = true;
    for (const auto& [day, files] : e.partitions) {
      if (!first_part) out.push_back(',');
      first_part = false;
      AppendKey(out, day);
      AppendStrings(out, files);
    }
    out += "}}";
  }
  out += fmt::format("}},\"unroutable_rows\":{},\"unroutable\":", unroutable_rows);
  AppendCounts(out, unroutable);
  out += ",\"reject_files\":";
  AppendStrings(out, reject_files);
  out += ",\"deleted_files\":";
  AppendStrings(out, deleted_files);
  out += "}";
  return out;
}

Result<ProcessReport> ProcessReport::FromJson(std::string_view json) {
  ProcessReport r;
  simdjson::padded_string padded(json);
  od::parser parser;
  od::document doc;
  if (auto err = parser.iterate(padded).get(doc)) return Bad("document", err);
  od::object root;
  if (auto err = doc.get_object().get(root)) return Bad("document", err);
  for (auto f : root) {
    std::string_view key_view;
    if (auto err = f.unescaped_key().get(key_view)) return Bad("document", err);
    std::string key(key_view);
    od::value value;
    if (auto err = f.value().get(value)) return Bad(key, err);
    if (key == "batch") {
      std::string_view s;
      if (auto err = value.get_string().get(s)) return Bad(key, err);
      r.batch = std::string(s);
    } else if (key == "objects_read") {
      FL_RETURN_IF_ERROR(ReadInt(value, key, r.objects_read));
    } else if (key == "bytes_read") {
      FL_RETURN_IF_ERROR(ReadInt(value, key, r.bytes_read));
    } else if (key == "records_read") {
      FL_RETURN_IF_ERROR(ReadInt(value, key, r.records_read));
    } else if (key == "unroutable_rows") {
      FL_RETURN_IF_ERROR(ReadInt(value, key, r.unroutable_rows));
    } else if (key == "unroutable") {
      FL_RETURN_IF_ERROR(ReadCounts(value, key, r.unroutable));
    } else if (key == "reject_files") {
      FL_RETURN_IF_ERROR(ReadStrings(value, key, r.reject_files));
    } else if (key == "deleted_files") {
      FL_RETURN_IF_ERROR(ReadStrings(value, key, r.deleted_files));
    } else if (key == "entities") {
      od::object ents;
      if (auto err = value.get_object().get(ents)) return Bad(key, err);
      for (auto ef : ents) {
        std::string_view name;
        if (auto err = ef.unescaped_key().get(name)) return Bad(key, err);
        EntityProcessReport& e = r.entities[std::string(name)];
        od::value ev;
        if (auto err = ef.value().get(ev)) return Bad(key, err);
        FL_RETURN_IF_ERROR(ReadEntity(ev, e));
      }
    }
  }
  return r;
}

}  // namespace fleetlake
