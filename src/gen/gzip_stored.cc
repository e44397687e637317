#include "gen/gzip_stored.h"

#include <algorithm>
#include <array>

namespace fleetlake::gen {
namespace {

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

void PutLe16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}

void PutLe32(std::string& out, uint32_t v) {
  PutLe16(out, v & 0xFFFF);
  PutLe16(out, v >> 16);
}

}  // namespace

uint32_t Crc32(std::string_view data, uint32_t crc) {
  crc = ~crc;
  for (unsigned char byte : data) crc = kCrcTable[(crc ^ byte) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

void GzipStored(std::string_view data, std::string& out) {
  constexpr size_t kMaxBlock = 65535;  // LEN is 16 bits
  out.clear();
  out.reserve(data.size() + 18 + 5 * (data.size() / kMaxBlock + 1));
  // Header: magic, CM=deflate, no flags, MTIME=0 (keeps output deterministic), XFL=0, OS=255.
  static constexpr char kHeader[10] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, '\xff'};
  out.append(kHeader, sizeof(kHeader));
  size_t pos = 0;
  do {
    const size_t len = std::min(kMaxBlock, data.size() - pos);
    const bool final = pos + len == data.size();
    out.push_back(final ? 1 : 0);  // BFINAL bit, BTYPE=00 (stored); the rest of the byte is padding
    PutLe16(out, static_cast<uint32_t>(len));
    PutLe16(out, static_cast<uint32_t>(~len & 0xFFFF));
    out.append(data.substr(pos, len));
    pos += len;
  } while (pos < data.size());
  PutLe32(out, Crc32(data));
  PutLe32(out, static_cast<uint32_t>(data.size()));  // ISIZE is the size modulo 2^32
}

}  // namespace fleetlake::gen
