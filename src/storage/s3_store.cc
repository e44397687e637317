#include "storage/s3_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "storage/s3_xml.h"

namespace fleetlake {
namespace {

bool IsSuccess(const S3Response& r) { return r.status >= 200 && r.status < 300; }

// Bucket names per the S3 rules (3-63 of a-z 0-9 . -), enough to catch a typo'd URI early.
bool ValidBucket(const std::string& b) {
  if (b.size() < 3 || b.size() > 63) return false;
  return std::all_of(b.begin(), b.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  });
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<S3Location> ParseS3Uri(const std::string& uri) {
  if (uri.rfind("s3://", 0) != 0) {
    return Status::InvalidArgument(fmt::format("'{}' is not an s3://bucket/prefix URI", uri));
  }
  std::string rest = uri.substr(5);
  size_t slash = rest.find('/');
  S3Location loc;
  loc.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) loc.prefix = rest.substr(slash + 1);
  while (!loc.prefix.empty() && loc.prefix.back() == '/') loc.prefix.pop_back();
  while (!loc.prefix.empty() && loc.prefix.front() == '/') loc.prefix.erase(0, 1);
  if (!ValidBucket(loc.bucket)) {
    return Status::InvalidArgument(
        fmt::format("'{}': '{}' is not a valid bucket name (3-63 characters: a-z, 0-9, '.', '-')",
                    uri, loc.bucket));
  }
  if (!loc.prefix.empty()) {
    Status st = ValidateKey(loc.prefix);
    if (!st.ok()) return st.WithContext(uri);
  }
  return loc;
}

Result<std::unique_ptr<S3Store>> S3Store::Open(const std::string& uri,
                                               const StoreOptions& options) {
  FL_ASSIGN_OR_RETURN(S3Location loc, ParseS3Uri(uri));
  FL_ASSIGN_OR_RETURN(std::optional<AwsCredentials> creds, ResolveCredentials(options));
  S3ClientOptions co;
  co.bucket = loc.bucket;
  co.endpoint = options.endpoint;
  co.region = ResolveRegion(options);
  // Virtual-host addressing is AWS's default, but bucket names with dots break its TLS
  // certificate, and most self-hosted servers only do path style.
  co.path_style = options.path_style.value_or(!options.endpoint.empty() ||
                                              loc.bucket.find('.') != std::string::npos);
  co.credentials = creds;
  co.max_attempts = options.max_attempts;
  co.base_backoff_ms = options.base_backoff_ms;
  std::string origin = creds ? creds->origin : "anonymous";
  return std::unique_ptr<S3Store>(new S3Store(std::move(loc), options, std::move(origin),
                                              std::make_unique<S3Client>(std::move(co))));
}

std::string S3Store::FullKey(std::string_view key) const { return JoinKey(location_.prefix, key); }

std::string S3Store::Uri(std::string_view key) const {
  return fmt::format("s3://{}/{}", location_.bucket, FullKey(key));
}

Status S3Store::ErrorFor(const S3Response& r, std::string_view key, const char* action) const {
  S3Error e = ParseS3Error(r.body);
  std::string what =
      key.empty() ? fmt::format("s3://{}/{}", location_.bucket, location_.prefix) : Uri(key);
  std::string detail = e.code.empty() ? fmt::format("HTTP {}", r.status)
                                      : fmt::format("HTTP {} {}", r.status, e.code);
  if (!e.message.empty()) detail += ": " + e.message;
  const std::string& region = client_->options().region;
  const std::string where = options_.endpoint.empty()
                                ? fmt::format("AWS region {}", region)
                                : fmt::format("endpoint {}", options_.endpoint);
  if (e.code == "NoSuchBucket") {
    return Status::InvalidArgument(
        fmt::format("cannot {} {}: bucket '{}' does not exist at {} ({}); check the uri and the "
                    "endpoint",
                    action, what, location_.bucket, where, detail));
  }
  if (r.status == 404) return Status::NotFound(fmt::format("no object {} ({})", what, detail));
  if (r.status == 403) {
    std::string hint =
        options_.anonymous
            ? "the bucket does not allow anonymous access: remove 'anonymous: true' and provide "
              "credentials"
            : fmt::format(
                  "the credentials (from {}) may not {} it; check them and the bucket "
                  "policy, or set 'anonymous: true' for a public bucket",
                  credentials_origin_, action);
    return Status::IOError(
        fmt::format("access denied: cannot {} {} ({}); {}", action, what, detail, hint));
  }
  if (r.status == 301 || r.status == 307 || e.code == "AuthorizationHeaderMalformed" ||
      e.code == "PermanentRedirect") {
    std::string actual = r.Header("x-amz-bucket-region");
    return Status::InvalidArgument(
        fmt::format("cannot {} {}: the bucket is not in region {} ({}){}; set the region", action,
                    what, region, detail, actual.empty() ? "" : fmt::format(" but in {}", actual)));
  }
  return Status::IOError(fmt::format("cannot {} {} at {}: {}", action, what, where, detail));
}

Result<std::vector<ObjectInfo>> S3Store::List(std::string_view prefix) {
  // The store root is a folder: list "root/" so "data" does not match "database/...".
  std::string root = location_.prefix.empty() ? "" : location_.prefix + "/";
  std::string full = root + std::string(prefix);
  std::vector<ObjectInfo> out;
  std::string token;
  do {
    S3Request req;
    req.method = "GET";
    req.query = {{"list-type", "2"}, {"prefix", full}, {"max-keys", "1000"}};
    if (!token.empty()) req.query.emplace_back("continuation-token", token);
    FL_ASSIGN_OR_RETURN(S3Response r, client_->Send(req));
    if (!IsSuccess(r)) return ErrorFor(r, prefix, "list");
    FL_ASSIGN_OR_RETURN(S3ListPage page, ParseListObjectsV2(r.body));
    for (auto& o : page.objects) {
      // Folder markers ("dir/") written by consoles are not objects.
      if (o.key.size() <= root.size() || o.key.back() == '/') continue;
      o.key.erase(0, root.size());
      out.push_back(std::move(o));
    }
    token = page.truncated ? page.next_token : "";
  } while (!token.empty());
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

Result<ObjectInfo> S3Store::Head(std::string_view key) {
  FL_RETURN_IF_ERROR(ValidateKey(key));
  S3Request req;
  req.method = "HEAD";
  req.key = FullKey(key);
  FL_ASSIGN_OR_RETURN(S3Response r, client_->Send(req));
  if (!IsSuccess(r)) return ErrorFor(r, key, "read");
  ObjectInfo info;
  info.key = std::string(key);
  info.size = std::strtoull(r.Header("content-length").c_str(), nullptr, 10);
  info.etag = UnquoteEtag(r.Header("etag"));
  info.mtime_us = ParseS3Time(r.Header("last-modified"));
  return info;
}

Result<std::string> S3Store::Get(std::string_view key) {
  FL_RETURN_IF_ERROR(ValidateKey(key));
  S3Request req;
  req.key = FullKey(key);
  req.verify_md5 = true;
  FL_ASSIGN_OR_RETURN(S3Response r, client_->Send(req));
  if (!IsSuccess(r)) return ErrorFor(r, key, "read");
  return std::move(r.body);
}

Status S3Store::GetToFile(std::string_view key, const std::string& local_path) {
  FL_RETURN_IF_ERROR(ValidateKey(key));
  S3Request req;
  req.key = FullKey(key);
  req.download_path = local_path;
  req.verify_md5 = true;
  auto r = client_->Send(req);
  if (!r.ok() || !IsSuccess(*r)) {
    ::unlink(local_path.c_str());
    return r.ok() ? ErrorFor(*r, key, "read") : r.status();
  }
  return Status::OK();
}

Status S3Store::Put(std::string_view key, std::string_view data) {
  FL_RETURN_IF_ERROR(ValidateKey(key));
  S3Request req;
  req.method = "PUT";
  req.key = FullKey(key);
  req.body = data;
  FL_ASSIGN_OR_RETURN(S3Response r, client_->Send(req));
  if (!IsSuccess(r)) return ErrorFor(r, key, "write");
  return Status::OK();
}

Status S3Store::PutFile(std::string_view key, const std::string& local_path) {
  FL_RETURN_IF_ERROR(ValidateKey(key));
  Fd fd(::open(local_path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st;
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) {
    return Status::IOError(fmt::format("cannot open {}: {}", local_path, std::strerror(errno)));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const std::string full = FullKey(key);
  if (size >= options_.multipart_threshold && size > options_.part_size) {
    FL_RETURN_IF_ERROR(PutMultipart(full, key, fd.get(), size));
  } else {
    S3Request req;
    req.method = "PUT";
    req.key = full;
    req.upload_fd = fd.get();
    req.upload_length = size;
    FL_ASSIGN_OR_RETURN(S3Response r, client_->Send(req));
    if (!IsSuccess(r)) return ErrorFor(r, key, "write");
  }
  ::unlink(local_path.c_str());  // the contract: the store consumes the local file
  return Status::OK();
}

Status S3Store::PutMultipart(const std::string& full_key, std::string_view key, int fd,
                             uint64_t size) {
  S3Request create;
  create.method = "POST";
  create.key = full_key;
  create.query = {{"uploads", ""}};
  create.headers = {"Content-Type: application/octet-stream"};
  FL_ASSIGN_OR_RETURN(S3Response cr, client_->Send(create));
  if (!IsSuccess(cr)) return ErrorFor(cr, key, "start a multipart upload of");
  FL_ASSIGN_OR_RETURN(std::string upload_id, ParseUploadId(cr.body));

  // S3 allows at most 10,000 parts: grow the part size for very large files.
  uint64_t part_size = std::max<uint64_t>(options_.part_size, (size + 9999) / 10000);
  part_size = std::max<uint64_t>(part_size, 5ull << 20);
  const size_t parts = static_cast<size_t>((size + part_size - 1) / part_size);
  std::vector<std::string> etags(parts);
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto work = [&] {
    for (size_t i = next++; i < parts; i = next++) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error.ok()) return;
      }
      S3Request req;
      req.method = "PUT";
      req.key = full_key;
      req.query = {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload_id}};
      req.upload_fd = fd;
      req.upload_offset = i * part_size;
      req.upload_length = std::min<uint64_t>(part_size, size - req.upload_offset);
      auto r = client_->Send(req);
      Status st = !r.ok()          ? r.status()
                  : !IsSuccess(*r) ? ErrorFor(*r, key, "upload a part of")
                                   : Status::OK();
      if (st.ok()) {
        etags[i] = UnquoteEtag(r->Header("etag"));
        if (etags[i].empty())
          st = Status::IOError(fmt::format("part {} of {}: no ETag", i + 1, Uri(key)));
      }
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = st;
      }
    }
  };
  int threads = std::max(1, std::min<int>(options_.concurrency, static_cast<int>(parts)));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();

  Status result = first_error;
  if (result.ok()) {
    S3Request done;
    done.method = "POST";
    done.key = full_key;
    done.query = {{"uploadId", upload_id}};
    done.headers = {"Content-Type: application/xml"};
    std::string xml = CompleteMultipartXml(etags);
    done.body = xml;
    auto r = client_->Send(done);
    // CompleteMultipartUpload can fail with 200 and an <Error> body.
    if (!r.ok()) {
      result = r.status();
    } else if (!IsSuccess(*r) || !ParseS3Error(r->body).code.empty()) {
      S3Response failed = *r;
      if (IsSuccess(failed)) failed.status = 500;
      result = ErrorFor(failed, key, "complete the multipart upload of");
    }
  }
  if (!result.ok()) {
    // Abort, so the parts do not linger (and cost) in the bucket.
    S3Request abort;
    abort.method = "DELETE";
    abort.key = full_key;
    abort.query = {{"uploadId", upload_id}};
    (void)client_->Send(abort);
  }
  return result;
}

Status S3Store::Delete(std::string_view key) {
  FL_RETURN_IF_ERROR(ValidateKey(key));
  S3Request req;
  req.method = "DELETE";
  req.key = FullKey(key);
  FL_ASSIGN_OR_RETURN(S3Response r, client_->Send(req));
  if (IsSuccess(r) || (r.status == 404 && ParseS3Error(r.body).code != "NoSuchBucket")) {
    return Status::OK();
  }
  return ErrorFor(r, key, "delete");
}

Result<std::string> S3Store::Md5(std::string_view key) {
  FL_ASSIGN_OR_RETURN(ObjectInfo info, Head(key));
  if (info.etag.size() == 32 && info.etag.find('-') == std::string::npos) return info.etag;
  // A multipart ETag is not an MD5 of the bytes: hash them as they stream by.
  S3Request req;
  req.key = FullKey(key);
  req.download_path = "/dev/null";
  req.verify_md5 = true;
  FL_ASSIGN_OR_RETURN(S3Response r, client_->Send(req));
  if (!IsSuccess(r)) return ErrorFor(r, key, "read");
  return r.body_md5;
}

Result<std::unique_ptr<Store>> OpenS3Store(const std::string& uri, const StoreOptions& options) {
  FL_ASSIGN_OR_RETURN(auto store, S3Store::Open(uri, options));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace fleetlake
