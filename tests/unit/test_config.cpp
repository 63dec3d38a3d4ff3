// .env parsing and config validation.
#include "host/config/config.hpp"
#include "host/config/dotenv.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace lagentry::host;

namespace {
Config load(const std::map<std::string, std::string>& env) { return load_config(env, std::nullopt, false, "/opt/lagentry/bin/lagentry-host"); }

std::string error_for(const std::map<std::string, std::string>& env) {
  try {
    load(env);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return {};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(dotenv_parses_quotes_comments_and_export) {
  auto r = parse_dotenv("# comment\nPORT=9000\nexport HOST=0.0.0.0\nA=\"x # y\"\nB='q'\nC=v # trailing\n\nEMPTY=\n");
  BOOST_TEST(r.error.empty());
  BOOST_TEST(r.values["PORT"] == "9000");
  BOOST_TEST(r.values["HOST"] == "0.0.0.0");
  BOOST_TEST(r.values["A"] == "x # y");
  BOOST_TEST(r.values["B"] == "q");
  BOOST_TEST(r.values["C"] == "v");
  BOOST_TEST(r.values["EMPTY"] == "");
  BOOST_TEST(parse_dotenv("OK=1\nthis is not a setting\n").error == "line 2: expected KEY=value");
}

BOOST_AUTO_TEST_CASE(defaults_match_the_seed) {
  Config c = load({});
  BOOST_TEST(c.host == "127.0.0.1");
  BOOST_TEST(c.port == 8081);
  BOOST_TEST(c.database_path == "oauth_tokens.db");
  BOOST_TEST(!c.debug);
  BOOST_TEST(c.plugin_dir == "/opt/lagentry/lib/lagentry/plugins");
}

BOOST_AUTO_TEST_CASE(seed_variables_are_read) {
  Config c = load({{"HOST", "0.0.0.0"}, {"PORT", "9090"}, {"DEBUG", "true"}, {"DATABASE_PATH", "/tmp/x.db"},
                   {"CORS_ORIGINS", "http://a.test, http://b.test"}, {"GOOGLE_CLIENT_ID", "id"}});
  BOOST_TEST(c.host == "0.0.0.0");
  BOOST_TEST(c.port == 9090);
  BOOST_TEST(c.debug);
  BOOST_TEST(c.log_level == "debug");
  BOOST_TEST(c.database_path == "/tmp/x.db");
  BOOST_REQUIRE_EQUAL(c.cors_origins.size(), 2u);
  BOOST_TEST(c.cors_origins[1] == "http://b.test");
  BOOST_TEST(c.variable("GOOGLE_CLIENT_ID").value() == "id");
}

BOOST_AUTO_TEST_CASE(bad_settings_name_the_variable) {
  BOOST_TEST(error_for({{"PORT", "eighty"}}).find("PORT") == 0u);
  BOOST_TEST(error_for({{"PORT", "70000"}}).find("PORT") == 0u);
  BOOST_TEST(error_for({{"DEBUG", "maybe"}}).find("DEBUG") == 0u);
  BOOST_TEST(error_for({{"LAGENTRY_THREADS", "0"}}).find("LAGENTRY_THREADS") == 0u);
  BOOST_TEST(error_for({{"DATABASE_URL", "mysql://x"}}).find("DATABASE_URL") == 0u);
  BOOST_TEST(error_for({{"LAGENTRY_LOG_LEVEL", "loud"}}).find("LAGENTRY_LOG_LEVEL") == 0u);
  // Allow-list entries are URLs (issue #11), checked at start.
  BOOST_TEST(error_for({{"LAGENTRY_REDIRECT_ALLOWLIST", "app.example.com"}}).find("LAGENTRY_REDIRECT_ALLOWLIST") == 0u);
  BOOST_TEST(error_for({{"LAGENTRY_REDIRECT_ALLOWLIST", "https://a.test/?x=1"}}).find("LAGENTRY_REDIRECT_ALLOWLIST") == 0u);
  BOOST_TEST(error_for({{"LAGENTRY_REDIRECT_ALLOWLIST", "https://a.test/app, https://b.test"}}).empty());
}

BOOST_AUTO_TEST_CASE(environment_wins_over_env_file) {
  auto file = std::filesystem::temp_directory_path() / "lagentry-config-test.env";
  { std::ofstream(file) << "PORT=7000\nHOST=10.0.0.1\n"; }
  Config c = load_config({{"PORT", "7001"}}, file, true, "/x/bin/h");
  BOOST_TEST(c.port == 7001);
  BOOST_TEST(c.host == "10.0.0.1");
  std::filesystem::remove(file);
  BOOST_CHECK_THROW(load_config({}, file, true, "/x/bin/h"), ConfigError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(config_example)

// config/env.example is documentation users copy: it must load as-is.
BOOST_AUTO_TEST_CASE(env_example_loads) {
  Config c = load_config({}, std::filesystem::path(LAGENTRY_SOURCE_DIR) / "config" / "env.example", true, "/x/bin/h");
  BOOST_TEST(c.port == 8081);
  BOOST_TEST(c.database_path == "oauth_tokens.db");
  BOOST_TEST(c.variable("GOOGLE_REDIRECT_URI").value() == "http://127.0.0.1:8081/auth/google/callback");
}

BOOST_AUTO_TEST_SUITE_END()
