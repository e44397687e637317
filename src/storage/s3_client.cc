#include "storage/s3_client.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "common/log.h"
#include "storage/s3_xml.h"

namespace fleetlake {
namespace {

constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Hex(const unsigned char* d, unsigned n) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out.push_back(kHex[d[i] >> 4]);
    out.push_back(kHex[d[i] & 15]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_Digest(data.data(), data.size(), d, &n, EVP_sha256(), nullptr);
  return Hex(d, n);
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool RetryableCurlCode(CURLcode c) {
  switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

bool RetryableHttp(long status, const std::string& code) {
  if (status >= 500 || status == 429) return true;
  return code == "SlowDown" || code == "RequestTimeout" || code == "InternalError";
}

// State of one attempt, shared with curl's callbacks.
struct Transfer {
  CURL* curl = nullptr;
  const S3Request* request = nullptr;
  S3Response* response = nullptr;
  int out_fd = -1;
  EVP_MD_CTX* md5 = nullptr;
  uint64_t uploaded = 0;
  bool write_failed = false;
};

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response->headers.clear();  // a new response (after 100 Continue)
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    t->response->headers[name] = std::string(value);
  }
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * n;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  t->response->body_bytes += bytes;
  bool success = status >= 200 && status < 300;
  if (success && t->md5) EVP_DigestUpdate(t->md5, data, bytes);
  if (success && t->out_fd >= 0) {
    size_t done = 0;
    while (done < bytes) {
      ssize_t w = ::write(t->out_fd, data + done, bytes - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        t->write_failed = true;
        return 0;  // aborts the transfer
      }
      done += static_cast<size_t>(w);
    }
    return bytes;
  }
  t->response->body.append(data, bytes);
  return bytes;
}

size_t OnRead(char* buffer, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const S3Request& r = *t->request;
  size_t want = size * n;
  if (r.upload_fd >= 0) {
    uint64_t left = r.upload_length - t->uploaded;
    want = static_cast<size_t>(std::min<uint64_t>(want, left));
    if (want == 0) return 0;
    ssize_t got =
        ::pread(r.upload_fd, buffer, want, static_cast<off_t>(r.upload_offset + t->uploaded));
    if (got <= 0) return CURL_READFUNC_ABORT;
    t->uploaded += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
  uint64_t left = r.body.size() - t->uploaded;
  want = static_cast<size_t>(std::min<uint64_t>(want, left));
  std::memcpy(buffer, r.body.data() + t->uploaded, want);
  t->uploaded += want;
  return want;
}

// Rewinds an upload when curl resends it (after a redirect or an auth round).
int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  t->uploaded = static_cast<uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

}  // namespace

struct S3Client::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

std::string S3UriEncode(std::string_view s, bool keep_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

S3Client::S3Client(S3ClientOptions options) : options_(std::move(options)) {
  GlobalInit();
  if (options_.credentials) {
    userpwd_ = options_.credentials->access_key_id + ":" + options_.credentials->secret_access_key;
  }
  sigv4_ = fmt::format("aws:amz:{}:s3", options_.region);
}

S3Client::~S3Client() = default;

std::string S3Client::Url(const S3Request& request) const {
  std::string scheme = "https", host, base_path;
  if (options_.endpoint.empty()) {
    host = fmt::format("s3.{}.amazonaws.com", options_.region);
  } else {
    std::string_view ep = options_.endpoint;
    size_t sep = ep.find("://");
    if (sep != std::string_view::npos) {
      scheme = std::string(ep.substr(0, sep));
      ep.remove_prefix(sep + 3);
    }
    size_t slash = ep.find('/');
    host = std::string(ep.substr(0, slash));
    if (slash != std::string_view::npos) base_path = std::string(ep.substr(slash));
    while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();
  }
  std::string path = base_path;
  if (options_.path_style) {
    path += "/" + options_.bucket;
  } else {
    host = options_.bucket + "." + host;
  }
  if (!request.key.empty() || !options_.path_style) path += "/" + S3UriEncode(request.key, true);
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& [k, v] : request.query)
    q.emplace_back(S3UriEncode(k, false), S3UriEncode(v, false));
  std::sort(q.begin(), q.end());
  std::string query;
  for (const auto& [k, v] : q) query += fmt::format("{}{}={}", query.empty() ? "?" : "&", k, v);
  return fmt::format("{}://{}{}{}", scheme, host, path, query);
}

std::unique_ptr<S3Client::Handle> S3Client::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto h = std::move(idle_.back());
      idle_.pop_back();
      return h;
    }
  }
  auto h = std::make_unique<Handle>();
  h->curl = curl_easy_init();
  return h;
}

void S3Client::Release(std::unique_ptr<Handle> h) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(h));
}

Result<S3Response> S3Client::Attempt(Handle& h, const S3Request& request, bool* retryable) {
  *retryable = false;
  CURL* c = h.curl;
  curl_easy_reset(c);
  S3Response response;
  Transfer t;
  t.curl = c;
  t.request = &request;
  t.response = &response;

  std::string url = Url(request);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);  // keys are not paths to normalise
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  // A transfer that stalls (less than 1 byte/s for 30 s) is a timeout, retried.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

  struct curl_slist* headers = nullptr;
  for (const auto& hdr : request.headers) headers = curl_slist_append(headers, hdr.c_str());
  // Not "Expect:" to drop curl's 100-continue: curl would sign the removal as an empty header
  // that is never sent, and S3 would reject the signature (the botocore test caught it).
  bool has_body = request.upload_fd >= 0 || !request.body.empty() || request.method == "PUT" ||
                  request.method == "POST";
  if (options_.credentials) {
    // S3 requires the payload hash header; curl signs it with the other headers. File uploads are
    // sent unsigned (hashing them would read every byte twice); TLS protects them in transit.
    std::string payload = request.upload_fd >= 0 ? "UNSIGNED-PAYLOAD"
                          : request.body.empty() ? kEmptySha256
                                                 : Sha256Hex(request.body);
    headers = curl_slist_append(headers, ("x-amz-content-sha256: " + payload).c_str());
    if (!options_.credentials->session_token.empty()) {
      headers = curl_slist_append(
          headers, ("x-amz-security-token: " + options_.credentials->session_token).c_str());
    }
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4_.c_str());
    curl_easy_setopt(c, CURLOPT_USERPWD, userpwd_.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  uint64_t body_len = request.upload_fd >= 0 ? request.upload_length : request.body.size();
  if (request.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST" && request.upload_fd < 0) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (has_body) {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(c, CURLOPT_READDATA, &t);
    curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, OnSeek);
    curl_easy_setopt(c, CURLOPT_SEEKDATA, &t);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_len));
    if (request.method != "PUT") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  if (!request.download_path.empty()) {
    t.out_fd =
        ::open(request.download_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (t.out_fd < 0) {
      curl_slist_free_all(headers);
      return Status::IOError(
          fmt::format("cannot create {}: {}", request.download_path, std::strerror(errno)));
    }
  }
  if (request.verify_md5) {
    t.md5 = EVP_MD_CTX_new();
    EVP_DigestInit_ex(t.md5, EVP_md5(), nullptr);
  }

  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  std::string md5;
  if (t.md5) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_DigestFinal_ex(t.md5, d, &n);
    EVP_MD_CTX_free(t.md5);
    md5 = Hex(d, n);
  }
  bool close_failed = t.out_fd >= 0 && ::close(t.out_fd) != 0;
  std::string where = fmt::format("{} s3://{}/{}", request.method, options_.bucket, request.key);
  if (t.write_failed || close_failed) {
    return Status::IOError(
        fmt::format("{}: cannot write {}: {}", where, request.download_path, std::strerror(errno)));
  }
  if (rc != CURLE_OK) {
    *retryable = RetryableCurlCode(rc);
    return Status::IOError(fmt::format("{}: {} ({})", where, curl_easy_strerror(rc),
                                       errbuf[0] ? errbuf : "no detail"));
  }
  if (response.status < 200 || response.status >= 300) {
    *retryable = RetryableHttp(response.status, ParseS3Error(response.body).code);
    return response;
  }
  response.body_md5 = md5;
  if (request.verify_md5 && request.method == "GET") {
    std::string etag = UnquoteEtag(response.Header("etag"));
    bool plain_md5 = etag.size() == 32 && etag.find('-') == std::string::npos &&
                     response.Header("x-amz-server-side-encryption") != "aws:kms";
    if (plain_md5 && md5 != etag) {
      *retryable = true;
      return Status::Corruption(
          fmt::format("{}: the body's MD5 {} does not match the ETag {}", where, md5, etag));
    }
  }
  return response;
}

Result<S3Response> S3Client::Send(const S3Request& request) {
  // Per-thread generator: jitter spreads the retries of parallel transfers apart.
  thread_local std::mt19937_64 rng(std::random_device{}());
  Result<S3Response> last = Status::Internal("no attempt made");
  const int attempts = std::max(1, options_.max_attempts);
  int made = 0;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    auto h = Acquire();
    bool retryable = false;
    made = attempt;
    ++requests_;
    last = Attempt(*h, request, &retryable);
    Release(std::move(h));
    if (!retryable || attempt == attempts) break;
    int64_t cap = std::min<int64_t>(int64_t{options_.base_backoff_ms} << (attempt - 1), 10000);
    int64_t delay = cap / 2 + static_cast<int64_t>(rng() % static_cast<uint64_t>(cap / 2 + 1));
    LogDebug("retrying {} s3://{}/{} in {} ms (attempt {} of {}): {}", request.method,
             options_.bucket, request.key, delay, attempt + 1, attempts,
             last.ok() ? fmt::format("HTTP {}", last->status) : last.status().message());
    ++retries_;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
  if (!last.ok()) {
    if (made == 1) return last.status();
    return last.status().WithContext(fmt::format("after {} attempts", made));
  }
  return last;
}

}  // namespace fleetlake
