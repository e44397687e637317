#include "process/record_reader.h"

#include <fmt/format.h>
#include <zlib.h>

#include <vector>

namespace fleetlake {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Splits `text`, which must be exactly one top-level JSON array (surrounding whitespace allowed),
// into the raw text of its elements. Only brackets, braces and strings are tracked: the elements
// are validated later, one by one, so one bad element rejects one record, not the file. Returns
// false when the text is not a single balanced array, and the caller falls back to NDJSON.
bool SplitTopLevelArray(std::string_view text, std::vector<std::string_view>& elements) {
  text = TrimSpace(text);
  if (text.size() < 2 || text.front() != '[') return false;
  int depth = 0;
  bool in_string = false;
  size_t start = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // skip the escaped character, whatever it is
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        ++depth;
        break;
      case ']':
      case '}':
        if (--depth < 0) return false;
        if (depth == 0) {
          if (i + 1 != text.size()) return false;  // content after the array: not one array
          std::string_view last = TrimSpace(text.substr(start, i - start));
          // "[]" has no elements; "[1,]" has an empty (invalid) last one.
          if (!last.empty() || !elements.empty()) elements.push_back(last);
          return true;
        }
        break;
      case ',':
        if (depth == 1) {
          elements.push_back(TrimSpace(text.substr(start, i - start)));
          start = i + 1;
        }
        break;
      default:
        break;
    }
  }
  return false;  // unbalanced
}

}  // namespace

bool IsGzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

Result<std::string> Gunzip(std::string_view bytes, size_t max_bytes) {
  z_stream zs{};
  // 16 + MAX_WBITS: expect a gzip header and trailer (CRC and length are verified by zlib).
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Status::Internal("inflateInit2 failed");
  std::string out;
  out.resize(std::max<size_t>(bytes.size() * 4, 4096));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  size_t produced = 0;
  Status status;
  while (true) {
    if (produced == out.size()) {
      if (out.size() >= max_bytes) {
        status = Status::Corruption(fmt::format("gzip data inflates beyond {} bytes", max_bytes));
        break;
      }
      out.resize(std::min(out.size() * 2, max_bytes));
    }
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - produced, UINT32_MAX));
    const uInt avail_before = zs.avail_out;
    int rc = inflate(&zs, Z_NO_FLUSH);
    produced += avail_before - zs.avail_out;
    if (rc == Z_STREAM_END) {
      // Another member may follow (gzip files can be concatenated); trailing zero padding is
      // tolerated like gunzip does.
      std::string_view rest(reinterpret_cast<const char*>(zs.next_in), zs.avail_in);
      if (!IsGzip(rest)) {
        if (rest.find_first_not_of('\0') != std::string_view::npos) {
          status = Status::Corruption("trailing garbage after gzip data");
        }
        break;
      }
      inflateReset(&zs);
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_out != 0) {
      // No progress possible with output space left: the input ended mid-stream.
      status = Status::Corruption("truncated gzip data (unexpected end of stream)");
      break;
    }
    if (rc == Z_BUF_ERROR) continue;  // needs more output space
    status = Status::Corruption(
        fmt::format("corrupt gzip data: {}", zs.msg != nullptr ? zs.msg : zError(rc)));
    break;
  }
  inflateEnd(&zs);
  if (!status.ok()) return status;
  out.resize(produced);
  return out;
}

void ForEachRecord(std::string_view text,
                   const std::function<void(int64_t line, std::string_view record)>& fn) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  // A file that is one JSON array of events: the first non-blank byte is '['. Splitting is only
  // attempted then, so plain NDJSON pays nothing for it.
  size_t first = 0;
  while (first < text.size() && IsJsonSpace(text[first])) ++first;
  if (first < text.size() && text[first] == '[') {
    std::vector<std::string_view> elements;
    if (SplitTopLevelArray(text, elements)) {
      for (size_t i = 0; i < elements.size(); ++i) fn(static_cast<int64_t>(i) + 1, elements[i]);
      return;
    }
  }

  int64_t line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view record = text.substr(pos, end - pos);
    ++line;
    if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
    bool blank = true;
    for (char c : record) {
      if (!IsJsonSpace(c)) {
        blank = false;
        break;
      }
    }
    if (!blank) fn(line, record);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
}

}  // namespace fleetlake
