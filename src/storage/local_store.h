// A Store over a local folder: keys are paths below the root.
#pragma once

#include <memory>
#include <string>

#include "storage/store.h"

namespace fleetlake {

class LocalStore : public Store {
 public:
  // Creates the root folder when it does not exist.
  static Result<std::unique_ptr<LocalStore>> Open(const std::string& root);

  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::string> Get(std::string_view key) override;
  Status GetToFile(std::string_view key, const std::string& local_path) override;
  Status Put(std::string_view key, std::string_view data) override;
  Status PutFile(std::string_view key, const std::string& local_path) override;
  Status Delete(std::string_view key) override;
  Result<std::string> Md5(std::string_view key) override;
  std::optional<std::string> LocalPath(std::string_view key) const override;
  std::string Uri(std::string_view key) const override;

  const std::string& root() const { return root_; }

 private:
  explicit LocalStore(std::string root) : root_(std::move(root)) {}
  Result<std::string> PathFor(std::string_view key) const;
  std::string root_;  // absolute, no trailing '/'
};

// Writes `data` to `path` through a temporary file in the same folder and a rename, so a crash
// never leaves a partial file under the final name. Creates parent folders.
Status WriteFileAtomic(const std::string& path, std::string_view data);
Result<std::string> ReadFile(const std::string& path);
// Hex MD5 of a local file's bytes.
Result<std::string> Md5File(const std::string& path);
std::string Md5Hex(std::string_view data);

}  // namespace fleetlake
