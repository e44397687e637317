// Shared helpers for the process tests: the EVENTS.md config built by hand (no YAML loader
// needed), gzip compression, an in-memory Store and a ParquetWriter that records batches.
#pragma once

#include <zlib.h>

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "storage/store.h"
#include "warehouse/parquet_writer.h"

namespace fleetlake::testing {

inline EntityConfig VehicleEntity() {
  EntityConfig e;
  e.name = "vehicle";
  e.match = {{"on", "vehicle"}};
  e.required = {"event", "on", "at", "organization_id", "data.id"};
  e.columns = {
      {"event", "event", ColumnType::kString},
      {"vehicle_id", "data.id", ColumnType::kString},
      {"event_at", "at", ColumnType::kTimestamp},
      {"lat", "data.location.lat", ColumnType::kDouble},
      {"lng", "data.location.lng", ColumnType::kDouble},
      {"location_at", "data.location.at", ColumnType::kTimestamp},
      {"organization_id", "organization_id", ColumnType::kString},
  };
  e.unique_key = {0, 1, 2};
  e.partition_by = {"event_at", "day", "event_date"};
  e.partition_column = 2;
  return e;
}

inline EntityConfig OperatingPeriodEntity() {
  EntityConfig e;
  e.name = "operating_period";
  e.match = {{"on", "operating_period"}};
  e.required = {"event", "on", "at", "organization_id", "data.id"};
  e.columns = {
      {"event", "event", ColumnType::kString},
      {"operating_period_id", "data.id", ColumnType::kString},
      {"event_at", "at", ColumnType::kTimestamp},
      {"start_at", "data.start", ColumnType::kTimestamp},
      {"finish_at", "data.finish", ColumnType::kTimestamp},
      {"organization_id", "organization_id", ColumnType::kString},
  };
  e.partition_by = {"event_at", "day", "event_date"};
  e.partition_column = 2;
  return e;
}

inline Config TestConfig(int threads = 1, int64_t max_rows = 1000000) {
  Config c;
  c.file = "test.yaml";
  c.entities = {VehicleEntity(), OperatingPeriodEntity()};
  c.process.threads = threads;
  c.process.max_rows = max_rows;
  return c;
}

inline std::string Gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

inline std::string ReadLocalFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A Store in memory, enough for ProcessBatch.
class MemoryStore : public Store {
 public:
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<ObjectInfo> out;
    for (const auto& [k, v] : objects_) {
      if (k.compare(0, prefix.size(), prefix) == 0) out.push_back({k, v.size(), "", 0});
    }
    return out;
  }
  Result<ObjectInfo> Head(std::string_view key) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(std::string(key));
    if (it == objects_.end()) return Status::NotFound(std::string(key));
    return ObjectInfo{it->first, it->second.size(), "", 0};
  }
  Result<std::string> Get(std::string_view key) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(std::string(key));
    if (it == objects_.end()) return Status::NotFound(std::string(key));
    return it->second;
  }
  Status GetToFile(std::string_view, const std::string&) override {
    return Status::Internal("unused");
  }
  Status Put(std::string_view key, std::string_view data) override {
    std::lock_guard<std::mutex> lock(mu_);
    objects_[std::string(key)] = std::string(data);
    return Status::OK();
  }
  Status PutFile(std::string_view key, const std::string& local_path) override {
    return Put(key, ReadLocalFile(local_path));
  }
  Status Delete(std::string_view key) override {
    std::lock_guard<std::mutex> lock(mu_);
    objects_.erase(std::string(key));
    return Status::OK();
  }
  Result<std::string> Md5(std::string_view) override { return Status::Internal("unused"); }
  std::optional<std::string> LocalPath(std::string_view) const override { return std::nullopt; }
  std::string Uri(std::string_view key) const override { return "mem://" + std::string(key); }

  std::map<std::string, std::string> objects() {
    std::lock_guard<std::mutex> lock(mu_);
    return objects_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> objects_;
};

// Writes a text dump of each batch (one line per row, columns separated by '|', NULL as \N), so
// tests can compare outputs without DuckDB.
class DumpWriter : public ParquetWriter {
 public:
  Status Write(const ColumnBatch& batch, const std::string& path) override {
    std::ofstream out(path, std::ios::binary);
    for (const ColumnData& c : batch.columns) out << c.name << '|';
    out << '\n';
    for (size_t r = 0; r < batch.num_rows; ++r) {
      for (const ColumnData& c : batch.columns) {
        if (!c.valid[r]) {
          out << "\\N|";
          continue;
        }
        switch (c.type) {
          case ColumnType::kString:
            out << c.StringAt(r) << '|';
            break;
          case ColumnType::kDouble:
            out << c.f64[r] << '|';
            break;
          default:
            out << c.i64[r] << '|';
            break;
        }
      }
      out << '\n';
    }
    return out ? Status::OK() : Status::IOError("write " + path);
  }
};

}  // namespace fleetlake::testing
