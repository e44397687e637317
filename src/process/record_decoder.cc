#include "process/record_decoder.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstring>

namespace fleetlake {

namespace od = simdjson::ondemand;

const char* ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kAbsent:
      return "absent";
    case ValueKind::kNull:
      return "null";
    case ValueKind::kString:
      return "string";
    case ValueKind::kNumber:
      return "number";
    case ValueKind::kBool:
      return "boolean";
    case ValueKind::kObject:
      return "object";
    case ValueKind::kArray:
      return "array";
  }
  return "?";
}

struct RecordDecoder::Impl {
  od::parser parser;
  // The record copied with SIMDJSON_PADDING bytes after it: records are slices of a larger object
  // buffer, and simdjson needs readable padding past the end.
  std::string buffer;

  // Walks `object`, the value at trie node `node`, filling the slots of the planned paths.
  simdjson::error_code Walk(const DecodePlan& plan, od::object object, int node,
                            std::vector<SlotValue>& slots) {
    for (auto field_result : object) {
      od::field field;
      if (auto err = std::move(field_result).get(field)) return err;
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) return err;
      const int child = plan.FindChild(node, key);
      if (child < 0) continue;  // not configured: skipped unparsed
      od::value value = field.value();
      od::json_type type;
      if (auto err = value.type().get(type)) return err;
      const PathNode& pn = plan.nodes[child];
      SlotValue sv;
      switch (type) {
        case od::json_type::object:
          sv.kind = ValueKind::kObject;
          if (!pn.children.empty()) {
            od::object inner;
            if (auto err = value.get_object().get(inner)) return err;
            if (auto err = Walk(plan, inner, child, slots)) return err;
          }
          break;
        case od::json_type::array:
          sv.kind = ValueKind::kArray;
          break;
        case od::json_type::string:
          sv.kind = ValueKind::kString;
          if (auto err = value.get_string().get(sv.text)) return err;
          break;
        case od::json_type::number: {
          sv.kind = ValueKind::kNumber;
          std::string_view token = value.raw_json_token();
          while (!token.empty() && (token.back() == ' ' || token.back() == '\t' ||
                                    token.back() == '\n' || token.back() == '\r')) {
            token.remove_suffix(1);
          }
          sv.text = token;
          // Validates the number's syntax; the text is what coercion converts.
          double ignored;
          if (auto err = value.get_double().get(ignored)) return err;
          break;
        }
        case od::json_type::boolean: {
          bool b;
          if (auto err = value.get_bool().get(b)) return err;
          sv.kind = ValueKind::kBool;
          sv.text = b ? "true" : "false";
          break;
        }
        case od::json_type::null: {
          bool is_null = false;
          if (auto err = value.is_null().get(is_null)) return err;
          if (!is_null) return simdjson::N_ATOM_ERROR;
          sv.kind = ValueKind::kNull;
          break;
        }
      }
      // A later duplicate key wins, as in JSON.parse.
      if (pn.slot >= 0) slots[pn.slot] = sv;
    }
    return simdjson::SUCCESS;
  }
};

RecordDecoder::RecordDecoder(const DecodePlan& plan)
    : plan_(plan), impl_(std::make_unique<Impl>()), slots_(plan.slot_paths.size()) {}

RecordDecoder::~RecordDecoder() = default;

bool RecordDecoder::Decode(std::string_view record, std::string* reason) {
  for (SlotValue& s : slots_) s = SlotValue{};
  std::string& buf = impl_->buffer;
  if (buf.size() < record.size() + simdjson::SIMDJSON_PADDING) {
    buf.resize(record.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(buf.data(), record.data(), record.size());
  std::memset(buf.data() + record.size(), ' ', simdjson::SIMDJSON_PADDING);

  const auto fail = [&](simdjson::error_code err) {
    *reason = fmt::format("invalid JSON: {}", simdjson::error_message(err));
    for (SlotValue& s : slots_) s = SlotValue{};
    return false;
  };

  od::document doc;
  if (auto err = impl_->parser.iterate(buf.data(), record.size(), buf.size()).get(doc)) {
    return fail(err);
  }
  od::json_type type;
  if (auto err = doc.type().get(type)) return fail(err);
  if (type != od::json_type::object) {
    const char* what = type == od::json_type::array     ? "an array"
                       : type == od::json_type::string  ? "a string"
                       : type == od::json_type::number  ? "a number"
                       : type == od::json_type::boolean ? "a boolean"
                                                        : "null";
    *reason = fmt::format("not a JSON object (got {})", what);
    return false;
  }
  od::object object;
  if (auto err = doc.get_object().get(object)) return fail(err);
  if (auto err = impl_->Walk(plan_, object, 0, slots_)) return fail(err);
  // After the root object only whitespace may follow ({"a":1} {"b":2} is not one record).
  const char* rest = nullptr;
  if (doc.current_location().get(rest) == simdjson::SUCCESS) {
    return fail(simdjson::TRAILING_CONTENT);
  }
  return true;
}

}  // namespace fleetlake
