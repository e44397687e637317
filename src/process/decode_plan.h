// DecodePlan: the config compiled for the decoder. Every JSON path any entity needs (match,
// required and column paths) becomes a slot, and the paths form a trie so one walk over a record's
// fields fills all slots: a record is parsed once however many entities and columns read it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace fleetlake {

// One field name in the path trie. Node 0 is the record's root object.
struct PathNode {
  std::string name;
  int slot = -1;              // >= 0 when a configured path ends here
  std::vector<int> children;  // indexes into DecodePlan::nodes
};

struct RequiredPath {
  std::string path;
  int slot = -1;
  int column = -1;  // the first column reading this path, or -1: then only presence is checked
};

struct EntityPlan {
  const EntityConfig* config = nullptr;
  std::vector<std::pair<int, std::string>> match;  // (slot, expected value)
  std::vector<RequiredPath> required;
  std::vector<int> column_slots;  // per column, in config order
  int partition_column = -1;      // index into config->columns, a timestamp column
};

struct DecodePlan {
  std::vector<PathNode> nodes;          // the trie; nodes[0] is the root
  std::vector<std::string> slot_paths;  // slot -> dotted path
  std::vector<int> match_slots;         // every slot used for routing, in config order
  std::vector<EntityPlan> entities;     // same order as Config::entities

  // Validates what the decoder relies on (non-empty path segments, a timestamp partition column)
  // and builds the trie. `config` must outlive the plan.
  static Result<DecodePlan> Compile(const Config& config);

  // The child of `node` named `name`, or -1.
  int FindChild(int node, std::string_view name) const {
    for (int child : nodes[node].children) {
      if (nodes[child].name == name) return child;
    }
    return -1;
  }
};

}  // namespace fleetlake
