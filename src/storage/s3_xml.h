// The XML of the S3 REST API that fleetlake reads and writes (pugixml).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace fleetlake {

struct S3ListPage {
  std::vector<ObjectInfo> objects;  // full keys (not yet relative to a store root)
  bool truncated = false;
  std::string next_token;  // NextContinuationToken when truncated
};
Result<S3ListPage> ParseListObjectsV2(std::string_view xml);

// <Error><Code>NoSuchKey</Code><Message>...</Message></Error>; empty fields when the body is not
// an S3 error document.
struct S3Error {
  std::string code;
  std::string message;
};
S3Error ParseS3Error(std::string_view xml);

// UploadId of an InitiateMultipartUploadResult.
Result<std::string> ParseUploadId(std::string_view xml);
// The body of CompleteMultipartUpload for parts 1..n with these ETags (as S3 returned them).
std::string CompleteMultipartXml(const std::vector<std::string>& etags);

// "2019-06-01T18:17:05.000Z" (ListObjects) or "Sat, 01 Jun 2019 18:17:05 GMT" (HTTP headers) ->
// micros since the epoch; 0 when unparseable.
int64_t ParseS3Time(std::string_view text);

// ETag without surrounding quotes.
std::string UnquoteEtag(std::string_view etag);

}  // namespace fleetlake
