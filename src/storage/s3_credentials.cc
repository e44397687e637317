#include "storage/s3_credentials.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fleetlake {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string Trim(std::string s) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
  return s;
}

std::string HomeFile(const char* env_override, const char* relative) {
  std::string path = Env(env_override);
  if (!path.empty()) return path;
  std::string home = Env("HOME");
  return home.empty() ? std::string() : home + "/" + relative;
}

IniFile LoadIni(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseIni(ss.str());
}

std::string ProfileName(const StoreOptions& options) {
  if (!options.profile.empty()) return options.profile;
  std::string p = Env("AWS_PROFILE");
  return p.empty() ? "default" : p;
}

// The profile's section: "[name]" in the credentials file, "[profile name]" (or "[default]") in
// the config file.
const std::map<std::string, std::string>* Section(const IniFile& ini, const std::string& profile,
                                                  bool config_file) {
  auto it = ini.find(config_file && profile != "default" ? "profile " + profile : profile);
  return it == ini.end() ? nullptr : &it->second;
}

std::string Get(const std::map<std::string, std::string>* section, const char* key) {
  if (!section) return "";
  auto it = section->find(key);
  return it == section->end() ? "" : it->second;
}

}  // namespace

IniFile ParseIni(const std::string& text) {
  IniFile out;
  std::string section;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = Trim(line.substr(1, line.size() - 2));
      out[section];
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    std::string key = Trim(line.substr(0, eq));
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    out[section][key] = Trim(line.substr(eq + 1));
  }
  return out;
}

Result<std::optional<AwsCredentials>> ResolveCredentials(const StoreOptions& options) {
  if (options.anonymous) return std::optional<AwsCredentials>();
  if (!options.access_key_id.empty() || !options.secret_access_key.empty()) {
    if (options.access_key_id.empty() || options.secret_access_key.empty()) {
      return Status::InvalidArgument(
          "S3 credentials in the config need both access_key_id and secret_access_key");
    }
    return std::optional<AwsCredentials>(AwsCredentials{
        options.access_key_id, options.secret_access_key, options.session_token, "config"});
  }
  std::string id = Env("AWS_ACCESS_KEY_ID"), secret = Env("AWS_SECRET_ACCESS_KEY");
  if (!id.empty() && !secret.empty()) {
    return std::optional<AwsCredentials>(
        AwsCredentials{id, secret, Env("AWS_SESSION_TOKEN"), "environment"});
  }
  std::string profile = ProfileName(options);
  std::string cred_path = HomeFile("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
  std::string config_path = HomeFile("AWS_CONFIG_FILE", ".aws/config");
  const IniFile creds = LoadIni(cred_path), config = LoadIni(config_path);
  for (auto [ini, path, is_config] :
       {std::tuple{&creds, cred_path, false}, std::tuple{&config, config_path, true}}) {
    const auto* section = Section(*ini, profile, is_config);
    std::string pid = Get(section, "aws_access_key_id");
    std::string psecret = Get(section, "aws_secret_access_key");
    if (!pid.empty() && !psecret.empty()) {
      return std::optional<AwsCredentials>(
          AwsCredentials{pid, psecret, Get(section, "aws_session_token"),
                         fmt::format("profile '{}' in {}", profile, path)});
    }
  }
  return Status::InvalidArgument(fmt::format(
      "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile "
      "'{}' in {} or {} (AWS_PROFILE picks another), or access_key_id/secret_access_key in the "
      "config; for a public bucket set anonymous: true",
      profile, cred_path.empty() ? "~/.aws/credentials" : cred_path,
      config_path.empty() ? "~/.aws/config" : config_path));
}

std::string ResolveRegion(const StoreOptions& options) {
  if (!options.region.empty()) return options.region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    std::string r = Env(name);
    if (!r.empty()) return r;
  }
  const IniFile config = LoadIni(HomeFile("AWS_CONFIG_FILE", ".aws/config"));
  std::string r = Get(Section(config, ProfileName(options), true), "region");
  return r.empty() ? "us-east-1" : r;
}

}  // namespace fleetlake
