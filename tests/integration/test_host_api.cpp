// The real lagentry-host with the shipped plugins and the echo test plugin:
// catalog endpoints, plugin routes, upstream fetches, CORS, CLI.
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace lagentry::test;

namespace {
HostProcess& shared_host() {
  static HostProcess host([] {
    HostOptions options;
    for (const char* p : {"google", "slack", "atlassian"}) options.plugins.push_back(product_plugin_dir() / (std::string(p) + ".so"));
    options.plugins.push_back(test_plugin("echo_v1"));
    options.environment = {{"GOOGLE_CLIENT_ID", "google-id"},
                           {"GOOGLE_CLIENT_SECRET", "google-very-secret-value"},
                           {"CORS_ORIGINS", "http://app.test"}};
    return options;
  }());
  return host;
}

const json::object* find_by(const json::array& items, const std::string& key, const std::string& value) {
  for (const auto& item : items)
    if (item.as_object().at(key).as_string() == value) return &item.as_object();
  return nullptr;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(host_api)

BOOST_AUTO_TEST_CASE(healthz_reports_ok_and_plugin_count) {
  HttpClient client(shared_host().port());
  auto r = client.get("/healthz");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.header("content-type") == "application/json");
  auto body = r.json();
  BOOST_TEST(body.at("status").as_string() == "ok");
  BOOST_TEST(body.at("database").as_string() == "ok");
  BOOST_TEST(body.at("plugins").as_int64() == 4);
}

BOOST_AUTO_TEST_CASE(providers_come_from_manifests_with_configured_flag) {
  HttpClient client(shared_host().port());
  auto r = client.get("/api/v1/unified/auth/providers");
  BOOST_REQUIRE(r.status == 200);
  const auto body = r.json();
  const auto& providers = body.at("providers").as_array();
  for (const char* name : {"google", "slack", "atlassian", "bitbucket", "echo"})
    BOOST_TEST(find_by(providers, "name", name) != nullptr, name);
  BOOST_TEST(find_by(providers, "name", "google")->at("configured").as_bool());
  BOOST_TEST(!find_by(providers, "name", "slack")->at("configured").as_bool());
  BOOST_TEST(find_by(providers, "name", "bitbucket")->at("plugin").as_string() == "atlassian");
  BOOST_TEST(find_by(providers, "name", "google")->at("oauth").at("token_url").as_string() ==
             "https://oauth2.googleapis.com/token");
  // Configuration values never leak into responses.
  BOOST_TEST(r.body.find("google-very-secret-value") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(connectors_and_capabilities) {
  HttpClient client(shared_host().port());
  auto list = client.get("/api/v1/unified/connectors");
  BOOST_REQUIRE(list.status == 200);
  const auto list_body = list.json();
  const auto* notes = find_by(list_body.at("connectors").as_array(), "name", "echo-notes");
  BOOST_REQUIRE(notes);
  BOOST_TEST(notes->at("provider").as_string() == "echo");
  BOOST_TEST(notes->at("operations").as_array().size() == 2u);
  BOOST_TEST(notes->at("plugin_version").as_string() == "1.0.0");

  for (const char* name : {"echo", "echo-notes"}) {
    auto caps = client.get(std::string("/api/v1/unified/connectors/") + name + "/capabilities");
    BOOST_REQUIRE_MESSAGE(caps.status == 200, caps.body);
    auto body = caps.json();
    BOOST_TEST(body.at("provider").as_string() == "echo");
    BOOST_TEST(body.at("connectors").as_array().size() == 1u);
    BOOST_TEST(find_by(body.at("routes").as_array(), "path", "/api/v1/unified/echo/messages") != nullptr);
  }
  auto google = client.get("/api/v1/unified/connectors/google/capabilities");
  BOOST_TEST(google.status == 200);
  BOOST_TEST(google.json().at("plugin").as_string() == "google");

  auto unknown = client.get("/api/v1/unified/connectors/nope/capabilities");
  BOOST_TEST(unknown.status == 404);
  BOOST_TEST(unknown.error_code() == "unknown_connector");
}

// The original API named connectors by provider (/connectors/jira/items):
// those paths answered 404 unknown_connector.
BOOST_AUTO_TEST_CASE(connector_aliases_serve_the_original_api_paths) {
  HttpClient client(shared_host().port());
  for (const char* alias : {"jira", "confluence", "bitbucket", "slack"}) {
    auto r = client.get(std::string("/api/v1/unified/connectors/") + alias + "/items");
    BOOST_TEST(r.status == 400, alias << ": " << r.body);  // reached the connector: a parameter is missing
    BOOST_TEST(r.error_code() == "invalid_request", alias);
  }
  auto list = client.get("/api/v1/unified/connectors").json();
  const auto& connectors = list.at("connectors").as_array();
  const auto* jira = find_by(connectors, "name", "jira-issues");
  BOOST_REQUIRE(jira);
  BOOST_TEST(jira->at("aliases").at(0).as_string() == "jira");
  BOOST_TEST(find_by(connectors, "name", "jira") == nullptr);  // listed once, under its own name
  auto by_alias = client.get("/api/v1/unified/connectors/jira/capabilities").json();
  BOOST_TEST(by_alias.at("connectors").as_array().size() == 1u);
  BOOST_TEST(by_alias.at("connectors").at(0).at("name").as_string() == "jira-issues");
  auto provider = client.get("/api/v1/unified/connectors/slack/capabilities").json();  // a provider first
  BOOST_TEST(provider.at("connectors").as_array().size() == 3u);
}

BOOST_AUTO_TEST_CASE(plugin_routes_run_plugin_operations) {
  HttpClient client(shared_host().port());
  auto r = client.post_json("/api/v1/unified/echo/messages?tag=a%20b", R"({"text":"hello","n":[1,2]})");
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  auto body = r.json();
  BOOST_TEST(body.at("version").as_string() == "1.0.0");
  BOOST_TEST(body.at("input").at("body").at("text").as_string() == "hello");
  BOOST_TEST(body.at("input").at("params").at("tag").as_string() == "a b");

  auto item = client.get("/api/v1/unified/echo/items/it%20em-7");
  BOOST_REQUIRE(item.status == 200);
  BOOST_TEST(item.json().at("input").at("params").at("id").as_string() == "it em-7");

  auto failing = client.get("/api/v1/unified/echo/fail", {{"X-Request-Id", "echo-fails-1"}});
  BOOST_TEST(failing.status == 502);
  BOOST_TEST(failing.error_code() == "plugin_error");
  // What the plugin logs itself names the request, like the host's own lines.
  BOOST_TEST(shared_host().log().find("echo is about to fail on purpose request_id=echo-fails-1") != std::string::npos,
             shared_host().log());
}

// A plugin route whose operation calls the provider as the user, asked
// without user_email: 400 naming the parameter, as a connector route answers
// (it was 502 plugin_error, "not one of the provider's api_origins").
BOOST_AUTO_TEST_CASE(a_plugin_route_that_needs_a_user_says_so) {
  HttpClient client(shared_host().port());
  auto r = client.get("/api/v1/unified/gmail/labels");
  BOOST_TEST(r.status == 400, r.body);
  BOOST_TEST(r.error_code() == "invalid_request");
  BOOST_TEST(r.body.find("user_email is required") != std::string::npos, r.body);
  BOOST_TEST(r.json().at("error").at("details").at("pointer").as_string() == "/user_email");
}

BOOST_AUTO_TEST_CASE(plugin_fetches_go_through_the_host) {
  HttpClient client(shared_host().port());
  const std::string upstream = "http://127.0.0.1:" + std::to_string(shared_host().port()) + "/healthz";
  auto r = client.get("/api/v1/unified/echo/upstream?url=" + upstream);
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  const auto body = r.json();
  const auto& responses = body.at("responses").as_array();
  BOOST_REQUIRE_EQUAL(responses.size(), 2u);
  for (const auto& response : responses) {
    BOOST_TEST(response.at("status").as_int64() == 200);
    BOOST_TEST(json::parse(response.at("body").as_string()).at("status").as_string() == "ok");
  }
  // A refused connection comes back to the plugin as a transport error, not a crash.
  auto refused = client.get("/api/v1/unified/echo/upstream?url=http://127.0.0.1:1/x");
  BOOST_REQUIRE(refused.status == 200);
  BOOST_TEST(refused.json().at("responses").at(0).at("status").as_int64() == 0);
  BOOST_TEST(!refused.json().at("responses").at(0).at("error").as_string().empty());
}

BOOST_AUTO_TEST_CASE(cors_for_allowed_origins_only) {
  HttpClient client(shared_host().port());
  auto allowed = client.get("/healthz", {{"Origin", "http://app.test"}});
  BOOST_TEST(allowed.header("access-control-allow-origin") == "http://app.test");
  auto other = client.get("/healthz", {{"Origin", "http://evil.test"}});
  BOOST_TEST(other.header("access-control-allow-origin").empty());
  auto preflight = client.request("OPTIONS", "/api/v1/unified/connectors",
                                  {}, {{"Origin", "http://app.test"}, {"Access-Control-Request-Method", "GET"}});
  BOOST_TEST(preflight.status == 204);
  BOOST_TEST(preflight.header("access-control-allow-methods").find("GET") != std::string::npos);
  auto refused = client.request("OPTIONS", "/api/v1/unified/connectors", {}, {{"Origin", "http://evil.test"}});
  BOOST_TEST(refused.status == 403);
}

BOOST_AUTO_TEST_CASE(startup_logs_name_what_was_loaded) {
  auto log = shared_host().log();
  BOOST_TEST(log.find("loaded echo 1.0.0") != std::string::npos);
  BOOST_TEST(log.find("schema version") != std::string::npos);
  BOOST_TEST(log.find("google-very-secret-value") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(command_line) {
  auto [help_code, help] = run_host_command({"--help"});
  BOOST_TEST(help_code == 0);
  BOOST_TEST(help.find("DATABASE_PATH") != std::string::npos);
  BOOST_TEST(help.find("LAGENTRY_PLUGIN_DIR") != std::string::npos);
  auto [version_code, version] = run_host_command({"--version"});
  BOOST_TEST(version_code == 0);
  BOOST_TEST(version.find("lagentry-host 0.") == 0u);
  auto [bad_code, bad] = run_host_command({}, {{"PORT", "not-a-port"}});
  BOOST_TEST(bad_code == 2);
  BOOST_TEST(bad.find("PORT") != std::string::npos);
  auto [arg_code, arg] = run_host_command({"--frobnicate"});
  BOOST_TEST(arg_code == 2);
  BOOST_TEST(arg.find("--frobnicate") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
