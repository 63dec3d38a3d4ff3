// Host settings, from the environment and an optional .env file.
//
// The seed's variable names keep working unchanged (HOST, PORT, DEBUG,
// DATABASE_PATH, CORS_ORIGINS, <PROVIDER>_CLIENT_ID/_CLIENT_SECRET/
// _REDIRECT_URI); Lagentry's own settings are prefixed LAGENTRY_.
// config/env.example documents every one.
#pragma once

#include "core/isolation/isolation_policy.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lagentry::host {

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8081;  // 0: any free port (tests)
  bool debug = false;
  std::size_t mcp_page_size = 100;  // tools per MCP tools/list page
  bool validate_results = false;
  bool access_log = true;  // one info line per request
  bool metrics_public = false;  // /metrics without an operator key  // check plugin replies against their result schemas (tests, plugin development)
  std::string log_level = "info";
  std::string log_format = "text";  // text | json
  std::filesystem::path database_path = "oauth_tokens.db";
  std::string database_url;  // postgresql://... overrides database_path
  std::size_t database_pool_size = 4;
  std::vector<std::string> cors_origins;

  std::filesystem::path plugin_dir;
  bool plugin_dir_optional = false;  // true: start without plugins when the folder is missing
  std::filesystem::path docs_dir;  // Swagger UI's files for /docs
  std::filesystem::path providers_dir = "config/providers";  // configuration-only provider descriptors
  std::filesystem::path runtime_dir;
  bool runtime_dir_private = true;  // the per-process default: removed when the host exits

  // Plugin isolation (core/isolation): which plugins run their steps in
  // worker processes, how many per plugin version, and their limits.
  isolation::IsolationPolicy plugin_isolation;
  std::filesystem::path plugin_worker;  // lagentry-plugin-worker, beside the host by default
  std::size_t plugin_workers = 2;
  std::chrono::milliseconds plugin_step_timeout{5000};
  std::size_t plugin_memory_mb = 1024;  // RLIMIT_AS per worker; 0: none

  unsigned threads = 2;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds shutdown_grace{20};
  std::size_t max_connections = 0;  // 0: derived from the descriptor limit at startup

  // Abuse limits: failed API-key checks per client address per minute
  // (then 429), and requests per API key per minute (0: no limit).
  unsigned auth_failures_per_minute = 20;
  unsigned rate_limit_per_key = 0;

  // Outbound calls: "origin=base,..." (see core/net/origin_map.hpp), extra CA.
  std::string upstream_origins;
  std::string upstream_ca_file;
  std::chrono::seconds upstream_timeout{30};
  int upstream_max_retries = 2;

  // Secrets and access control.
  std::string encryption_key;         // base64, 32 bytes
  std::string encryption_keys_old;    // comma-separated base64 keys still accepted for decryption
  bool create_dev_key = false;        // no key: create (or reuse) a development key file
  std::string api_key;                // bootstrap admin key for tenant "default"

  // OAuth.
  std::string public_url;             // base for default redirect URIs, e.g. http://127.0.0.1:8081
  bool public_url_configured = false; // false: derived from the address actually bound
  std::vector<std::string> redirect_allowlist;  // URLs a callback may redirect below (core/oauth/redirect_allowlist.hpp)
  std::chrono::seconds state_ttl{600};

  // Operations: how long activity records are kept (0: forever), and the
  // webhook outbox's retries (host/webhooks/webhook_delivery.hpp).
  unsigned activity_retention_days = 30;
  std::chrono::hours webhook_max_age{24};
  std::chrono::milliseconds webhook_retry_base{1000};
  std::chrono::seconds webhook_timeout{10};

  // Every variable seen (environment over .env), for provider credentials:
  // <ENV_PREFIX>_CLIENT_ID and friends are looked up here by the OAuth engine.
  std::map<std::string, std::string> variables;

  std::optional<std::string> variable(const std::string& name) const;
};

// Thrown for a bad setting; the message names it.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Builds the config from `environment` (normally the process environment)
// and the .env file at `env_file` if it exists (`required` makes a missing
// file an error). `executable` locates the default plugin folder.
Config load_config(const std::map<std::string, std::string>& environment,
                   const std::optional<std::filesystem::path>& env_file, bool env_file_required,
                   const std::filesystem::path& executable);

// The process environment as a map.
std::map<std::string, std::string> process_environment();

// `lagentry-host --help` text: every setting, its default and meaning.
std::string usage_text();

}  // namespace lagentry::host
