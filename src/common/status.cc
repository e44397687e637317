#include "common/status.h"

namespace fleetlake {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      name = "invalid argument";
      break;
    case Code::kNotFound:
      name = "not found";
      break;
    case Code::kIOError:
      name = "I/O error";
      break;
    case Code::kCorruption:
      name = "corrupt data";
      break;
    case Code::kBusy:
      name = "busy";
      break;
    case Code::kCancelled:
      name = "cancelled";
      break;
    case Code::kInternal:
      name = "internal error";
      break;
  }
  return fmt::format("{}: {}", name, message_);
}

}  // namespace fleetlake
