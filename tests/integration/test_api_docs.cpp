// The API describes itself: /openapi.json covers every route the real host
// serves (and nothing it does not), passes a standard OpenAPI linter
// (@redocly/cli, pinned in scripts/node), follows hot reloads; /docs works in
// a real browser (Debian's chromium via puppeteer-core); capabilities carry
// the operations' schemas; and inputs are checked against them before any
// plugin or connection is touched.
#include "tests/support/command.hpp"
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <set>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace lagentry::test;

namespace {

const fs::path kNodeModules = fs::path(LAGENTRY_SOURCE_DIR) / "scripts" / "node" / "node_modules";

HostOptions docs_host() {
  HostOptions options;
  for (const char* p : {"google", "slack", "atlassian"}) options.plugins.push_back(product_plugin_dir() / (std::string(p) + ".so"));
  options.plugins.push_back(test_plugin("echo_v1"));
  return options;
}

HostProcess& shared_docs_host() {
  static HostProcess host(docs_host());
  return host;
}

json::object openapi(HostProcess& host) {
  HttpClient client(host.port());
  client.set_bearer("");  // no key needed
  auto r = client.get("/openapi.json");
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  BOOST_TEST(r.header("content-type") == "application/json");
  return r.json().as_object();
}

bool has_operation(const json::object& doc, const std::string& path, const std::string& method) {
  const auto* item = doc.at("paths").as_object().if_contains(path);
  return item && item->as_object().contains(method);
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "/a/{x}/b" with every template filled in.
std::string filled(const std::string& path) {
  std::string out;
  bool in_template = false;
  for (char c : path) {
    if (c == '{') in_template = true, out += "x1";
    else if (c == '}') in_template = false;
    else if (!in_template) out += c;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_docs)

BOOST_AUTO_TEST_CASE(openapi_describes_every_route_the_host_serves) {
  HostProcess& host = shared_docs_host();
  const json::object doc = openapi(host);
  BOOST_TEST(doc.at("openapi").as_string() == "3.1.0");
  // Every fixed route of the router has its documentation entry: the host
  // says so at startup for any that does not.
  BOOST_TEST(host.log().find("has no entry in builtin_routes.json") == std::string::npos, host.log());
  BOOST_TEST(host.log().find("builtin_routes.json describes") == std::string::npos, host.log());

  // Every verb of every loaded connector, and every plugin route.
  HttpClient client(host.port());
  auto connectors = client.get("/api/v1/unified/connectors").json();
  int verbs = 0;
  for (const auto& c : connectors.at("connectors").as_array()) {
    for (const auto& e : c.at("endpoints").as_array()) {
      ++verbs;
      BOOST_TEST(has_operation(doc, std::string(e.at("path").as_string()), lower(std::string(e.at("method").as_string()))),
                 e.at("path").as_string());
    }
  }
  BOOST_TEST(verbs >= 40);
  for (const char* provider : {"google", "slack", "atlassian", "bitbucket", "echo"}) {
    auto capabilities = client.get(std::string("/api/v1/unified/connectors/") + provider + "/capabilities").json();
    for (const auto& r : capabilities.at("routes").as_array())
      BOOST_TEST(has_operation(doc, std::string(r.at("path").as_string()), lower(std::string(r.at("method").as_string()))),
                 r.at("path").as_string());
  }
  BOOST_TEST(has_operation(doc, "/api/v1/unified/gmail/labels", "get"));
  BOOST_TEST(has_operation(doc, "/api/v1/unified/slack/channels/{id}/messages", "post"));

  // And nothing the host does not serve: each documented method and path,
  // requested with dummy values, reaches a handler (never 404 not_found or
  // 405 method_not_allowed). Without user_email nothing reaches a provider.
  int requested = 0;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      const std::string target = filled(std::string(path));
      std::string upper = std::string(method);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto r = client.request(upper, target, upper == "GET" || upper == "DELETE" ? "" : "{}",
                              {{"Content-Type", "application/json"}});
      ++requested;
      const bool no_such_endpoint = r.status == 404 && r.error_code() == "not_found" &&
                                    r.json().at("error").at("message").as_string() == "no such endpoint";
      BOOST_TEST(!no_such_endpoint, upper << " " << target << ": " << r.body);
      BOOST_TEST(r.status != 405, upper << " " << target << ": " << r.body);
      BOOST_TEST(operation.as_object().contains("summary"), upper << " " << path);
    }
  }
  BOOST_TEST(requested >= 70);
}

BOOST_AUTO_TEST_CASE(openapi_passes_the_redocly_linter) {
  HostProcess& host = shared_docs_host();
  const fs::path file = host.dir() / "openapi.json";
  std::ofstream(file) << json::serialize(openapi(host));
  BOOST_REQUIRE_MESSAGE(fs::exists(kNodeModules / ".bin" / "redocly"), "scripts/setup installs @redocly/cli");
  const auto lint = run_command("cd " + shell_quote(host.dir().string()) +
                                " && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true " +
                                shell_quote((kNodeModules / ".bin" / "redocly").string()) +
                                " lint --format=stylish openapi.json 2>&1");
  BOOST_TEST_MESSAGE(lint.output);
  BOOST_TEST(lint.exit_code == 0, lint.output);
  BOOST_TEST(lint.output.find("Your API description is valid") != std::string::npos, lint.output);
  // The recommended rules' warnings count too ("You have 3 warnings.").
  BOOST_TEST(lint.output.find("You have ") == std::string::npos, lint.output);
}

BOOST_AUTO_TEST_CASE(openapi_follows_hot_reloads) {
  HostOptions options = docs_host();
  options.plugins = {product_plugin_dir() / "slack.so"};
  HostProcess host(options);
  BOOST_TEST(!has_operation(openapi(host), "/api/v1/unified/echo/messages", "post"));
  fs::copy_file(test_plugin("echo_v1"), host.plugin_dir() / "echo.so");
  HttpClient client(host.port());
  BOOST_REQUIRE(client.post_json("/admin/plugins/reload", "").status == 200);
  const json::object doc = openapi(host);
  BOOST_TEST(has_operation(doc, "/api/v1/unified/echo/messages", "post"));
  BOOST_TEST(has_operation(doc, "/api/v1/unified/connectors/echo-notes/items", "get"));
  fs::remove(host.plugin_dir() / "echo.so");
  BOOST_REQUIRE(client.post_json("/admin/plugins/reload", "").status == 200);
  BOOST_TEST(!has_operation(openapi(host), "/api/v1/unified/echo/messages", "post"));
}

BOOST_AUTO_TEST_CASE(docs_page_works_in_a_real_browser) {
  HostProcess& host = shared_docs_host();
  BOOST_REQUIRE_MESSAGE(fs::exists(kNodeModules / "puppeteer-core"), "scripts/setup installs puppeteer-core");
  const auto run = run_command("node " + shell_quote(std::string(LAGENTRY_SOURCE_DIR) + "/tests/browser/docs_page.mjs") + " " +
                               shell_quote(kNodeModules.string()) + " http://127.0.0.1:" + std::to_string(host.port()) +
                               " " + shell_quote(kTestApiKey) + " 2>&1");
  BOOST_TEST_MESSAGE(run.output);
  BOOST_TEST(run.exit_code == 0, run.output);
  BOOST_TEST(run.output.find("docs page: ok") != std::string::npos, run.output);
}

BOOST_AUTO_TEST_CASE(docs_files_are_served_from_the_host_under_a_strict_policy) {
  HttpClient client(shared_docs_host().port());
  client.set_bearer("");
  auto page = client.get("/docs");
  BOOST_REQUIRE_MESSAGE(page.status == 200, page.body);
  BOOST_TEST(page.header("content-type") == "text/html; charset=utf-8");
  const std::string policy = page.header("content-security-policy");
  BOOST_TEST(policy.find("default-src 'none'") != std::string::npos);
  BOOST_TEST(policy.find("script-src 'self';") != std::string::npos);
  BOOST_TEST(page.body.find("http") == std::string::npos, "the page names no other origin");
  auto bundle = client.get("/docs/swagger-ui-bundle.js");
  BOOST_TEST(bundle.status == 200);
  BOOST_TEST(bundle.header("content-type") == "text/javascript; charset=utf-8");
  BOOST_TEST(bundle.body.size() > 100000u);
  BOOST_TEST(client.get("/docs/explorer.js").body.find("/openapi.json") != std::string::npos);
  BOOST_TEST(client.get("/docs/package.json").status == 404);
  BOOST_TEST(client.get("/docs/swagger-ui-bundle.js.map").status == 404);
  BOOST_TEST(client.get("/docs/%2e%2e").status == 400);
}

BOOST_AUTO_TEST_CASE(capabilities_carry_each_operations_schemas) {
  HttpClient client(shared_docs_host().port());
  auto caps = client.get("/api/v1/unified/connectors/slack-messages/capabilities").json();
  const auto& connector = caps.at("connectors").at(0).as_object();
  const json::object* list = nullptr;
  for (const auto& e : connector.at("endpoints").as_array())
    if (e.at("verb").as_string() == "list") list = &e.as_object();
  BOOST_REQUIRE(list);
  BOOST_TEST(list->at("method").as_string() == "GET");
  BOOST_TEST(list->at("path").as_string() == "/api/v1/unified/connectors/slack-messages/items");
  const auto& required = list->at("params").at("required").as_array();
  BOOST_TEST((std::find(required.begin(), required.end(), json::value("channel")) != required.end()));
  BOOST_TEST(list->at("result").at("$ref").as_string() == "#/$defs/MessagePage");
  BOOST_TEST(list->at("annotations").at("read_only").as_bool());
  BOOST_TEST(!list->at("description").as_string().empty());
  auto routes = client.get("/api/v1/unified/connectors/google/capabilities").json().at("routes").as_array();
  BOOST_TEST(routes.size() == 3u);
  for (const auto& r : routes) BOOST_TEST(r.as_object().contains("params"));
}

BOOST_AUTO_TEST_CASE(inputs_are_checked_before_any_connection_or_plugin) {
  HttpClient client(shared_docs_host().port());
  // alice has no Slack connection: without the schema check this would be 404 not_connected.
  auto r = client.get("/api/v1/unified/connectors/slack-messages/items?user_email=alice@example.com");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.error_code() == "invalid_request");
  const auto details = r.json().at("error").at("details");
  BOOST_TEST(details.at("in").as_string() == "query");
  BOOST_TEST(details.at("pointer").as_string() == "/channel");
  BOOST_TEST(details.at("keyword").as_string() == "required");
  BOOST_TEST(r.json().at("error").at("message").as_string() == "query parameter 'channel' is required");

  auto limit = client.get("/api/v1/unified/connectors/gmail/items?user_email=alice@example.com&limit=1001");
  BOOST_TEST(limit.status == 400);
  BOOST_TEST(limit.json().at("error").at("details").at("pointer").as_string() == "/limit");

  auto body = client.post_json("/api/v1/unified/gmail/send?user_email=alice@example.com", R"({"to": 5, "subject": "x"})");
  BOOST_TEST(body.status == 400);
  BOOST_TEST(body.json().at("error").at("details").at("in").as_string() == "body");
  BOOST_TEST(body.json().at("error").at("details").at("pointer").as_string() == "/to");

  // Valid input gets past the check (and then finds no connection).
  auto valid = client.get("/api/v1/unified/connectors/slack-messages/items?user_email=alice@example.com&channel=C1");
  BOOST_TEST(valid.error_code() == "not_connected");
}

BOOST_AUTO_TEST_SUITE_END()
