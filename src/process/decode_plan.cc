#include "process/decode_plan.h"

#include <fmt/format.h>

#include <algorithm>

namespace fleetlake {
namespace {

// Adds `path` to the trie (once) and returns its slot.
Result<int> AddPath(DecodePlan& plan, const std::string& path) {
  for (size_t i = 0; i < plan.slot_paths.size(); ++i) {
    if (plan.slot_paths[i] == path) return static_cast<int>(i);
  }
  int node = 0;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string segment =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (segment.empty()) return Status::InvalidArgument(fmt::format("bad JSON path '{}'", path));
    int child = plan.FindChild(node, segment);
    if (child < 0) {
      child = static_cast<int>(plan.nodes.size());
      plan.nodes.push_back(PathNode{segment, -1, {}});
      plan.nodes[node].children.push_back(child);
    }
    node = child;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  int slot = static_cast<int>(plan.slot_paths.size());
  plan.nodes[node].slot = slot;
  plan.slot_paths.push_back(path);
  return slot;
}

// The partition column: the index the config loader resolved, or (for hand-built configs) the
// column named by partition_by.column.
Result<int> PartitionColumn(const EntityConfig& entity) {
  int index = entity.partition_column;
  if (index < 0) {
    for (size_t i = 0; i < entity.columns.size(); ++i) {
      if (entity.columns[i].name == entity.partition_by.column) index = static_cast<int>(i);
    }
  }
  if (index < 0 || index >= static_cast<int>(entity.columns.size())) {
    return Status::InvalidArgument(fmt::format("entity '{}': partition column '{}' is not a column",
                                               entity.name, entity.partition_by.column));
  }
  if (entity.columns[index].type != ColumnType::kTimestamp) {
    return Status::InvalidArgument(
        fmt::format("entity '{}': partition column '{}' must be a timestamp", entity.name,
                    entity.columns[index].name));
  }
  return index;
}

}  // namespace

Result<DecodePlan> DecodePlan::Compile(const Config& config) {
  DecodePlan plan;
  plan.nodes.push_back(PathNode{});
  for (const EntityConfig& entity : config.entities) {
    EntityPlan ep;
    ep.config = &entity;
    for (const auto& [path, value] : entity.match) {
      FL_ASSIGN_OR_RETURN(int slot, AddPath(plan, path));
      ep.match.emplace_back(slot, value);
      if (std::find(plan.match_slots.begin(), plan.match_slots.end(), slot) ==
          plan.match_slots.end()) {
        plan.match_slots.push_back(slot);
      }
    }
    for (const ColumnConfig& column : entity.columns) {
      FL_ASSIGN_OR_RETURN(int slot, AddPath(plan, column.path));
      ep.column_slots.push_back(slot);
    }
    for (const std::string& path : entity.required) {
      RequiredPath req;
      req.path = path;
      FL_ASSIGN_OR_RETURN(req.slot, AddPath(plan, path));
      for (size_t i = 0; i < entity.columns.size(); ++i) {
        if (entity.columns[i].path == path) {
          req.column = static_cast<int>(i);
          break;
        }
      }
      ep.required.push_back(std::move(req));
    }
    FL_ASSIGN_OR_RETURN(ep.partition_column, PartitionColumn(entity));
    plan.entities.push_back(std::move(ep));
  }
  return plan;
}

}  // namespace fleetlake
