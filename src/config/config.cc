#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace fleetlake {
namespace {

// Words DuckDB and Athena would misread as a table or column name.
constexpr std::array<const char*, 48> kReservedWords = {
    "all",    "alter",  "and",    "as",     "between",   "by",     "case",     "cast",
    "check",  "column", "create", "cross",  "default",   "delete", "distinct", "drop",
    "else",   "end",    "except", "exists", "false",     "from",   "full",     "group",
    "having", "in",     "inner",  "insert", "intersect", "into",   "is",       "join",
    "left",   "like",   "limit",  "not",    "null",      "on",     "or",       "order",
    "outer",  "right",  "select", "table",  "then",      "true",   "union",    "where"};

// Collects every problem of a config with its place, so one run of `validate` shows them all.
class Validator {
 public:
  explicit Validator(std::string file) : file_(std::move(file)) {}

  void Error(const YAML::Node& at, const std::string& what) {
    const YAML::Mark mark = at.Mark();
    if (mark.is_null() || mark.line < 0) {
      errors_.push_back(fmt::format("{}: {}", file_, what));
    } else {
      errors_.push_back(fmt::format("{}:{}:{}: {}", file_, mark.line + 1, mark.column + 1, what));
    }
  }
  bool ok() const { return errors_.empty(); }
  Status ToStatus() const {
    std::string msg;
    for (const auto& e : errors_) msg += (msg.empty() ? "" : "\n") + e;
    return Status::InvalidArgument(msg);
  }

  // Flags keys of a map that the schema does not know (typos would otherwise be silently ignored).
  void CheckKeys(const YAML::Node& map, const std::string& where,
                 std::initializer_list<const char*> allowed) {
    for (const auto& kv : map) {
      std::string key = kv.first.Scalar();
      bool known =
          std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; });
      if (!known) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        Error(kv.first,
              fmt::format("unknown key '{}' in {}; expected one of: {}", key, where, list));
      }
    }
  }

  bool IsMap(const YAML::Node& node, const std::string& what) {
    if (node.IsMap()) return true;
    Error(node, fmt::format("{} must be a mapping (key: value pairs)", what));
    return false;
  }

  // A required or optional scalar string.
  std::string String(const YAML::Node& parent, const char* key, const std::string& where,
                     bool required, const std::string& fallback = "") {
    YAML::Node node = parent[key];
    if (!node.IsDefined() || node.IsNull()) {
      if (required) Error(parent, fmt::format("{} needs '{}' (a string)", where, key));
      return fallback;
    }
    if (!node.IsScalar()) {
      Error(node, fmt::format("{}.{} must be a string", where, key));
      return fallback;
    }
    if (required && node.Scalar().empty())
      Error(node, fmt::format("{}.{} must not be empty", where, key));
    return node.Scalar();
  }

  bool Bool(const YAML::Node& parent, const char* key, const std::string& where, bool fallback) {
    YAML::Node node = parent[key];
    if (!node.IsDefined() || node.IsNull()) return fallback;
    bool value = fallback;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      Error(node, fmt::format("{}.{} must be true or false", where, key));
    }
    return value;
  }

  int64_t Int(const YAML::Node& parent, const char* key, const std::string& where, int64_t fallback,
              int64_t min, int64_t max) {
    YAML::Node node = parent[key];
    if (!node.IsDefined() || node.IsNull()) return fallback;
    int64_t value = fallback;
    if (!node.IsScalar() || !YAML::convert<int64_t>::decode(node, value)) {
      Error(node, fmt::format("{}.{} must be a whole number", where, key));
      return fallback;
    }
    if (value < min || value > max) {
      Error(node, fmt::format("{}.{} must be between {} and {}", where, key, min, max));
      return fallback;
    }
    return value;
  }

  std::vector<std::string> StringList(const YAML::Node& parent, const char* key,
                                      const std::string& where) {
    std::vector<std::string> out;
    YAML::Node node = parent[key];
    if (!node.IsDefined() || node.IsNull()) return out;
    if (!node.IsSequence()) {
      Error(node, fmt::format("{}.{} must be a list of strings", where, key));
      return out;
    }
    for (const auto& item : node) {
      if (!item.IsScalar() || item.Scalar().empty()) {
        Error(item, fmt::format("{}.{} entries must be non-empty strings", where, key));
      } else {
        out.push_back(item.Scalar());
      }
    }
    return out;
  }

  void Identifier(const YAML::Node& node, const std::string& name, const std::string& what) {
    if (!IsValidIdentifier(name)) {
      Error(node,
            fmt::format("{} '{}' is not a valid SQL identifier: use letters, digits and '_', "
                        "start with a letter or '_', at most 63 characters, not an SQL keyword",
                        what, name));
    }
  }

  void Path(const YAML::Node& node, const std::string& path, const std::string& what) {
    bool bad = path.empty() || path.front() == '.' || path.back() == '.' ||
               path.find("..") != std::string::npos;
    if (bad)
      Error(node,
            fmt::format("{} '{}' is not a dotted JSON path like data.location.lat", what, path));
  }

 private:
  std::string file_;
  std::vector<std::string> errors_;
};

// The S3 settings a source or a lake accepts (see S3Config).
#define S3_CONFIG_KEYS                                                         \
  "region", "endpoint", "anonymous", "profile", "addressing", "access_key_id", \
      "secret_access_key", "session_token", "concurrency", "part_size_mb"

void ParseS3Config(Validator& v, const YAML::Node& node, const std::string& where, S3Config& s3) {
  s3.region = v.String(node, "region", where, false);
  s3.endpoint = v.String(node, "endpoint", where, false);
  s3.anonymous = v.Bool(node, "anonymous", where, false);
  s3.profile = v.String(node, "profile", where, false);
  s3.addressing = v.String(node, "addressing", where, false, "auto");
  if (s3.addressing != "auto" && s3.addressing != "path" && s3.addressing != "virtual") {
    v.Error(node["addressing"], fmt::format("{}.addressing must be auto, path or virtual", where));
  }
  s3.access_key_id = v.String(node, "access_key_id", where, false);
  s3.secret_access_key = v.String(node, "secret_access_key", where, false);
  s3.session_token = v.String(node, "session_token", where, false);
  if (s3.access_key_id.empty() != s3.secret_access_key.empty()) {
    // Never echo the value: only say which key is missing.
    v.Error(node,
            fmt::format("{} needs both access_key_id and secret_access_key, or neither", where));
  }
  if (!s3.endpoint.empty() && s3.endpoint.rfind("http://", 0) != 0 &&
      s3.endpoint.rfind("https://", 0) != 0) {
    v.Error(node["endpoint"],
            fmt::format("{}.endpoint must start with http:// or https://", where));
  }
  s3.concurrency = static_cast<int>(v.Int(node, "concurrency", where, s3.concurrency, 1, 256));
  s3.part_size_mb = static_cast<int>(v.Int(node, "part_size_mb", where, s3.part_size_mb, 5, 5120));
}

Result<ColumnType> ParseColumnType(const std::string& s) {
  if (s == "string") return ColumnType::kString;
  if (s == "double") return ColumnType::kDouble;
  if (s == "bigint") return ColumnType::kBigint;
  if (s == "boolean") return ColumnType::kBoolean;
  if (s == "timestamp") return ColumnType::kTimestamp;
  return Status::InvalidArgument(fmt::format(
      "unknown column type '{}'; expected string, double, bigint, boolean or timestamp", s));
}

void ParseEntity(Validator& v, const YAML::Node& node, size_t index, EntityConfig& e) {
  std::string where = fmt::format("entities[{}]", index);
  if (!v.IsMap(node, where)) return;
  v.CheckKeys(node, where, {"name", "match", "required", "unique_key", "columns", "partition_by"});
  e.name = v.String(node, "name", where, true);
  if (!e.name.empty()) {
    v.Identifier(node["name"], e.name, "entity name");
    where = fmt::format("entity '{}'", e.name);
  }

  YAML::Node match = node["match"];
  if (!match.IsDefined() || !match.IsMap() || match.size() == 0) {
    v.Error(match.IsDefined() ? match : node,
            fmt::format("{} needs 'match': a mapping of JSON path to value, e.g. {{on: vehicle}}",
                        where));
  } else {
    for (const auto& kv : match) {
      if (!kv.second.IsScalar()) {
        v.Error(kv.second,
                fmt::format("{}: match value for '{}' must be a string", where, kv.first.Scalar()));
        continue;
      }
      v.Path(kv.first, kv.first.Scalar(), "match path");
      e.match.emplace_back(kv.first.Scalar(), kv.second.Scalar());
    }
  }

  e.required = v.StringList(node, "required", where);
  for (size_t i = 0; i < e.required.size(); ++i)
    v.Path(node["required"][i], e.required[i], "required path");

  YAML::Node columns = node["columns"];
  if (!columns.IsDefined() || !columns.IsSequence() || columns.size() == 0) {
    v.Error(columns.IsDefined() ? columns : node,
            fmt::format("{} needs 'columns': a non-empty list", where));
  } else {
    std::set<std::string> seen;
    for (size_t i = 0; i < columns.size(); ++i) {
      YAML::Node c = columns[i];
      std::string cwhere = fmt::format("{} columns[{}]", where, i);
      if (!v.IsMap(c, cwhere)) continue;
      v.CheckKeys(c, cwhere, {"name", "path", "type"});
      ColumnConfig col;
      col.name = v.String(c, "name", cwhere, true);
      col.path = v.String(c, "path", cwhere, true);
      std::string type = v.String(c, "type", cwhere, true);
      if (!col.name.empty()) {
        v.Identifier(c["name"], col.name, "column name");
        if (col.name == kSourceKeyColumn || col.name == kSourceLineColumn) {
          v.Error(c["name"], fmt::format("column name '{}' is reserved for lineage", col.name));
        }
        if (!seen.insert(col.name).second)
          v.Error(c["name"], fmt::format("duplicate column name '{}'", col.name));
      }
      if (!col.path.empty()) v.Path(c["path"], col.path, "column path");
      if (!type.empty()) {
        auto t = ParseColumnType(type);
        if (t.ok()) {
          col.type = *t;
        } else {
          v.Error(c["type"], t.status().message());
        }
      }
      e.columns.push_back(col);
    }
  }

  for (const auto& key : v.StringList(node, "unique_key", where)) {
    int idx = e.ColumnIndex(key);
    if (idx < 0) {
      v.Error(node["unique_key"],
              fmt::format("{}: unique_key '{}' is not a column name or path", where, key));
    } else {
      e.unique_key.push_back(idx);
    }
  }
  if (!node["unique_key"].IsDefined()) {
    v.Error(node, fmt::format("{} needs 'unique_key': the columns that identify one event", where));
  }

  YAML::Node part = node["partition_by"];
  if (!part.IsDefined()) {
    v.Error(node, fmt::format("{} needs 'partition_by': {{column: <timestamp column>}}", where));
  } else if (v.IsMap(part, where + ".partition_by")) {
    v.CheckKeys(part, where + ".partition_by", {"column", "granularity", "name"});
    e.partition_by.column = v.String(part, "column", where + ".partition_by", true);
    e.partition_by.granularity =
        v.String(part, "granularity", where + ".partition_by", false, "day");
    e.partition_by.name = v.String(part, "name", where + ".partition_by", false, "event_date");
    if (e.partition_by.granularity != "day") {
      v.Error(part["granularity"], "partition_by.granularity must be 'day'");
    }
    v.Identifier(part["name"].IsDefined() ? part["name"] : part, e.partition_by.name,
                 "partition name");
    if (e.ColumnIndex(e.partition_by.name) >= 0 || e.partition_by.name == kSourceKeyColumn ||
        e.partition_by.name == kSourceLineColumn) {
      v.Error(part, fmt::format("partition name '{}' collides with a column", e.partition_by.name));
    }
    if (!e.partition_by.column.empty()) {
      e.partition_column = e.ColumnIndex(e.partition_by.column);
      if (e.partition_column < 0) {
        v.Error(part["column"], fmt::format("partition_by.column '{}' is not a column of {}",
                                            e.partition_by.column, where));
      } else if (e.columns[e.partition_column].type != ColumnType::kTimestamp) {
        v.Error(part["column"], fmt::format("partition_by.column '{}' must be a timestamp column",
                                            e.partition_by.column));
      }
    }
  }
}

// Applies one --set override to the YAML tree: "a.b.c=value". A list element is addressed by its
// index or by its `name` ("entities.vehicle.partition_by.name=day").
Status ApplyOverride(YAML::Node root, const std::string& assignment) {
  size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::InvalidArgument(
        fmt::format("--set '{}': expected dotted.key=value", assignment));
  }
  std::string path = assignment.substr(0, eq);
  std::string value = assignment.substr(eq + 1);
  std::vector<std::string> parts;
  std::stringstream ss(path);
  for (std::string part; std::getline(ss, part, '.');) {
    if (part.empty())
      return Status::InvalidArgument(fmt::format("--set '{}': empty key segment", assignment));
    parts.push_back(part);
  }
  YAML::Node cur = root;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    bool last = i + 1 == parts.size();
    if (cur.IsSequence()) {
      YAML::Node next;
      bool found = false;
      if (!part.empty() && std::all_of(part.begin(), part.end(), ::isdigit)) {
        size_t idx = std::stoul(part);
        if (idx < cur.size()) {
          next.reset(cur[idx]);
          found = true;
        }
      } else {
        for (size_t j = 0; j < cur.size(); ++j) {
          if (cur[j].IsMap() && cur[j]["name"].IsScalar() && cur[j]["name"].Scalar() == part) {
            next.reset(cur[j]);
            found = true;
            break;
          }
        }
      }
      if (!found) {
        return Status::InvalidArgument(fmt::format(
            "--set '{}': no list element '{}' (use its index or name)", assignment, part));
      }
      if (last)
        return Status::InvalidArgument(
            fmt::format("--set '{}': cannot replace a list element", assignment));
      cur.reset(next);
      continue;
    }
    if (!cur.IsMap() && !cur.IsNull()) {
      return Status::InvalidArgument(
          fmt::format("--set '{}': '{}' is not a mapping", assignment, parts[i > 0 ? i - 1 : 0]));
    }
    if (last) {
      YAML::Node parsed;
      try {
        parsed = YAML::Load(value);
      } catch (const YAML::Exception&) {
        parsed = YAML::Node(value);
      }
      if (!parsed.IsDefined() || parsed.IsNull()) parsed = YAML::Node(value);
      cur[part] = parsed;
    } else {
      YAML::Node next = cur[part];
      if (!next.IsDefined() || next.IsNull()) {
        cur[part] = YAML::Node(YAML::NodeType::Map);
      }
      YAML::Node child = cur[part];
      cur.reset(child);
    }
  }
  return Status::OK();
}

Result<Config> BuildConfig(const YAML::Node& root, const std::string& file) {
  Validator v(file);
  Config config;
  config.file = file;
  if (!root.IsMap()) {
    v.Error(root, "the config must be a mapping with source, lake, warehouse, entities and marts");
    return v.ToStatus();
  }
  v.CheckKeys(root, "the config",
              {"source", "lake", "warehouse", "entities", "marts", "process", "run"});

  YAML::Node source = root["source"];
  if (!source.IsDefined()) {
    v.Error(root, "missing 'source': {uri: <folder or s3://bucket/prefix/>}");
  } else if (v.IsMap(source, "source")) {
    v.CheckKeys(source, "source", {"uri", S3_CONFIG_KEYS});
    config.source.uri = v.String(source, "uri", "source", true);
    ParseS3Config(v, source, "source", config.source);
  }

  YAML::Node lake = root["lake"];
  if (!lake.IsDefined()) {
    v.Error(root, "missing 'lake': {uri: <folder or s3://bucket/prefix>}");
  } else if (v.IsMap(lake, "lake")) {
    v.CheckKeys(lake, "lake", {"uri", S3_CONFIG_KEYS});
    config.lake.uri = v.String(lake, "uri", "lake", true);
    ParseS3Config(v, lake, "lake", config.lake);
  }

  YAML::Node wh = root["warehouse"];
  if (!wh.IsDefined()) {
    v.Error(root, "missing 'warehouse': {engine: duckdb, path: <file>}");
  } else if (v.IsMap(wh, "warehouse")) {
    v.CheckKeys(wh, "warehouse", {"engine", "path"});
    config.warehouse.engine = v.String(wh, "engine", "warehouse", false, "duckdb");
    config.warehouse.path = v.String(wh, "path", "warehouse", true);
    if (config.warehouse.engine != "duckdb") {
      v.Error(wh["engine"], fmt::format("warehouse.engine '{}' is not supported; use duckdb",
                                        config.warehouse.engine));
    }
  }

  YAML::Node entities = root["entities"];
  if (!entities.IsDefined() || !entities.IsSequence() || entities.size() == 0) {
    v.Error(entities.IsDefined() ? entities : root, "'entities' must be a non-empty list");
  } else {
    std::set<std::string> names;
    for (size_t i = 0; i < entities.size(); ++i) {
      EntityConfig e;
      ParseEntity(v, entities[i], i, e);
      if (!e.name.empty() && !names.insert(e.name).second) {
        v.Error(entities[i]["name"], fmt::format("duplicate entity name '{}'", e.name));
      }
      config.entities.push_back(std::move(e));
    }
  }

  YAML::Node marts = root["marts"];
  if (marts.IsDefined() && !marts.IsNull()) {
    if (!marts.IsSequence()) {
      v.Error(marts, "'marts' must be a list of {name, sql}");
    } else {
      std::set<std::string> names;
      for (const auto& e : config.entities) names.insert(e.name);
      for (size_t i = 0; i < marts.size(); ++i) {
        std::string where = fmt::format("marts[{}]", i);
        if (!v.IsMap(marts[i], where)) continue;
        v.CheckKeys(marts[i], where, {"name", "sql"});
        MartConfig m;
        m.name = v.String(marts[i], "name", where, true);
        m.sql = v.String(marts[i], "sql", where, true);
        if (!m.name.empty()) {
          v.Identifier(marts[i]["name"], m.name, "mart name");
          if (!names.insert(m.name).second) {
            v.Error(marts[i]["name"],
                    fmt::format("mart name '{}' is already an entity or mart", m.name));
          }
        }
        config.marts.push_back(std::move(m));
      }
    }
  }

  YAML::Node process = root["process"];
  if (process.IsDefined() && v.IsMap(process, "process")) {
    v.CheckKeys(process, "process", {"threads", "max_rows"});
    config.process.threads = static_cast<int>(v.Int(process, "threads", "process", 0, 0, 256));
    config.process.max_rows =
        v.Int(process, "max_rows", "process", config.process.max_rows, 1, 1LL << 40);
  }
  YAML::Node run = root["run"];
  if (run.IsDefined() && v.IsMap(run, "run")) {
    v.CheckKeys(run, "run", {"retries", "backoff_ms"});
    config.run.retries = static_cast<int>(v.Int(run, "retries", "run", config.run.retries, 0, 10));
    config.run.backoff_ms =
        static_cast<int>(v.Int(run, "backoff_ms", "run", config.run.backoff_ms, 0, 600000));
  }

  if (!v.ok()) return v.ToStatus();
  return config;
}

}  // namespace

const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return "string";
    case ColumnType::kDouble:
      return "double";
    case ColumnType::kBigint:
      return "bigint";
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kTimestamp:
      return "timestamp";
  }
  return "?";
}

const char* ColumnSqlType(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return "VARCHAR";
    case ColumnType::kDouble:
      return "DOUBLE";
    case ColumnType::kBigint:
      return "BIGINT";
    case ColumnType::kBoolean:
      return "BOOLEAN";
    case ColumnType::kTimestamp:
      return "TIMESTAMP";
  }
  return "?";
}

int EntityConfig::ColumnIndex(const std::string& name_or_path) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name_or_path) return static_cast<int>(i);
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].path == name_or_path) return static_cast<int>(i);
  }
  return -1;
}

const EntityConfig* Config::FindEntity(const std::string& name) const {
  for (const auto& e : entities) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

bool IsValidIdentifier(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  for (const char* w : kReservedWords) {
    if (lower == w) return false;
  }
  // fleetlake_* tables hold run history and stats.
  return lower.rfind("fleetlake_", 0) != 0;
}

Result<Config> ParseConfig(const std::string& yaml_text, const std::string& file_name,
                           const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    return Status::InvalidArgument(fmt::format("{}:{}:{}: invalid YAML: {}", file_name,
                                               e.mark.line + 1, e.mark.column + 1, e.msg));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}: invalid YAML: {}", file_name, e.what()));
  }
  try {
    if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    for (const auto& o : overrides) FL_RETURN_IF_ERROR(ApplyOverride(root, o));
    return BuildConfig(root, file_name);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}: {}", file_name, e.what()));
  }
}

Result<Config> LoadConfig(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument(fmt::format("cannot read config file '{}'", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseConfig(buf.str(), path, overrides);
}

}  // namespace fleetlake
