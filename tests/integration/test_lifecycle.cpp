// Plugin refusal, SIGHUP reload, graceful shutdown and startup failures.
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"

#include <boost/test/unit_test.hpp>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using namespace lagentry::test;

BOOST_AUTO_TEST_SUITE(lifecycle)

BOOST_AUTO_TEST_CASE(bad_plugins_are_refused_and_the_host_keeps_serving) {
  HostOptions options;
  for (const char* name : {"echo_v1", "bad_abi", "bad_manifest", "init_fails", "not_a_plugin"})
    options.plugins.push_back(test_plugin(name));
  HostProcess host(options);
  HttpClient client(host.port());
  auto health = client.get("/healthz");
  BOOST_TEST(health.status == 200);
  BOOST_TEST(health.json().at("plugins").as_int64() == 1);
  BOOST_TEST(client.post_json("/api/v1/unified/echo/messages", "{}").status == 200);

  const std::string log = host.log();
  BOOST_TEST(log.find("refused bad_abi.so: not binary compatible: plugin ABI 99.0, host ABI 1.2") != std::string::npos, log);
  BOOST_TEST(log.find("refused bad_manifest.so: manifest: providers[0].oauth.token_url: not an http(s) URL") != std::string::npos);
  BOOST_TEST(log.find("init failed: missing configuration file") != std::string::npos);
  BOOST_TEST(log.find("refused init_fails.so: entry point returned NULL") != std::string::npos);
  BOOST_TEST(log.find("refused not_a_plugin.so: missing entry symbol") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sighup_reloads_a_replaced_plugin) {
  HostOptions options;
  HostProcess host(options);
  fs::copy_file(test_plugin("echo_v1"), host.plugin_dir() / "echo.so");
  HttpClient client(host.port());
  BOOST_TEST(client.post_json("/api/v1/unified/echo/messages", "{}").status == 404);  // not loaded yet

  auto wait_for_version = [&](const std::string& version) {
    for (int i = 0; i < 200; ++i) {
      auto r = client.post_json("/api/v1/unified/echo/messages", "{}");
      if (r.status == 200 && r.json().at("version").as_string() == version) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  };
  host.send_signal(SIGHUP);
  BOOST_TEST(wait_for_version("1.0.0"));
  // Replace atomically (write elsewhere, rename into place), as operators should.
  fs::copy_file(test_plugin("echo_v2"), host.dir() / "echo.so.new");
  fs::rename(host.dir() / "echo.so.new", host.plugin_dir() / "echo.so");
  host.send_signal(SIGHUP);
  BOOST_TEST(wait_for_version("2.0.0"));
  BOOST_TEST(host.log().find("unloaded echo 1.0.0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sigterm_drains_and_keeps_activity) {
  HostOptions options;
  options.plugins.push_back(test_plugin("echo_v1"));
  HostProcess host(options);
  {
    HttpClient client(host.port());
    for (int i = 0; i < 25; ++i) BOOST_REQUIRE(client.post_json("/api/v1/unified/echo/messages", "{}").status == 200);
    // An idle keep-alive connection stays open while we stop the host.
    BOOST_TEST(host.stop(SIGTERM) == 0);
  }
  const std::string log = host.log();
  BOOST_TEST(log.find("SIGTERM: draining") != std::string::npos);
  BOOST_TEST(log.find("stopped (25 activity records written)") != std::string::npos, log);

  soci::session sql(soci::sqlite3, "db=" + host.database_path().string());
  int rows = 0;
  sql << "SELECT COUNT(*) FROM activity_log WHERE provider = 'echo' AND action = 'echo.post'", soci::into(rows);
  BOOST_TEST(rows == 25);
}

// A DATABASE_PATH in a folder that does not exist is a typo: the host used to
// create the folders (as root, too) and start on an empty database.
BOOST_AUTO_TEST_CASE(unusable_database_stops_startup_with_a_clear_message) {
  auto [code, output] = run_host_command({}, {{"DATABASE_PATH", "/proc/lagentry/cannot/exist.db"},
                                              {"PORT", "0"},
                                              {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}});
  BOOST_TEST(code == 2);
  BOOST_TEST(output.find("DATABASE_PATH") != std::string::npos, output);
  BOOST_TEST(output.find("/proc/lagentry/cannot") != std::string::npos, output);

  fs::path dir = make_temp_dir("lagentry-nodir");
  auto [missing, said] = run_host_command({}, {{"DATABASE_PATH", (dir / "not" / "here.db").string()},
                                               {"PORT", "0"},
                                               {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}});
  BOOST_TEST(missing == 2);
  BOOST_TEST(said.find("does not exist") != std::string::npos, said);
  BOOST_TEST(!fs::exists(dir / "not"));
  fs::remove_all(dir);
}

// A wrong LAGENTRY_ENCRYPTION_KEY on an existing database used to start and
// then fail every call with token_decrypt_failed.
BOOST_AUTO_TEST_CASE(a_wrong_encryption_key_stops_startup_and_an_old_one_is_accepted) {
  fs::path dir = make_temp_dir("lagentry-wrongkey");
  {
    HostProcess first;  // creates the database and its check value with the test key
    BOOST_REQUIRE_EQUAL(first.stop(), 0);  // a clean close folds the WAL into the file
    fs::copy_file(first.database_path(), dir / "x.db");
  }
  const std::string other_key = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
  auto [code, output] = run_host_command({}, {{"DATABASE_PATH", (dir / "x.db").string()},
                                              {"PORT", "0"},
                                              {"LAGENTRY_PLUGIN_DIR_OPTIONAL", "true"},
                                              {"LAGENTRY_ENCRYPTION_KEY", other_key}});
  BOOST_TEST(code == 2);
  BOOST_TEST(output.find("LAGENTRY_ENCRYPTION_KEY does not open this database") != std::string::npos, output);

  HostOptions options;
  options.environment = {{"DATABASE_PATH", (dir / "x.db").string()},
                         {"LAGENTRY_ENCRYPTION_KEY", other_key},
                         {"LAGENTRY_ENCRYPTION_KEYS_OLD", kTestEncryptionKey}};
  HostProcess rotated(options);
  BOOST_TEST(rotated.log().find("encryption check value re-sealed with the current key") != std::string::npos, rotated.log());
  HttpClient client(rotated.port());
  BOOST_TEST(client.get("/readyz").status == 200);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_missing_plugin_folder_stops_startup_unless_allowed) {
  fs::path dir = make_temp_dir("lagentry-noplugins");
  auto [code, output] = run_host_command({}, {{"DATABASE_PATH", (dir / "x.db").string()},
                                              {"PORT", "0"},
                                              {"LAGENTRY_PLUGIN_DIR", (dir / "missing").string()},
                                              {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}});
  BOOST_TEST(code == 2);
  BOOST_TEST(output.find("LAGENTRY_PLUGIN_DIR") != std::string::npos, output);

  HostOptions options;
  options.environment = {{"LAGENTRY_PLUGIN_DIR", (dir / "missing").string()}, {"LAGENTRY_PLUGIN_DIR_OPTIONAL", "true"}};
  HostProcess host(options);
  HttpClient client(host.port());
  client.set_bearer("");
  BOOST_TEST(client.get("/healthz").status == 200);  // alive
  auto ready = client.get("/readyz");                // but not ready
  BOOST_TEST(ready.status == 503);
  BOOST_TEST(ready.json().at("checks").at("plugins").as_string().find("missing") != std::string::npos, ready.body);
  BOOST_TEST(ready.json().at("checks").at("database").as_string() == "ok");
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(readyz_is_ready_when_every_check_passes) {
  HostOptions options;
  options.plugins = {product_plugin_dir() / "slack.so"};
  HostProcess host(options);
  HttpClient client(host.port());
  client.set_bearer("");
  auto ready = client.get("/readyz");
  BOOST_TEST(ready.status == 200, ready.body);
  for (const char* check : {"database", "schema", "encryption_key", "plugins"})
    BOOST_TEST(ready.json().at("checks").at(check).as_string() == "ok", check);
}

// Readiness follows the database while the host runs: a schema a newer host
// migrated to, or a check value this key cannot open, turn it 503, and it
// recovers when they are put right.
BOOST_AUTO_TEST_CASE(readyz_follows_the_database_while_the_host_runs) {
  HostOptions options;
  options.plugins = {product_plugin_dir() / "slack.so"};
  HostProcess host(options);
  HttpClient client(host.port());
  client.set_bearer("");
  BOOST_REQUIRE_EQUAL(client.get("/readyz").status, 200);
  soci::session sql(soci::sqlite3, host.database_path().string());
  sql << "PRAGMA busy_timeout = 5000";

  sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from a newer host', 0)";
  auto ahead = client.get("/readyz");
  BOOST_TEST(ahead.status == 503);
  BOOST_TEST(ahead.json().at("checks").at("schema").as_string().find("schema version 9999") == 0u, ahead.body);
  BOOST_TEST(ahead.json().at("checks").at("database").as_string() == "ok");
  sql << "DELETE FROM schema_migrations WHERE version = 9999";
  BOOST_TEST(client.get("/readyz").status == 200);

  std::string sealed;
  sql << "SELECT value FROM host_settings", soci::into(sealed);
  sql << "UPDATE host_settings SET value = 'not what this key sealed'";
  auto wrong = client.get("/readyz");
  BOOST_TEST(wrong.status == 503);
  BOOST_TEST(wrong.json().at("checks").at("encryption_key").as_string() != "ok", wrong.body);
  sql << "UPDATE host_settings SET value = :v", soci::use(sealed);
  BOOST_TEST(client.get("/readyz").status == 200);
}

BOOST_AUTO_TEST_CASE(migrate_lists_then_applies_pending_migrations) {
  fs::path dir = make_temp_dir("lagentry-migrate");
  const std::map<std::string, std::string> env{{"DATABASE_PATH", (dir / "x.db").string()}};
  auto [missing, none] = run_host_command({"migrate", "--dry-run"}, env);
  BOOST_TEST(missing == 1);
  BOOST_TEST(none.find("no database at") != std::string::npos, none);

  std::ofstream(dir / "x.db").close();  // an empty database, as before the first start
  auto [dry_code, dry] = run_host_command({"migrate", "--dry-run"}, env);
  BOOST_TEST(dry_code == 0, dry);
  BOOST_TEST(dry.find("schema version 0") != std::string::npos, dry);
  BOOST_TEST(dry.find("would apply 1: initial schema") != std::string::npos, dry);
  auto [again_code, again] = run_host_command({"migrate", "--dry-run"}, env);
  BOOST_TEST(again.find("would apply 1") != std::string::npos);  // a dry run changes nothing

  auto [code, applied] = run_host_command({"migrate"}, env);
  BOOST_TEST(code == 0, applied);
  BOOST_TEST(applied.find("applying 1: initial schema") != std::string::npos, applied);
  BOOST_TEST(applied.find("now at schema version") != std::string::npos, applied);
  auto [done_code, done] = run_host_command({"migrate"}, env);
  BOOST_TEST(done.find("up to date") != std::string::npos, done);
  BOOST_TEST(run_host_command({"migrate", "--force"}, env).first == 2);
  fs::remove_all(dir);
}

// Every run used to leave an empty /tmp/lagentry-host-<pid> behind.
BOOST_AUTO_TEST_CASE(the_private_runtime_folder_goes_with_the_host) {
  fs::path tmp = make_temp_dir("lagentry-xdg");
  HostOptions options;
  options.plugins = {product_plugin_dir() / "slack.so"};
  options.environment = {{"LAGENTRY_RUNTIME_DIR", ""}, {"XDG_RUNTIME_DIR", tmp.string()}};
  HostProcess host(options);
  const fs::path runtime = tmp / ("lagentry-host-" + std::to_string(host.pid()));
  BOOST_REQUIRE_MESSAGE(fs::is_directory(runtime), runtime.string() + " holds the plugin copies while the host runs");
  BOOST_TEST(host.stop() == 0);
  BOOST_TEST(!fs::exists(runtime));
  fs::remove_all(tmp);
}

// `keys list` in an empty folder used to create oauth_tokens.db there.
BOOST_AUTO_TEST_CASE(key_commands_never_create_a_database) {
  fs::path dir = make_temp_dir("lagentry-keys");
  auto [code, output] = run_host_command({"keys", "list"}, {{"DATABASE_PATH", (dir / "oauth_tokens.db").string()}});
  BOOST_TEST(code == 1);
  BOOST_TEST(output.find("no database at") != std::string::npos, output);
  BOOST_TEST(!fs::exists(dir / "oauth_tokens.db"));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(no_encryption_key_refuses_to_start_unless_a_dev_key_is_wanted) {
  fs::path dir = make_temp_dir("lagentry-key");
  auto [code, output] = run_host_command({}, {{"DATABASE_PATH", (dir / "x.db").string()}, {"PORT", "0"}});
  BOOST_TEST(code == 2);
  BOOST_TEST(output.find("LAGENTRY_ENCRYPTION_KEY is not set") != std::string::npos, output);
  BOOST_TEST(!fs::exists(dir / "x.db"));

  auto [bad_code, bad] = run_host_command({}, {{"LAGENTRY_ENCRYPTION_KEY", "c2hvcnQ="}});
  BOOST_TEST(bad_code == 2);
  BOOST_TEST(bad.find("LAGENTRY_ENCRYPTION_KEY: must be 32 bytes") != std::string::npos, bad);

  HostOptions options;
  options.environment = {{"LAGENTRY_ENCRYPTION_KEY", ""}, {"LAGENTRY_CREATE_DEV_KEY", "true"}};
  HostProcess host(options);
  const fs::path key_file = host.database_path().parent_path() / "lagentry-dev.key";
  BOOST_REQUIRE(fs::exists(key_file));
  BOOST_TEST(((fs::status(key_file).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none));
  BOOST_TEST(host.log().find("created development encryption key") != std::string::npos);
  fs::remove_all(dir);
}

// Regression: the harness passed only PATH to the hosts it started, so a
// sanitizer build's options never reached them and their reports were lost.
BOOST_AUTO_TEST_CASE(hosts_started_by_tests_inherit_the_sanitizer_options) {
  const char* existing = std::getenv("UBSAN_OPTIONS");
  const std::string options = existing ? existing : "print_stacktrace=1";
  if (!existing) ::setenv("UBSAN_OPTIONS", options.c_str(), 1);
  HostProcess host;
  std::ifstream in("/proc/" + std::to_string(host.pid()) + "/environ", std::ios::binary);
  const std::string environment((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!existing) ::unsetenv("UBSAN_OPTIONS");
  BOOST_TEST(environment.find(std::string("UBSAN_OPTIONS=") + options + '\0') != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
