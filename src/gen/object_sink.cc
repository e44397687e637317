#include "gen/object_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "gen/civil.h"
#include "gen/gzip_stored.h"

namespace fleetlake::gen {
namespace {

Status WriteFile(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(fmt::format("open {}: {}", path, std::strerror(errno)));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return Status::IOError(fmt::format("write {}: {}", path, std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    return Status::IOError(fmt::format("close {}: {}", path, std::strerror(errno)));
  }
  return Status::OK();
}

}  // namespace

std::string ObjectKeyForSecond(int64_t utc_second, bool pad_hour, bool gzip) {
  const int64_t local = utc_second + kProducerUtcOffsetSeconds;
  const int64_t days = FloorDiv(local, 86400);
  const int64_t sod = local - days * 86400;
  const CivilDate date = CivilFromDays(days);
  std::string key;
  key.reserve(40);
  AppendPadded(key, date.year, 4);
  key.push_back('-');
  AppendPadded(key, date.month, 2);
  key.push_back('-');
  AppendPadded(key, date.day, 2);
  key.push_back('-');
  AppendPadded(key, sod / 3600, pad_hour ? 2 : 1);
  key.push_back('-');
  AppendPadded(key, sod / 60 % 60, 1);  // minute and second are never padded in the real keys
  key.push_back('-');
  AppendPadded(key, sod % 60, 1);
  key.append(gzip ? "-events.json.gz" : "-events.json");
  return key;
}

ObjectSink::ObjectSink(std::string data_dir, Rng* noise, bool gzip_some)
    : data_dir_(std::move(data_dir)), noise_(noise), gzip_some_(gzip_some) {}

Status ObjectSink::Add(int64_t utc_second, std::string_view line) {
  Slot& slot = slots_[static_cast<size_t>(utc_second) & (kSlots - 1)];
  if (slot.second != utc_second) {
    // The slot still holds an older second: by the add window contract it is complete.
    if (slot.second >= 0) FL_RETURN_IF_ERROR(WriteSlot(slot));
    slot.second = utc_second;
  }
  slot.starts.push_back(static_cast<uint32_t>(slot.text.size()));
  slot.text.append(line);
  slot.text.push_back('\n');
  return Status::OK();
}

Status ObjectSink::FlushThrough(int64_t utc_second) {
  // Few slots are live at once; write them oldest first so file creation follows stream time.
  std::array<Slot*, kSlots> due;
  size_t n = 0;
  for (Slot& slot : slots_) {
    if (slot.second >= 0 && slot.second <= utc_second) due[n++] = &slot;
  }
  std::sort(due.begin(), due.begin() + n, [](Slot* a, Slot* b) { return a->second < b->second; });
  for (size_t i = 0; i < n; ++i) FL_RETURN_IF_ERROR(WriteSlot(*due[i]));
  return Status::OK();
}

Status ObjectSink::WriteSlot(Slot& slot) {
  const size_t lines = slot.starts.size();
  // Lines inside a real object are not in time order: move about a quarter of them around.
  order_.resize(lines);
  for (size_t i = 0; i < lines; ++i) order_[i] = static_cast<uint32_t>(i);
  for (size_t i = 0; i < lines; ++i) {
    if (noise_->Chance(0.25)) std::swap(order_[i], order_[noise_->Below(lines)]);
  }
  out_.clear();
  for (uint32_t idx : order_) {
    const size_t begin = slot.starts[idx];
    const size_t end = idx + 1 < lines ? slot.starts[idx + 1] : slot.text.size();
    out_.append(slot.text, begin, end - begin);
  }
  const bool pad_hour = noise_->Chance(0.3);
  const bool gzip = gzip_some_ && noise_->Chance(0.1);
  const std::string path = data_dir_ + "/" + ObjectKeyForSecond(slot.second, pad_hour, gzip);
  std::string_view bytes = out_;
  if (gzip) {
    GzipStored(out_, gz_);
    bytes = gz_;
  }
  FL_RETURN_IF_ERROR(WriteFile(path, bytes));
  ++objects_;
  bytes_ += static_cast<int64_t>(bytes.size());
  slot.second = -1;
  slot.text.clear();
  slot.starts.clear();
  return Status::OK();
}

}  // namespace fleetlake::gen
