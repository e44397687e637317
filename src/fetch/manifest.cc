#include "fetch/manifest.h"

#include <simdjson.h>

#include <algorithm>

#include "common/json_text.h"

namespace fleetlake {

void BatchManifest::Upsert(const ManifestEntry& entry) {
  auto it =
      std::lower_bound(entries.begin(), entries.end(), entry.key,
                       [](const ManifestEntry& e, const std::string& k) { return e.key < k; });
  if (it != entries.end() && it->key == entry.key) {
    *it = entry;
  } else {
    entries.insert(it, entry);
  }
}

const ManifestEntry* BatchManifest::Find(const std::string& key) const {
  auto it =
      std::lower_bound(entries.begin(), entries.end(), key,
                       [](const ManifestEntry& e, const std::string& k) { return e.key < k; });
  return it != entries.end() && it->key == key ? &*it : nullptr;
}

std::string BatchManifest::ToJson() const {
  std::string out = fmt::format("{{\"batch\":\"{}\",\"objects\":[", JsonEscape(batch));
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    out += fmt::format("{}\n{{\"key\":\"{}\",\"size\":{},\"md5\":\"{}\",\"fetched_at_us\":{}}}",
                       i ? "," : "", JsonEscape(e.key), e.size, e.md5, e.fetched_at_us);
  }
  out += "\n]}\n";
  return out;
}

Result<BatchManifest> BatchManifest::FromJson(const std::string& batch, const std::string& json) {
  BatchManifest m;
  m.batch = batch;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) {
    return Status::Corruption(fmt::format("manifest of batch {} is not valid JSON", batch));
  }
  simdjson::dom::array objects;
  if (doc["objects"].get_array().get(objects)) {
    return Status::Corruption(fmt::format("manifest of batch {} has no 'objects' list", batch));
  }
  for (simdjson::dom::element o : objects) {
    ManifestEntry e;
    std::string_view key, md5;
    uint64_t size = 0;
    int64_t at = 0;
    if (o["key"].get_string().get(key) || o["size"].get_uint64().get(size) ||
        o["md5"].get_string().get(md5) || o["fetched_at_us"].get_int64().get(at)) {
      return Status::Corruption(fmt::format("manifest of batch {} has a malformed entry", batch));
    }
    e.key = key;
    e.size = size;
    e.md5 = md5;
    e.fetched_at_us = at;
    m.Upsert(e);
  }
  return m;
}

std::string ManifestKey(const std::string& batch) {
  return fmt::format("_fleetlake/manifest/batch={}.json", batch);
}

std::string RawKey(const std::string& source_key) { return JoinKey("raw", source_key); }

Result<BatchManifest> LoadManifest(Store& lake, const std::string& batch) {
  auto data = lake.Get(ManifestKey(batch));
  if (!data.ok()) {
    if (data.status().IsNotFound()) {
      BatchManifest empty;
      empty.batch = batch;
      return empty;
    }
    return data.status();
  }
  return BatchManifest::FromJson(batch, *data);
}

Status SaveManifest(Store& lake, const BatchManifest& manifest) {
  return lake.Put(ManifestKey(manifest.batch), manifest.ToJson());
}

}  // namespace fleetlake
