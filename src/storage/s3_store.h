// A Store over an S3 bucket and prefix ("s3://bucket/prefix"), on any S3-compatible endpoint.
// Writes are atomic because S3 PUTs are; large files go up as parallel multipart uploads that are
// aborted on failure.
#pragma once

#include <memory>
#include <string>

#include "storage/s3_client.h"
#include "storage/store.h"

namespace fleetlake {

struct S3Location {
  std::string bucket;
  std::string prefix;  // no leading or trailing '/'; may be empty
};
// "s3://bucket/some/prefix/" -> {bucket, "some/prefix"}. Errors say what is wrong.
Result<S3Location> ParseS3Uri(const std::string& uri);

class S3Store : public Store {
 public:
  static Result<std::unique_ptr<S3Store>> Open(const std::string& uri, const StoreOptions& options);

  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::string> Get(std::string_view key) override;
  Status GetToFile(std::string_view key, const std::string& local_path) override;
  Status Put(std::string_view key, std::string_view data) override;
  Status PutFile(std::string_view key, const std::string& local_path) override;
  Status Delete(std::string_view key) override;
  Result<std::string> Md5(std::string_view key) override;
  std::optional<std::string> LocalPath(std::string_view key) const override { return std::nullopt; }
  std::string Uri(std::string_view key) const override;

  S3Client& client() { return *client_; }
  // Where the credentials came from ("environment", "anonymous", ...): safe to print.
  const std::string& credentials_origin() const { return credentials_origin_; }

 private:
  S3Store(S3Location location, StoreOptions options, std::string origin,
          std::unique_ptr<S3Client> client)
      : location_(std::move(location)),
        options_(std::move(options)),
        credentials_origin_(std::move(origin)),
        client_(std::move(client)) {}
  std::string FullKey(std::string_view key) const;
  // A clear error for a failed response: names bucket and key, and a hint.
  Status ErrorFor(const S3Response& r, std::string_view key, const char* action) const;
  Status PutMultipart(const std::string& full_key, std::string_view key, int fd, uint64_t size);

  S3Location location_;
  StoreOptions options_;
  std::string credentials_origin_;
  std::unique_ptr<S3Client> client_;
};

Result<std::unique_ptr<Store>> OpenS3Store(const std::string& uri, const StoreOptions& options);

}  // namespace fleetlake
