// Minimal gzip encoder using deflate "stored" (uncompressed) blocks. fl_gen does not link zlib, yet
// the stream must contain some .json.gz objects so that readers' gzip paths get exercised; stored
// blocks are valid RFC 1951/1952 data that any gzip reader must accept, at the cost of no
// compression (output is ~0.01% larger than the input).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fleetlake::gen {

// CRC-32 (IEEE 802.3, as used by gzip and zlib's crc32()).
uint32_t Crc32(std::string_view data, uint32_t crc = 0);

// Replaces `out` with a complete gzip member holding `data`.
void GzipStored(std::string_view data, std::string& out);

}  // namespace fleetlake::gen
