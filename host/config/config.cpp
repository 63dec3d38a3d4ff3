#include "host/config/config.hpp"

#include "host/config/dotenv.hpp"

#include "core/crypto/secret_box.hpp"
#include "core/net/origin_map.hpp"
#include "core/oauth/redirect_allowlist.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace lagentry::host {
namespace fs = std::filesystem;

namespace {

template <typename Int>
Int parse_integer(const std::string& name, const std::string& text, Int min, Int max) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < static_cast<long long>(min) ||
      value > static_cast<long long>(max))
    throw ConfigError(name + ": expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                      ", got '" + text + "'");
  return static_cast<Int>(value);
}

bool parse_bool(const std::string& name, std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
  if (text == "0" || text == "false" || text == "no" || text == "off" || text.empty()) return false;
  throw ConfigError(name + ": expected true or false, got '" + text + "'");
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

fs::path default_runtime_dir() {
  const char* base = std::getenv("XDG_RUNTIME_DIR");
  fs::path dir = base && *base ? fs::path(base) : fs::temp_directory_path();
  return dir / ("lagentry-host-" + std::to_string(::getpid()));
}

}  // namespace

std::optional<std::string> Config::variable(const std::string& name) const {
  auto it = variables.find(name);
  if (it == variables.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

Config load_config(const std::map<std::string, std::string>& environment, const std::optional<fs::path>& env_file,
                   bool env_file_required, const fs::path& executable) {
  Config c;
  if (env_file) {
    std::ifstream in(*env_file);
    if (!in && env_file_required) throw ConfigError("--env-file: cannot read " + env_file->string());
    if (in) {
      std::stringstream text;
      text << in.rdbuf();
      DotenvResult parsed = parse_dotenv(text.str());
      if (!parsed.error.empty()) throw ConfigError(env_file->string() + ": " + parsed.error);
      c.variables = std::move(parsed.values);
    }
  }
  for (const auto& [k, v] : environment) c.variables[k] = v;  // the environment wins over .env

  auto get = [&](const char* name) -> const std::string* {
    auto it = c.variables.find(name);
    return it == c.variables.end() ? nullptr : &it->second;
  };
  if (auto v = get("HOST")) {
    if (v->empty()) throw ConfigError("HOST: must not be empty");
    c.host = *v;
  }
  if (auto v = get("PORT")) c.port = parse_integer<std::uint16_t>("PORT", *v, 0, 65535);
  if (auto v = get("DEBUG")) c.debug = parse_bool("DEBUG", *v);
  if (auto v = get("LAGENTRY_MCP_PAGE_SIZE")) c.mcp_page_size = parse_integer<std::size_t>("LAGENTRY_MCP_PAGE_SIZE", *v, 1, 1000);
  if (auto v = get("LAGENTRY_METRICS_PUBLIC")) c.metrics_public = parse_bool("LAGENTRY_METRICS_PUBLIC", *v);
  if (auto v = get("LAGENTRY_ACCESS_LOG")) c.access_log = parse_bool("LAGENTRY_ACCESS_LOG", *v);
  if (auto v = get("LAGENTRY_VALIDATE_RESULTS")) c.validate_results = parse_bool("LAGENTRY_VALIDATE_RESULTS", *v);
  c.log_level = c.debug ? "debug" : "info";
  if (auto v = get("LAGENTRY_LOG_FORMAT")) {
    if (*v != "text" && *v != "json") throw ConfigError("LAGENTRY_LOG_FORMAT: expected text or json, got '" + *v + "'");
    c.log_format = *v;
  }
  if (auto v = get("LAGENTRY_LOG_LEVEL")) {
    if (*v != "debug" && *v != "info" && *v != "warn" && *v != "error")
      throw ConfigError("LAGENTRY_LOG_LEVEL: expected debug, info, warn or error, got '" + *v + "'");
    c.log_level = *v;
  }
  if (auto v = get("DATABASE_PATH")) {
    if (v->empty()) throw ConfigError("DATABASE_PATH: must not be empty");
    c.database_path = *v;
  }
  if (auto v = get("DATABASE_URL")) {
    if (!v->empty() && v->rfind("postgresql://", 0) != 0 && v->rfind("postgres://", 0) != 0)
      throw ConfigError("DATABASE_URL: only postgresql:// URLs are supported (SQLite uses DATABASE_PATH)");
    c.database_url = *v;
  }
  if (auto v = get("LAGENTRY_DB_POOL_SIZE")) c.database_pool_size = parse_integer<std::size_t>("LAGENTRY_DB_POOL_SIZE", *v, 1, 256);
  if (auto v = get("CORS_ORIGINS")) c.cors_origins = split_list(*v);

  c.plugin_dir = executable.parent_path().parent_path() / "lib" / "lagentry" / "plugins";
  if (auto v = get("LAGENTRY_PLUGIN_DIR"); v && !v->empty()) c.plugin_dir = *v;
  if (auto v = get("LAGENTRY_PLUGIN_DIR_OPTIONAL")) c.plugin_dir_optional = parse_bool("LAGENTRY_PLUGIN_DIR_OPTIONAL", *v);
  c.docs_dir = executable.parent_path().parent_path() / "share" / "lagentry" / "swagger-ui";
  if (auto v = get("LAGENTRY_DOCS_DIR"); v && !v->empty()) c.docs_dir = *v;
  if (auto v = get("LAGENTRY_PROVIDERS_DIR"); v && !v->empty()) c.providers_dir = *v;
  c.runtime_dir = default_runtime_dir();
  if (auto v = get("LAGENTRY_RUNTIME_DIR"); v && !v->empty()) {
    c.runtime_dir = *v;
    c.runtime_dir_private = false;
  }

  if (auto v = get("LAGENTRY_PLUGIN_ISOLATION")) {
    std::string error;
    auto policy = isolation::IsolationPolicy::parse(*v, error);
    if (!policy) throw ConfigError("LAGENTRY_PLUGIN_ISOLATION: " + error);
    c.plugin_isolation = *policy;
  }
  c.plugin_worker = executable.parent_path() / "lagentry-plugin-worker";
  if (auto v = get("LAGENTRY_PLUGIN_WORKER"); v && !v->empty()) c.plugin_worker = *v;
  if (c.plugin_isolation.describe() != "none" && ::access(c.plugin_worker.c_str(), X_OK) != 0)
    throw ConfigError("LAGENTRY_PLUGIN_WORKER: " + c.plugin_worker.string() +
                      " is not an executable (plugin isolation needs lagentry-plugin-worker)");
  if (auto v = get("LAGENTRY_PLUGIN_WORKERS"))
    c.plugin_workers = parse_integer<std::size_t>("LAGENTRY_PLUGIN_WORKERS", *v, 1, 64);
  if (auto v = get("LAGENTRY_PLUGIN_STEP_TIMEOUT_MS"))
    c.plugin_step_timeout = std::chrono::milliseconds(parse_integer<int>("LAGENTRY_PLUGIN_STEP_TIMEOUT_MS", *v, 10, 600'000));
  if (auto v = get("LAGENTRY_PLUGIN_MEMORY_MB"))
    c.plugin_memory_mb = parse_integer<std::size_t>("LAGENTRY_PLUGIN_MEMORY_MB", *v, 0, 1024 * 1024);

  c.threads = std::max(1u, std::thread::hardware_concurrency());
  if (auto v = get("LAGENTRY_THREADS")) c.threads = parse_integer<unsigned>("LAGENTRY_THREADS", *v, 1, 256);
  if (auto v = get("LAGENTRY_MAX_BODY_BYTES"))
    c.max_body_bytes = parse_integer<std::size_t>("LAGENTRY_MAX_BODY_BYTES", *v, 1024, 1024ull * 1024 * 1024);
  if (auto v = get("LAGENTRY_MAX_HEADER_BYTES"))
    c.max_header_bytes = parse_integer<std::size_t>("LAGENTRY_MAX_HEADER_BYTES", *v, 1024, 1024 * 1024);
  if (auto v = get("LAGENTRY_READ_TIMEOUT_SECONDS"))
    c.read_timeout = std::chrono::seconds(parse_integer<int>("LAGENTRY_READ_TIMEOUT_SECONDS", *v, 1, 3600));
  if (auto v = get("LAGENTRY_IDLE_TIMEOUT_SECONDS"))
    c.idle_timeout = std::chrono::seconds(parse_integer<int>("LAGENTRY_IDLE_TIMEOUT_SECONDS", *v, 1, 3600));
  if (auto v = get("LAGENTRY_SHUTDOWN_GRACE_SECONDS"))
    c.shutdown_grace = std::chrono::seconds(parse_integer<int>("LAGENTRY_SHUTDOWN_GRACE_SECONDS", *v, 0, 3600));
  if (auto v = get("LAGENTRY_MAX_CONNECTIONS"))
    c.max_connections = parse_integer<std::size_t>("LAGENTRY_MAX_CONNECTIONS", *v, 0, 1'000'000);
  if (auto v = get("LAGENTRY_AUTH_FAILURES_PER_MINUTE"))
    c.auth_failures_per_minute = parse_integer<unsigned>("LAGENTRY_AUTH_FAILURES_PER_MINUTE", *v, 0, 1'000'000);
  if (auto v = get("LAGENTRY_RATE_LIMIT_PER_KEY"))
    c.rate_limit_per_key = parse_integer<unsigned>("LAGENTRY_RATE_LIMIT_PER_KEY", *v, 0, 100'000'000);
  if (auto v = get("LAGENTRY_ENCRYPTION_KEY")) c.encryption_key = *v;
  if (auto v = get("LAGENTRY_ENCRYPTION_KEYS_OLD")) c.encryption_keys_old = *v;
  if (!c.encryption_key.empty()) {
    try {
      crypto::KeyRing::from_base64(c.encryption_key, c.encryption_keys_old);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string("LAGENTRY_ENCRYPTION_KEY: ") + e.what());
    }
  }
  if (auto v = get("LAGENTRY_CREATE_DEV_KEY")) c.create_dev_key = parse_bool("LAGENTRY_CREATE_DEV_KEY", *v);
  if (auto v = get("LAGENTRY_API_KEY")) {
    if (!v->empty() && v->size() < 16) throw ConfigError("LAGENTRY_API_KEY: use at least 16 characters");
    c.api_key = *v;
  }
  c.public_url = "http://" + c.host + ":" + std::to_string(c.port);
  if (auto v = get("LAGENTRY_PUBLIC_URL"); v && !v->empty()) {
    if (v->rfind("http://", 0) != 0 && v->rfind("https://", 0) != 0)
      throw ConfigError("LAGENTRY_PUBLIC_URL: must start with http:// or https://");
    c.public_url = *v;
    c.public_url_configured = true;
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  }
  if (auto v = get("LAGENTRY_REDIRECT_ALLOWLIST")) {
    c.redirect_allowlist = split_list(*v);
    try {
      oauth::RedirectAllowList::parse(c.redirect_allowlist);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string("LAGENTRY_REDIRECT_ALLOWLIST: ") + e.what());
    }
  }
  if (auto v = get("LAGENTRY_STATE_TTL_SECONDS"))
    c.state_ttl = std::chrono::seconds(parse_integer<int>("LAGENTRY_STATE_TTL_SECONDS", *v, 1, 86400));
  if (auto v = get("LAGENTRY_UPSTREAM_ORIGINS")) {
    try {
      net::OriginMap::parse(*v);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string("LAGENTRY_UPSTREAM_ORIGINS: ") + e.what());
    }
    c.upstream_origins = *v;
  }
  if (auto v = get("LAGENTRY_UPSTREAM_CA_FILE")) {
    if (!v->empty() && !fs::is_regular_file(*v)) throw ConfigError("LAGENTRY_UPSTREAM_CA_FILE: no such file " + *v);
    c.upstream_ca_file = *v;
  }
  if (auto v = get("LAGENTRY_UPSTREAM_TIMEOUT_SECONDS"))
    c.upstream_timeout = std::chrono::seconds(parse_integer<int>("LAGENTRY_UPSTREAM_TIMEOUT_SECONDS", *v, 1, 600));
  if (auto v = get("LAGENTRY_UPSTREAM_MAX_RETRIES"))
    c.upstream_max_retries = parse_integer<int>("LAGENTRY_UPSTREAM_MAX_RETRIES", *v, 0, 10);
  if (auto v = get("LAGENTRY_ACTIVITY_RETENTION_DAYS"))
    c.activity_retention_days = parse_integer<unsigned>("LAGENTRY_ACTIVITY_RETENTION_DAYS", *v, 0, 36500);
  if (auto v = get("LAGENTRY_WEBHOOK_MAX_AGE_HOURS"))
    c.webhook_max_age = std::chrono::hours(parse_integer<int>("LAGENTRY_WEBHOOK_MAX_AGE_HOURS", *v, 1, 24 * 30));
  if (auto v = get("LAGENTRY_WEBHOOK_RETRY_BASE_MS"))
    c.webhook_retry_base = std::chrono::milliseconds(parse_integer<int>("LAGENTRY_WEBHOOK_RETRY_BASE_MS", *v, 10, 3'600'000));
  if (auto v = get("LAGENTRY_WEBHOOK_TIMEOUT_SECONDS"))
    c.webhook_timeout = std::chrono::seconds(parse_integer<int>("LAGENTRY_WEBHOOK_TIMEOUT_SECONDS", *v, 1, 300));
  return c;
}

std::string usage_text() {
  return R"(Usage: lagentry-host [--env-file PATH] [--help] [--version]
       lagentry-host [--env-file PATH] keys create [--tenant T [--user EMAIL] | --operator] [--name N]
       lagentry-host [--env-file PATH] keys list | keys revoke ID | keys rotate-encryption
       lagentry-host [--env-file PATH] migrate [--dry-run]   (apply, or list, pending schema migrations)
       lagentry-host [--env-file PATH] webhooks add --tenant T --url URL | webhooks list [--tenant T]
       lagentry-host [--env-file PATH] webhooks remove ID
       lagentry-host mcp-stdio --url http://HOST:PORT/mcp --key KEY [--user EMAIL]
                              (MCP over stdin/stdout, bridged to a running host)

Lagentry Host: OAuth connections and one unified REST API over provider plugins.

Options:
  --env-file PATH   read settings from PATH (default: ./.env when present)
  --help            show this text and exit
  --version         print the version and exit

Settings (environment variables; the environment wins over the .env file):
  HOST                        listen address                      [127.0.0.1]
  PORT                        listen port, 0 picks a free one     [8081]
  DEBUG                       true: debug logging                 [false]
  DATABASE_PATH               SQLite database file                [oauth_tokens.db]
  DATABASE_URL                postgresql://... instead of SQLite  []
  CORS_ORIGINS                comma-separated allowed origins     []
  <P>_CLIENT_ID, <P>_CLIENT_SECRET, <P>_REDIRECT_URI
                              OAuth app of provider P (GOOGLE, SLACK, ATLASSIAN, ...)
  LAGENTRY_PLUGIN_DIR         plugin folder        [<prefix>/lib/lagentry/plugins]
  LAGENTRY_METRICS_PUBLIC     true: GET /metrics needs no operator key [false]
  LAGENTRY_ACCESS_LOG         one info line per request (method, route
                              template, status, time, tenant, request id) [true]
  LAGENTRY_MCP_PAGE_SIZE      tools per MCP tools/list page       [100]
  LAGENTRY_VALIDATE_RESULTS   true: a plugin reply that does not match its
                              operation's result schema answers 502 (tests,
                              plugin development)                 [false]
  LAGENTRY_PLUGIN_DIR_OPTIONAL true: start without plugins when the plugin
                              folder is missing (else startup stops) [false]
  LAGENTRY_DOCS_DIR           Swagger UI files for /docs [<prefix>/share/lagentry/swagger-ui]
  LAGENTRY_PROVIDERS_DIR      provider descriptors (JSON) needing no plugin [config/providers]
  LAGENTRY_RUNTIME_DIR        private plugin copies [$XDG_RUNTIME_DIR or /tmp]/lagentry-host-<pid>
  LAGENTRY_PLUGIN_ISOLATION   run plugins' steps in worker processes: none,
                              process (all), or plugin ids, e.g. acme,foo [none]
  LAGENTRY_PLUGIN_WORKERS     worker processes per isolated plugin [2]
  LAGENTRY_PLUGIN_STEP_TIMEOUT_MS  an isolated step's time limit; past it
                              the worker is killed (504)          [5000]
  LAGENTRY_PLUGIN_MEMORY_MB   address-space limit per worker (0: none) [1024]
  LAGENTRY_PLUGIN_WORKER      the worker executable [lagentry-plugin-worker beside the host]
  LAGENTRY_THREADS            I/O threads, one event loop each    [CPU count]
  LAGENTRY_LOG_LEVEL          debug, info, warn, error            [info]
  LAGENTRY_LOG_FORMAT         text, or json (one object per line) [text]
  LAGENTRY_DB_POOL_SIZE       database sessions, and the threads  [4]
                              that run requests' statements
  LAGENTRY_MAX_BODY_BYTES     largest request body                [1048576]
  LAGENTRY_MAX_HEADER_BYTES   largest request header              [16384]
  LAGENTRY_READ_TIMEOUT_SECONDS   time to receive one request     [30]
  LAGENTRY_IDLE_TIMEOUT_SECONDS   keep-alive idle time            [60]
  LAGENTRY_SHUTDOWN_GRACE_SECONDS time to drain on SIGTERM        [20]
  LAGENTRY_MAX_CONNECTIONS    open client connections; beyond it new ones
                              are closed at once [0: from the descriptor limit]
  LAGENTRY_AUTH_FAILURES_PER_MINUTE  wrong API keys per client address
                              per minute before 429 (0: no limit)  [20]
  LAGENTRY_RATE_LIMIT_PER_KEY requests per API key per minute, then 429
                              (0: no limit)                       [0]
  LAGENTRY_ENCRYPTION_KEY     base64 32-byte key for tokens at rest (required)
  LAGENTRY_ENCRYPTION_KEYS_OLD  comma-separated older keys, decrypt only
  LAGENTRY_CREATE_DEV_KEY     true: without a key, create/reuse a dev key file
  LAGENTRY_API_KEY            bootstrap operator API key (tenant "default")
  LAGENTRY_PUBLIC_URL         external base URL for redirect URIs [http://HOST:PORT]
  LAGENTRY_REDIRECT_ALLOWLIST URLs callbacks may redirect to (same origin, path below) []
  LAGENTRY_STATE_TTL_SECONDS  OAuth state lifetime                [600]
  LAGENTRY_UPSTREAM_ORIGINS   point provider origins elsewhere, e.g.
                              *=https://127.0.0.1:9443/{host} (the sandbox)  []
  LAGENTRY_UPSTREAM_CA_FILE   extra PEM CA trusted for upstream TLS []
  LAGENTRY_UPSTREAM_TIMEOUT_SECONDS  per upstream request          [30]
  LAGENTRY_UPSTREAM_MAX_RETRIES      retries of idempotent calls   [2]
  LAGENTRY_ACTIVITY_RETENTION_DAYS   activity records older than this
                              are purged hourly (0: keep forever)  [30]
  LAGENTRY_WEBHOOK_MAX_AGE_HOURS     an undelivered webhook event is
                              given up at this age                 [24]
  LAGENTRY_WEBHOOK_RETRY_BASE_MS     first webhook retry delay, doubled
                              per attempt (at most an hour)        [1000]
  LAGENTRY_WEBHOOK_TIMEOUT_SECONDS   time a receiver has to answer  [10]

See config/env.example for a commented template.
)";
}

}  // namespace lagentry::host
