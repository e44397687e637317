#include "pipeline/plan.h"

#include <fmt/core.h>

#include <cctype>
#include <string_view>

namespace fleetlake {
namespace {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += JsonString(items[i]);
  }
  return out + "]";
}

// POSIX shell quoting, only where needed, so the text form can be pasted into a shell.
std::string ShellWord(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("-_./=:,@+").find(c) != std::string_view::npos)) {
      plain = false;
    }
  }
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Plan BuildPlan(const Config& config, const PlanOptions& options) {
  Plan plan;
  plan.config = options.config_arg;
  plan.sets = options.sets;
  plan.retries = config.run.retries;
  for (const auto& e : config.entities) plan.entities.push_back(e.name);
  for (const auto& m : config.marts) plan.marts.push_back(m.name);

  auto command_line = [&](const std::string& command, bool dated) {
    std::vector<std::string> args = {command, "--config", options.config_arg};
    for (const auto& s : options.sets) {
      args.push_back("--set");
      args.push_back(s);
    }
    if (dated) {
      args.push_back("--date");
      args.push_back(options.date_template);
    }
    return args;
  };

  plan.tasks.push_back({"fetch_data", "fetch", "", command_line("fetch", true), {}});
  plan.tasks.push_back(
      {"process_data", "process", "", command_line("process", true), {"fetch_data"}});
  std::vector<std::string> crawls;
  for (const auto& e : config.entities) {
    PlanTask t{"crawl_" + e.name, "crawl", e.name, command_line("crawl", true), {"process_data"}};
    t.args.push_back("--entity");
    t.args.push_back(e.name);
    crawls.push_back(t.id);
    plan.tasks.push_back(std::move(t));
  }
  // No marts, no task: an empty rebuild would only take the warehouse lock.
  if (!config.marts.empty()) {
    plan.tasks.push_back({"build_marts", "marts", "", command_line("marts", false), crawls});
  }
  return plan;
}

std::string PlanToJson(const Plan& plan) {
  std::string out = "{\n";
  out += fmt::format("  \"config\": {},\n", JsonString(plan.config));
  out += fmt::format("  \"sets\": {},\n", JsonList(plan.sets));
  out += fmt::format("  \"entities\": {},\n", JsonList(plan.entities));
  out += fmt::format("  \"marts\": {},\n", JsonList(plan.marts));
  out += fmt::format("  \"retries\": {},\n", plan.retries);
  out += "  \"tasks\": [\n";
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const PlanTask& t = plan.tasks[i];
    out += "    {\n";
    out += fmt::format("      \"id\": {},\n", JsonString(t.id));
    out += fmt::format("      \"command\": {},\n", JsonString(t.command));
    if (!t.entity.empty()) out += fmt::format("      \"entity\": {},\n", JsonString(t.entity));
    out += fmt::format("      \"args\": {},\n", JsonList(t.args));
    out += fmt::format("      \"upstream\": {}\n", JsonList(t.upstream));
    out += i + 1 < plan.tasks.size() ? "    },\n" : "    }\n";
  }
  out += "  ]\n}\n";
  return out;
}

std::string PlanToText(const Plan& plan) {
  std::string out;
  for (const auto& t : plan.tasks) {
    std::string after;
    for (const auto& u : t.upstream) after += (after.empty() ? "" : ", ") + u;
    std::string line = "fleetlake";
    for (const auto& a : t.args) line += " " + ShellWord(a);
    out += fmt::format("{:<24} after [{}]\n    {}\n", t.id, after, line);
  }
  return out;
}

}  // namespace fleetlake
