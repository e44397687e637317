#include "storage/s3_xml.h"

#include <cstring>
#include <ctime>
#include <pugixml.hpp>

#include "common/time_util.h"

namespace fleetlake {
namespace {

Result<pugi::xml_document> Parse(std::string_view xml, const char* what) {
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size());
  if (!r) {
    return Status::Corruption(fmt::format("S3 {} response is not XML ({}): {}", what,
                                          r.description(), std::string(xml.substr(0, 200))));
  }
  return doc;
}

}  // namespace

std::string UnquoteEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  // Some servers return &quot; escaped quotes in XML that the parser already decoded; others
  // return W/ weak tags on proxies.
  if (etag.rfind("W/", 0) == 0) return UnquoteEtag(etag.substr(2));
  return std::string(etag);
}

int64_t ParseS3Time(std::string_view text) {
  if (auto t = ParseTimestamp(text)) return *t;
  // RFC 1123: "Sat, 01 Jun 2019 18:17:05 GMT".
  std::tm tm{};
  std::string s(text);
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  if (!end) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000000;
}

Result<S3ListPage> ParseListObjectsV2(std::string_view xml) {
  FL_ASSIGN_OR_RETURN(pugi::xml_document doc, Parse(xml, "ListObjectsV2"));
  pugi::xml_node root = doc.child("ListBucketResult");
  if (!root) {
    return Status::Corruption(fmt::format("S3 ListObjectsV2 response has no ListBucketResult: {}",
                                          std::string(xml.substr(0, 200))));
  }
  S3ListPage page;
  page.truncated = std::strcmp(root.child_value("IsTruncated"), "true") == 0;
  page.next_token = root.child_value("NextContinuationToken");
  for (pugi::xml_node c : root.children("Contents")) {
    ObjectInfo info;
    info.key = c.child_value("Key");
    info.size = std::strtoull(c.child_value("Size"), nullptr, 10);
    info.etag = UnquoteEtag(c.child_value("ETag"));
    info.mtime_us = ParseS3Time(c.child_value("LastModified"));
    page.objects.push_back(std::move(info));
  }
  if (page.truncated && page.next_token.empty()) {
    return Status::Corruption("S3 listing is truncated but has no NextContinuationToken");
  }
  return page;
}

S3Error ParseS3Error(std::string_view xml) {
  S3Error e;
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return e;
  pugi::xml_node err = doc.child("Error");
  e.code = err.child_value("Code");
  e.message = err.child_value("Message");
  return e;
}

Result<std::string> ParseUploadId(std::string_view xml) {
  FL_ASSIGN_OR_RETURN(pugi::xml_document doc, Parse(xml, "CreateMultipartUpload"));
  std::string id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  if (id.empty()) return Status::Corruption("S3 CreateMultipartUpload returned no UploadId");
  return id;
}

std::string CompleteMultipartXml(const std::vector<std::string>& etags) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  for (size_t i = 0; i < etags.size(); ++i) {
    pugi::xml_node part = root.append_child("Part");
    part.append_child("PartNumber").text().set(static_cast<unsigned>(i + 1));
    part.append_child("ETag").text().set(fmt::format("\"{}\"", etags[i]).c_str());
  }
  struct Writer : pugi::xml_writer {
    std::string out;
    void write(const void* data, size_t size) override {
      out.append(static_cast<const char*>(data), size);
    }
  } w;
  doc.save(w, "", pugi::format_raw | pugi::format_no_declaration);
  return w.out;
}

}  // namespace fleetlake
