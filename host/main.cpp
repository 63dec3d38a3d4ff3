// lagentry-host: wires config, store, plugins and the HTTP server together.
#include "core/isolation/worker_pool.hpp"
#include "core/store/error_text.hpp"
#include "core/log/logger.hpp"
#include "core/plugin/registry.hpp"
#include "core/store/activity_log.hpp"
#include "core/store/database.hpp"
#include "core/store/database_work.hpp"
#include "core/store/key_check.hpp"
#include "core/store/migrations.hpp"
#include "core/net/http_client.hpp"
#include "core/oauth/oauth_engine.hpp"
#include "core/store/api_key_cache.hpp"
#include "core/store/api_key_store.hpp"
#include "host/api/activity_api.hpp"
#include "host/api/admin_api.hpp"
#include "host/api/metrics_api.hpp"
#include "host/api/auth_api.hpp"
#include "host/api/catalog_api.hpp"
#include "host/api/connector_api.hpp"
#include "host/api/connect_session_api.hpp"
#include "host/api/docs_api.hpp"
#include "host/api/openapi_document.hpp"
#include "host/mcp/mcp_api.hpp"
#include "host/mcp/stdio_bridge.hpp"
#include "host/setup/key_commands.hpp"
#include "host/setup/migrate_command.hpp"
#include "host/setup/secrets.hpp"
#include "host/setup/webhook_commands.hpp"
#include "host/api/plugin_routes.hpp"
#include "host/api/proxy_api.hpp"
#include "host/config/config.hpp"
#include "host/http/io_shards.hpp"
#include "host/http/server.hpp"
#include "host/maintenance/activity_purger.hpp"
#include "host/maintenance/state_purger.hpp"
#include "host/webhooks/webhook_delivery.hpp"
#include "host/plugins/plugin_watcher.hpp"
#include "host/web/connect_pages.hpp"
#include "host/web/console_pages.hpp"
#include "host/web/site_pages.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <thread>
#include <sys/resource.h>
#include <unistd.h>

// Set by the build when it links jemalloc (host/CMakeLists.txt).
#ifndef LAGENTRY_ALLOCATOR
#define LAGENTRY_ALLOCATOR "glibc malloc"
#endif

namespace lagentry::host {
namespace {
namespace asio = boost::asio;
constexpr std::string_view kLog = "host";

struct Arguments {
  std::optional<std::filesystem::path> env_file;
  bool env_file_required = false;
  std::vector<std::string> key_command;  // `keys ...`
  std::optional<std::vector<std::string>> migrate_command;  // `migrate ...`
  std::optional<std::vector<std::string>> webhook_command;  // `webhooks ...`
};

log::Level parse_level(const std::string& name) {
  if (name == "debug") return log::Level::debug;
  if (name == "warn") return log::Level::warn;
  if (name == "error") return log::Level::error;
  return log::Level::info;
}

std::unique_ptr<store::Database> open_database(const Config& config) {
  if (!config.database_url.empty()) return store::Database::open_postgresql(config.database_url, config.database_pool_size);
  return store::Database::open_sqlite(config.database_path, config.database_pool_size);
}

// Raises the soft descriptor limit to the hard one (as nginx's
// worker_rlimit_nofile and Go's runtime do) and answers how many client
// connections to allow: LAGENTRY_MAX_CONNECTIONS, or half of what the limit
// leaves after a reserve for the database, plugins and listeners, since each
// client request may need an upstream connection too.
std::size_t connection_limit(const Config& config) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (config.max_connections > 0) return config.max_connections;
  constexpr rlim_t kReserve = 64;
  const rlim_t descriptors = limit.rlim_cur == RLIM_INFINITY ? 1'000'000 : limit.rlim_cur;
  const rlim_t usable = descriptors > 2 * kReserve ? (descriptors - kReserve) / 2 : kReserve / 2;
  return static_cast<std::size_t>(std::min<rlim_t>(usable, 10'000));
}

// Isolated plugins (LAGENTRY_PLUGIN_ISOLATION) get a pool of worker
// processes per loaded version; the others run in the host.
plugin::WorkerFactory worker_factory(const Config& config, asio::io_context& io) {
  if (config.plugin_isolation.describe() == "none") return {};
  log::info("plugins", "isolation: " + config.plugin_isolation.describe() + " (" + std::to_string(config.plugin_workers) +
                           " workers per plugin, step timeout " + std::to_string(config.plugin_step_timeout.count()) +
                           " ms, memory limit " +
                           (config.plugin_memory_mb ? std::to_string(config.plugin_memory_mb) + " MiB" : "none") + ")");
  isolation::WorkerOptions options;
  options.binary = config.plugin_worker;
  options.workers = config.plugin_workers;
  options.step_timeout = config.plugin_step_timeout;
  options.memory_limit_mb = config.plugin_memory_mb;
  return [&io, policy = config.plugin_isolation, options](const plugin::LoadedPlugin& plugin) {
    std::shared_ptr<isolation::WorkerPool> workers;
    if (policy.isolates(plugin.id()))
      workers = isolation::WorkerPool::start(io.get_executor(), options, plugin.id(), plugin.origin().private_copy);
    return workers;
  };
}

int run(Config config) {
  log::set_level(parse_level(config.log_level));
  log::set_format(config.log_format == "json" ? log::Format::json : log::Format::text);
  log::info(kLog, "lagentry-host " LAGENTRY_VERSION " starting (pid " + std::to_string(::getpid()) + ", " +
                      std::to_string(config.threads) + " I/O threads, allocator " LAGENTRY_ALLOCATOR ")");

  const crypto::KeyRing key_ring = load_key_ring(config);
  log::info("secrets", "encryption key " + key_ring.current_key_id() + " active");
  std::unique_ptr<store::Database> database;
  try {
    database = open_database(config);
  } catch (const std::exception& e) {
    throw ConfigError(std::string(config.database_url.empty() ? "DATABASE_PATH" : "DATABASE_URL") + ": " + e.what());
  }
  const int applied = store::migrate(*database);
  log::info("store", database->description() + " ready, schema version " + std::to_string(store::schema_version(*database)) +
                         (applied ? " (" + std::to_string(applied) + " migrations applied)" : ""));
  try {
    const auto check = store::verify_encryption_key(*database, key_ring);
    if (check == store::KeyCheck::resealed) log::info("secrets", "encryption check value re-sealed with the current key");
  } catch (const store::WrongEncryptionKey& e) {
    throw ConfigError(e.what());
  }
  store::ActivityLog activity(*database);
  store::ApiKeyStore api_keys(*database);
  // Statements requests need run here, never on an I/O thread: one thread
  // per pooled session (store/database_work.hpp).
  store::DatabaseWork database_work(config.database_pool_size);
  bootstrap_api_key(config, api_keys);

  // The per-process folder of private plugin copies goes when the host does
  // (declared before the registry, so it is removed after the libraries are).
  struct RemoveOnExit {
    std::filesystem::path dir;
    ~RemoveOnExit() {
      std::error_code ignored;
      if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
    }
  } runtime_folder{config.runtime_dir_private ? config.runtime_dir : std::filesystem::path{}};
  // One event loop per I/O thread (http/io_shards.hpp); shard 0 also runs
  // signals, timers, the plugin watcher and isolated plugins' workers.
  IoShards shards(config.threads);
  asio::io_context& io = shards.main();
  // Before the registry: it starts isolated plugins' workers on this context,
  // and ends them (when destroyed first) while the context still exists.
  plugin::Registry registry(config.plugin_dir, config.runtime_dir, worker_factory(config, io));
  if (!std::filesystem::is_directory(config.plugin_dir)) {
    if (!config.plugin_dir_optional)
      throw ConfigError("LAGENTRY_PLUGIN_DIR: the plugin folder " + config.plugin_dir.string() +
                        " does not exist (set LAGENTRY_PLUGIN_DIR_OPTIONAL=true to start without plugins)");
    log::warn("plugins", "plugin folder " + config.plugin_dir.string() + " does not exist; serving without plugins");
  }
  auto report = registry.reload();
  log::info("plugins", std::to_string(report.loaded) + " plugins loaded from " + config.plugin_dir.string() +
                           (report.refused ? ", " + std::to_string(report.refused) + " refused" : ""));

  net::HttpClientOptions client_options;
  client_options.request_timeout = config.upstream_timeout;
  client_options.max_retries = config.upstream_max_retries;
  client_options.extra_ca_file = config.upstream_ca_file;
  net::OriginMap origins = net::OriginMap::parse(config.upstream_origins);
  if (!origins.empty()) log::info("upstream", "origin map: " + config.upstream_origins);
  net::HttpClient http_client(io, client_options, std::move(origins));

  oauth::EngineOptions engine_options;
  engine_options.state_ttl = config.state_ttl;
  engine_options.browser_origins = net::OriginMap::parse(config.upstream_origins);
  auto configured_providers = oauth::ProviderDirectory::load_descriptors(config.providers_dir);
  if (!configured_providers.empty())
    log::info("oauth", std::to_string(configured_providers.size()) + " configuration-only providers from " +
                           config.providers_dir.string());
  oauth::ProviderDirectory providers(registry, std::move(configured_providers));
  oauth::OAuthEngine engine(
      *database, database_work, key_ring, http_client, providers,
      [&config](const plugin::ProviderDescriptor& provider) { return client_config(provider, config); }, activity,
      engine_options);
  // Work still queued (a lease release) uses the engine's stores: finish it
  // before the engine goes, however run() ends.
  struct FinishDatabaseWork {
    store::DatabaseWork& work;
    ~FinishDatabaseWork() { work.stop(); }
  } finish_database_work{database_work};

  Router router;
  router.set_limits(config.auth_failures_per_minute, config.rate_limit_per_key);
  // Keys from memory: a revoked key stops working within 4 s (store/api_key_cache.hpp).
  // A key memory does not hold is read on the database pool.
  store::ApiKeyCache key_cache(api_keys);
  router.set_authenticator(
      [&key_cache, &database_work](std::string key) -> asio::awaitable<std::optional<Principal>> {
        std::optional<store::ApiKey> record = key_cache.fresh(key);
        if (!record) {
          std::optional<store::ApiKey> read = co_await database_work.run([&] { return key_cache.authenticate(key); });
          record = std::move(read);
        }
        if (!record) co_return std::nullopt;
        co_return Principal{record->tenant_id, record->id, record->is_operator(), record->user_email};
      });
  add_catalog_routes(router, registry, providers, config, *database, database_work, key_ring);
  add_auth_routes(router, engine, config);
  OperationServices services{engine, http_client, activity, database_work, config.validate_results};
  add_connector_routes(router, registry, services);
  add_proxy_routes(router, services, config.max_body_bytes);
  add_plugin_routes(router, registry, services);
  add_admin_routes(router, registry);
  add_activity_routes(router, *database, database_work, engine);
  add_metrics_routes(router, registry, *database, database_work, activity, config.metrics_public);
  auto explorer = std::make_shared<const ExplorerAssets>(load_explorer_assets(config.docs_dir));
  if (explorer->installed())
    log::info(kLog, "API explorer at /docs (Swagger UI from " + config.docs_dir.string() + "), OpenAPI at /openapi.json");
  else
    log::warn(kLog, "API explorer files not found in " + config.docs_dir.string() +
                        ": /docs answers 503 (run scripts/setup, then build); /openapi.json is served");
  add_docs_routes(router, registry, config, explorer);
  add_mcp_routes(router, registry, services, *database, config);
  add_connect_session_routes(router, *database, database_work, engine, config);
  web::add_connect_pages(router, *database, database_work, engine, config);
  web::add_console_pages(router, web::ConsoleServices{registry, *database, engine, config});
  web::add_site_pages(router, registry);
  // A route without documentation still appears in /openapi.json, but bare:
  // say so loudly (the api_docs tests fail on these lines).
  const auto coverage = route_doc_coverage(router);
  for (const auto& route : coverage.undocumented) log::warn("docs", "route " + route + " has no entry in builtin_routes.json");
  for (const auto& route : coverage.stale) log::warn("docs", "builtin_routes.json describes " + route + ", which the host does not serve");

  // Housekeeping (purges, webhook deliveries) runs its blocking statements on
  // a thread of its own (started below), never on the I/O threads that serve
  // connections.
  asio::io_context housekeeping_io(1);

  // Built before listening: the webhook client loads the trust store, and
  // "listening" must mean ready for SIGTERM too.
  ActivityPurger activity_purger(housekeeping_io, *database, config.activity_retention_days);
  WebhookDeliveryOptions webhook_options;
  webhook_options.retry_base = config.webhook_retry_base;
  webhook_options.max_age = config.webhook_max_age;
  webhook_options.timeout = config.webhook_timeout;
  // New events go out within a second, sooner when retries are quick (tests).
  webhook_options.poll_interval =
      std::clamp(config.webhook_retry_base, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
  webhook_options.extra_ca_file = config.upstream_ca_file;
  WebhookDelivery webhooks(housekeeping_io, *database, key_ring, webhook_options);

  // Taken over before "listening" is logged: a SIGTERM right after it (a
  // supervisor, a test) must drain, not kill the process (exit 143).
  asio::signal_set stop_signals(io, SIGINT, SIGTERM);
  asio::signal_set reload_signal(io, SIGHUP);

  const std::size_t max_connections = connection_limit(config);
  Server server(shards, router,
                ServerLimits{config.max_body_bytes, config.max_header_bytes, config.read_timeout, config.idle_timeout,
                             max_connections, config.access_log},
                CorsPolicy{config.cors_origins});
  auto endpoint = server.listen(config.host, config.port);
  if (!config.public_url_configured)  // PORT=0 binds a port only known now
    config.public_url = "http://" + endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  server.start();
  log::info(kLog, "listening on http://" + endpoint.address().to_string() + ":" + std::to_string(endpoint.port()) +
                      " (at most " + std::to_string(max_connections) + " connections)");

  PluginWatcher watcher(io, registry);
  watcher.start();
  StatePurger state_purger(housekeeping_io, *database, config.state_ttl);
  // Declared after every housekeeping task, so it stops and joins their
  // thread before any of them is destroyed, however run() ends.
  struct Housekeeping {
    asio::io_context& io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::thread thread{[this] { io.run(); }};
    ~Housekeeping() {
      io.stop();
      thread.join();
    }
  } housekeeping{housekeeping_io};
  state_purger.start();
  activity_purger.start();
  webhooks.start();

  asio::steady_timer grace_timer(io);

  std::function<void()> wait_reload = [&] {
    reload_signal.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      log::info("plugins", "SIGHUP: reloading plugins");
      registry.reload();
      wait_reload();
    });
  };
  wait_reload();

  stop_signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info(kLog, std::string(signal == SIGINT ? "SIGINT" : "SIGTERM") + ": draining " +
                        std::to_string(server.open_connections()) + " connections (grace " +
                        std::to_string(config.shutdown_grace.count()) + "s)");
    reload_signal.cancel();
    watcher.stop();
    state_purger.stop();
    activity_purger.stop();
    webhooks.stop();
    grace_timer.expires_after(config.shutdown_grace);
    grace_timer.async_wait([&](const boost::system::error_code& timer_ec) {
      if (timer_ec) return;
      log::warn(kLog, "grace period over with " + std::to_string(server.open_connections()) +
                          " connections still open; stopping");
      shards.stop();
      // A request stuck inside a plugin would keep its thread from returning:
      // do not hang the shutdown on it.
      std::thread([] {
        std::this_thread::sleep_for(std::chrono::seconds(5));
        log::error(kLog, "threads did not stop 5s after the grace period; exiting");
        std::_Exit(1);
      }).detach();
    });
    // Called on the shard whose connection closed last: the timer is shard 0's.
    server.drain([&] {
      asio::post(io, [&] {
        grace_timer.cancel();
        shards.stop();
      });
    });
  });

  // Statements sent from here on count against the I/O threads: none should be.
  shards.run([](asio::io_context& shard) {
    const store::StatementSourceScope counted_as(store::StatementSource::io_thread);
    shard.run();
  });

  activity.stop();
  log::info(kLog, "stopped (" + std::to_string(activity.written()) + " activity records written)");
  return 0;
}

}  // namespace
}  // namespace lagentry::host

int main(int argc, char** argv) {
  using namespace lagentry::host;
  Arguments args;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage_text();
      return 0;
    }
    if (arg == "--version") {
      std::cout << "lagentry-host " LAGENTRY_VERSION " (plugin ABI " << LG_ABI_VERSION_MAJOR << "." << LG_ABI_VERSION_MINOR
                << ")\n";
      return 0;
    }
    if (arg == "keys") {
      args.key_command.assign(argv + i + 1, argv + argc);
      break;
    }
    if (arg == "migrate") {
      args.migrate_command.emplace(argv + i + 1, argv + argc);
      break;
    }
    if (arg == "webhooks") {
      args.webhook_command.emplace(argv + i + 1, argv + argc);
      break;
    }
    if (arg == "mcp-stdio") return run_mcp_stdio(std::vector<std::string>(argv + i + 1, argv + argc));
    if (arg == "--env-file" && i + 1 < argc) {
      args.env_file = argv[++i];
      args.env_file_required = true;
      continue;
    }
    std::cerr << "lagentry-host: unknown argument '" << arg << "' (see --help)\n";
    return 2;
  }
  if (!args.env_file && std::filesystem::exists(".env")) args.env_file = ".env";

  Config config;
  try {
    std::error_code ec;
    auto executable = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) executable = std::filesystem::absolute(argv[0]);
    config = load_config(process_environment(), args.env_file, args.env_file_required, executable);
  } catch (const ConfigError& e) {
    std::cerr << "lagentry-host: configuration error: " << e.what() << "\n";
    return 2;
  }
  if (args.migrate_command) return run_migrate_command(config, *args.migrate_command);
  if (args.webhook_command) return run_webhook_command(config, *args.webhook_command);
  if (!args.key_command.empty() || (argc > 1 && std::string_view(argv[argc - 1]) == "keys"))
    return run_key_command(config, args.key_command);
  try {
    return run(config);
  } catch (const ConfigError& e) {
    std::cerr << "lagentry-host: configuration error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    lagentry::log::error("host", std::string("fatal: ") + lagentry::store::error_text(e));
    return 1;
  }
}
