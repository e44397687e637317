#include "storage/local_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "storage/s3_store.h"

namespace fs = std::filesystem;

namespace fleetlake {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

// A name unique within this process and host, for temp files beside their target.
std::string TempSuffix() {
  static std::atomic<uint64_t> counter{0};
  return fmt::format(".tmp-{}-{}", ::getpid(), counter.fetch_add(1));
}

int64_t MtimeMicros(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000;
}

std::string HexOf(const unsigned char* digest, unsigned len) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

}  // namespace

Status ValidateKey(std::string_view key) {
  auto bad = [&](const char* why) {
    std::string shown(key.substr(0, 200));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    }
    return Status::InvalidArgument(fmt::format("unsafe object key '{}': {}", shown, why));
  };
  if (key.empty()) return bad("empty key");
  if (key.size() > 1024) return bad("longer than 1024 bytes");
  if (key.front() == '/') return bad("absolute path");
  if (key.find('\\') != std::string_view::npos) return bad("contains a backslash");
  for (char c : key) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return bad("contains a control character");
  }
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view seg = key.substr(start, end - start);
    if (seg.empty()) return bad("empty path segment ('//' or trailing '/')");
    if (seg == "." || seg == "..") return bad("'.' or '..' segment would leave the lake root");
    if (seg.size() > 255) return bad("a path segment is longer than 255 bytes");
    start = end + 1;
  }
  return Status::OK();
}

std::string JoinKey(std::string_view a, std::string_view b) {
  while (!a.empty() && a.back() == '/') a.remove_suffix(1);
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  return fmt::format("{}/{}", a, b);
}

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  return HexOf(digest, len);
}

Result<std::string> Md5File(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return Status::IOError(fmt::format("cannot open {}: {}", path, ErrnoText()));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_md5(), nullptr);
  // One buffer per thread: fetch hashes thousands of small files.
  static thread_local std::string buf(1 << 20, '\0');
  ssize_t n;
  while ((n = ::read(fd, buf.data(), buf.size())) > 0) EVP_DigestUpdate(ctx, buf.data(), n);
  int err = errno;
  ::close(fd);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  if (n < 0) return Status::IOError(fmt::format("cannot read {}: {}", path, std::strerror(err)));
  return HexOf(digest, len);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("cannot open {}: {}", path, ErrnoText()));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::IOError(fmt::format("cannot read {}", path));
  return data;
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec)
    return Status::IOError(fmt::format("cannot create folder for {}: {}", path, ec.message()));
  std::string tmp = path + TempSuffix();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(fmt::format("cannot create {}: {}", tmp, ErrnoText()));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string why = ErrnoText();
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::IOError(fmt::format("cannot write {}: {}", path, why));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string why = ErrnoText();
    ::unlink(tmp.c_str());
    return Status::IOError(fmt::format("cannot write {}: {}", path, why));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = ErrnoText();
    ::unlink(tmp.c_str());
    return Status::IOError(fmt::format("cannot rename into {}: {}", path, why));
  }
  return Status::OK();
}

Result<std::unique_ptr<LocalStore>> LocalStore::Open(const std::string& root) {
  if (root.empty()) return Status::InvalidArgument("empty local store path");
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return Status::IOError(fmt::format("cannot create folder {}: {}", root, ec.message()));
  fs::path abs = fs::weakly_canonical(fs::absolute(root), ec);
  if (ec) return Status::IOError(fmt::format("cannot resolve {}: {}", root, ec.message()));
  std::string s = abs.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return std::unique_ptr<LocalStore>(new LocalStore(s));
}

Result<std::string> LocalStore::PathFor(std::string_view key) const {
  FL_RETURN_IF_ERROR(ValidateKey(key));
  return root_ + "/" + std::string(key);
}

Result<std::vector<ObjectInfo>> LocalStore::List(std::string_view prefix) {
  std::vector<ObjectInfo> out;
  // List the deepest folder the prefix names, then filter by the full prefix.
  std::string dir_key(
      prefix.substr(0, prefix.rfind('/') == std::string_view::npos ? 0 : prefix.rfind('/')));
  std::string dir = dir_key.empty() ? root_ : root_ + "/" + dir_key;
  if (!dir_key.empty()) FL_RETURN_IF_ERROR(ValidateKey(dir_key));
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) return Status::IOError(fmt::format("cannot list {}: {}", dir, ec.message()));
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IOError(fmt::format("cannot list {}: {}", dir, ec.message()));
    if (!it->is_regular_file(ec)) continue;
    std::string path = it->path().string();
    std::string key = path.substr(root_.size() + 1);
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    // Temp files of writes in progress (or of a crashed writer) are not objects.
    if (key.find(".tmp-") != std::string::npos) continue;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) continue;  // removed while listing
    out.push_back(ObjectInfo{key, static_cast<uint64_t>(st.st_size), "", MtimeMicros(st)});
  }
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

Result<ObjectInfo> LocalStore::Head(std::string_view key) {
  FL_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::NotFound(fmt::format("no object {}", Uri(key)));
  }
  return ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size), "", MtimeMicros(st)};
}

Result<std::string> LocalStore::Get(std::string_view key) {
  FL_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  if (!fs::exists(path)) return Status::NotFound(fmt::format("no object {}", Uri(key)));
  return ReadFile(path);
}

Status LocalStore::GetToFile(std::string_view key, const std::string& local_path) {
  FL_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  if (!fs::exists(path)) return Status::NotFound(fmt::format("no object {}", Uri(key)));
  std::error_code ec;
  fs::copy_file(path, local_path, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return Status::IOError(fmt::format("cannot copy {} to {}: {}", path, local_path, ec.message()));
  return Status::OK();
}

Status LocalStore::Put(std::string_view key, std::string_view data) {
  FL_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  return WriteFileAtomic(path, data);
}

Status LocalStore::PutFile(std::string_view key, const std::string& local_path) {
  FL_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec)
    return Status::IOError(fmt::format("cannot create folder for {}: {}", path, ec.message()));
  // No fsync here: a process crash cannot lose page-cache data, and after a power loss a short
  // file is caught by the size check of the next fetch or by the Parquet reader. fsync per small
  // object made fetch several times slower.
  // Same file system: a rename is atomic. Otherwise copy beside the target, then rename.
  if (::rename(local_path.c_str(), path.c_str()) == 0) return Status::OK();
  if (errno != EXDEV) {
    return Status::IOError(fmt::format("cannot move {} to {}: {}", local_path, path, ErrnoText()));
  }
  std::string tmp = path + TempSuffix();
  fs::copy_file(local_path, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return Status::IOError(fmt::format("cannot copy {} to {}: {}", local_path, tmp, ec.message()));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = ErrnoText();
    ::unlink(tmp.c_str());
    return Status::IOError(fmt::format("cannot rename into {}: {}", path, why));
  }
  ::unlink(local_path.c_str());
  return Status::OK();
}

Status LocalStore::Delete(std::string_view key) {
  FL_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Status::IOError(fmt::format("cannot delete {}: {}", path, ErrnoText()));
  }
  return Status::OK();
}

Result<std::string> LocalStore::Md5(std::string_view key) {
  FL_ASSIGN_OR_RETURN(std::string path, PathFor(key));
  return Md5File(path);
}

std::optional<std::string> LocalStore::LocalPath(std::string_view key) const {
  if (!ValidateKey(key).ok()) return std::nullopt;
  return root_ + "/" + std::string(key);
}

std::string LocalStore::Uri(std::string_view key) const {
  return key.empty() ? root_ : root_ + "/" + std::string(key);
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& uri, const StoreOptions& options) {
  if (uri.rfind("s3://", 0) == 0) return OpenS3Store(uri, options);
  std::string path = uri;
  if (path.rfind("file://", 0) == 0) path = path.substr(7);
  FL_ASSIGN_OR_RETURN(auto store, LocalStore::Open(path));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace fleetlake
