// AWS credentials and region, found the way the AWS CLI and SDKs find them. A secret never appears
// in a message: `Describe()` says where credentials came from, not what they are.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/status.h"
#include "storage/store.h"

namespace fleetlake {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
  std::string origin;         // "config", "environment", "profile 'x' in ~/.aws/credentials"
};

// An INI file as the AWS tools write it: section -> key -> value (keys lower-cased, values
// trimmed). Missing file = empty map.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
IniFile ParseIni(const std::string& text);

// Looks, in order, at: explicit options; AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN; the profile (options.profile, else AWS_PROFILE, else "default") in
// AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials) and AWS_CONFIG_FILE (~/.aws/config).
// nullopt when anonymous. An error names what was looked at when nothing is found.
Result<std::optional<AwsCredentials>> ResolveCredentials(const StoreOptions& options);

// options.region, else AWS_REGION, AWS_DEFAULT_REGION, the profile's region in the config file,
// else us-east-1.
std::string ResolveRegion(const StoreOptions& options);

}  // namespace fleetlake
