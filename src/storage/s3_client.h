// One S3 bucket over HTTP(S): builds URLs (virtual-host or path style), signs with libcurl's
// CURLOPT_AWS_SIGV4, streams bodies, and retries transient failures with exponential backoff and
// jitter. It knows nothing of Store semantics; S3Store (s3_store.h) builds on it.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "storage/s3_credentials.h"

namespace fleetlake {

struct S3Request {
  std::string method = "GET";  // GET, PUT, POST, DELETE, HEAD
  std::string key;             // full object key in the bucket; empty for bucket requests
  std::vector<std::pair<std::string, std::string>> query;  // not encoded
  std::vector<std::string> headers;                        // "name: value"
  std::string_view body;                                   // in-memory request body
  // Or the body is bytes [upload_offset, upload_offset + upload_length) of this file.
  int upload_fd = -1;
  uint64_t upload_offset = 0, upload_length = 0;
  // When set, a 2xx response body goes to this file (created or truncated) instead of memory.
  std::string download_path;
  // Hash the 2xx body; when the response ETag is a plain MD5 (single-part upload, not SSE-KMS)
  // and differs, the request is retried, then fails (Corruption).
  bool verify_md5 = false;
};

struct S3Response {
  long status = 0;
  std::string body;                            // error bodies always land here
  std::map<std::string, std::string> headers;  // names lower-cased
  uint64_t body_bytes = 0;
  std::string body_md5;  // hex, when verify_md5 was set
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct S3ClientOptions {
  std::string bucket;
  std::string endpoint;  // "" = AWS; "http://host:port" otherwise
  std::string region;
  bool path_style = false;
  std::optional<AwsCredentials> credentials;  // nullopt = anonymous, unsigned
  int max_attempts = 8;
  int base_backoff_ms = 100;
};

// S3's URI encoding (RFC 3986 unreserved characters kept, the rest %XX upper-case); '/' kept when
// `keep_slash` (object keys in paths).
std::string S3UriEncode(std::string_view s, bool keep_slash);

class S3Client {
 public:
  explicit S3Client(S3ClientOptions options);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Sends the request, retrying transport errors, 5xx, 429 and SlowDown/RequestTimeout. Returns
  // the last response whatever its status (the caller maps 4xx to errors), or an IOError when no
  // response came after the last attempt.
  Result<S3Response> Send(const S3Request& request);

  // The URL a request goes to; query parameters sorted and encoded canonically, since curl signs
  // the query string as given.
  std::string Url(const S3Request& request) const;
  const S3ClientOptions& options() const { return options_; }
  // Requests retried so far (for tests and the summary).
  uint64_t retries() const { return retries_.load(); }
  // Attempts made so far, retries included.
  uint64_t requests() const { return requests_.load(); }

 private:
  struct Handle;
  std::unique_ptr<Handle> Acquire();
  void Release(std::unique_ptr<Handle> h);
  // One attempt. `retryable` says whether a failure may be retried.
  Result<S3Response> Attempt(Handle& h, const S3Request& request, bool* retryable);

  S3ClientOptions options_;
  std::string userpwd_;  // "id:secret" for CURLOPT_USERPWD; never logged
  std::string sigv4_;    // "aws:amz:<region>:s3"
  std::mutex mu_;
  std::vector<std::unique_ptr<Handle>> idle_;  // reused: keeps connections alive
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> requests_{0};
};

}  // namespace fleetlake
