// What an operator sees of each request: an X-Request-Id (the client's, when
// sane), one access line per request with the route template and never the
// query, and activity records that name the user and the request.
#include "tests/support/command.hpp"
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oauth_flow.hpp"
#include "tests/support/sandbox_process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace lagentry::test;
namespace json = boost::json;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(observability)

BOOST_AUTO_TEST_CASE(every_request_has_an_id_and_one_access_line) {
  HostOptions options;
  options.plugins = {product_plugin_dir() / "google.so"};
  HostProcess host(options);
  HttpClient client(host.port());
  auto given = client.get("/api/v1/unified/connectors?secret_query=hunter2", {{"X-Request-Id", "trace-42.a_b:c"}});
  BOOST_TEST(given.status == 200);
  BOOST_TEST(given.header("x-request-id") == "trace-42.a_b:c");
  auto insane = client.get("/healthz", {{"X-Request-Id", "bad id\twith spaces"}});
  const std::string generated = insane.header("x-request-id");
  BOOST_TEST(generated.size() == 16u);
  BOOST_TEST(generated.find(' ') == std::string::npos);
  BOOST_TEST(client.get("/healthz").header("x-request-id") != generated);  // one per request

  auto items = client.get("/api/v1/unified/connectors/gmail/items/18c2?user_email=alice@example.com");
  BOOST_TEST(items.status == 404);  // not connected

  std::string log;
  for (int i = 0; i < 50 && log.find("request_id=" + items.header("x-request-id")) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    log = host.log();
  }
  BOOST_TEST(log.find("INFO  [access] GET /api/v1/unified/connectors 200 ") != std::string::npos, log);
  BOOST_TEST(log.find("request_id=trace-42.a_b:c") != std::string::npos);
  BOOST_TEST(log.find("tenant=default") != std::string::npos);
  // Route templates only: neither the query nor the item id nor the user reach the log.
  BOOST_TEST(log.find("GET /api/v1/unified/connectors/{connector}/items/{id} 404") != std::string::npos, log);
  BOOST_TEST(log.find("hunter2") == std::string::npos);
  BOOST_TEST(log.find("18c2") == std::string::npos);
  BOOST_TEST(log.find("alice@example.com") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(activity_records_name_the_user_and_the_request) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "google");
  HttpClient client(host.port());
  auto labels = client.get("/api/v1/unified/gmail/labels?user_email=" + kUser, {{"X-Request-Id", "labels-1"}});
  BOOST_REQUIRE_EQUAL(labels.status, 200);
  BOOST_TEST(host.stop() == 0);  // flushes the activity log
  soci::session sql(soci::sqlite3, "db=" + host.database_path().string());
  std::string user, action;
  sql << "SELECT user_email, action FROM activity_log WHERE request_id = 'labels-1'", soci::into(user), soci::into(action);
  BOOST_REQUIRE(sql.got_data());
  BOOST_TEST(user == kUser);
  BOOST_TEST(action == "gmail.labels");
}

// The OAuth engine's records and log lines carry the request too: starting
// a flow, a validation that finds a dead grant, a revoke.
BOOST_AUTO_TEST_CASE(oauth_records_and_log_lines_name_the_request) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  HttpClient client(host.port());
  auto url = client.get("/api/v1/unified/auth/slack/url?user_email=" + kUser, {{"X-Request-Id", "start-1"}});
  BOOST_REQUIRE_EQUAL(url.status, 200);
  connect(host, sandbox, "google");
  sandbox.control("POST", "grants/revoke", R"({"provider":"google"})");
  auto dead = client.get("/api/v1/unified/auth/google/validate?user_email=" + kUser, {{"X-Request-Id", "validate-1"}});
  BOOST_TEST(dead.error_code() == "reauth_required", dead.body);
  auto revoked = client.request("DELETE", "/api/v1/unified/auth/google/revoke?user_email=" + kUser, "",
                                {{"X-Request-Id", "revoke-1"}});
  BOOST_REQUIRE_EQUAL(revoked.status, 200);
  const std::string log = host.log();
  BOOST_TEST(log.find("marked needs_reauth request_id=validate-1") != std::string::npos, log);
  BOOST_TEST(log.find("request_id=revoke-1") != std::string::npos);
  BOOST_TEST(host.stop() == 0);  // flushes the activity log
  soci::session sql(soci::sqlite3, "db=" + host.database_path().string());
  auto action_of = [&](const std::string& request_id) {
    std::string action;
    sql << "SELECT action FROM activity_log WHERE request_id = :r ORDER BY id DESC LIMIT 1", soci::use(request_id),
        soci::into(action);
    return action;
  };
  BOOST_TEST(action_of("start-1") == "auth.start");
  BOOST_TEST(action_of("validate-1") == "auth.refresh");  // refused, refreshed: Google said invalid_grant
  BOOST_TEST(action_of("revoke-1") == "auth.revoke");
}

BOOST_AUTO_TEST_CASE(the_access_log_can_be_turned_off) {
  HostOptions options;
  options.environment = {{"LAGENTRY_ACCESS_LOG", "false"}};
  HostProcess host(options);
  HttpClient client(host.port());
  BOOST_TEST(client.get("/healthz").status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  BOOST_TEST(host.log().find("[access]") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(activity_api)

BOOST_AUTO_TEST_CASE(connections_and_activity_are_listed_filtered_paged_and_tenant_scoped) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "google");
  connect(host, sandbox, "slack");
  connect(host, sandbox, "google", "bob@example.com");
  HttpClient client(host.port());
  for (int i = 0; i < 3; ++i) BOOST_REQUIRE_EQUAL(client.get("/api/v1/unified/gmail/labels?user_email=" + kUser).status, 200);
  BOOST_REQUIRE_EQUAL(client.get("/api/v1/unified/slack/channels?user_email=" + kUser).status, 200);

  auto all = client.get("/api/v1/unified/connections").json();
  BOOST_TEST(all.at("items").as_array().size() == 3u);
  BOOST_TEST(all.at("next_cursor").is_null());
  BOOST_TEST(all.as_object().at("items").at(0).as_object().contains("scopes"));
  BOOST_TEST(all.at("items").at(0).at("scopes").is_array());
  const std::string body = json::serialize(all);
  BOOST_TEST(body.find("ya29") == std::string::npos);  // no token, ever
  BOOST_TEST(body.find("token") == std::string::npos);

  auto google = client.get("/api/v1/unified/connections?provider=google&limit=1").json();
  BOOST_REQUIRE_EQUAL(google.at("items").as_array().size(), 1u);
  const std::string cursor(google.at("next_cursor").as_string());
  auto next = client.get("/api/v1/unified/connections?provider=google&limit=1&cursor=" + cursor).json();
  BOOST_REQUIRE_EQUAL(next.at("items").as_array().size(), 1u);
  BOOST_TEST(next.at("items").at(0).at("id") != google.at("items").at(0).at("id"));
  BOOST_TEST(client.get("/api/v1/unified/connections?cursor=%%%").status == 400);
  BOOST_TEST(client.get("/api/v1/unified/connections?limit=0").status == 400);

  // Activity: newest first, filtered, paged with a cursor.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the writer flushes every 200 ms
  auto labels = client.get("/api/v1/unified/activity?action=gmail.labels&user_email=" + kUser + "&limit=2").json();
  BOOST_REQUIRE_EQUAL(labels.at("items").as_array().size(), 2u);
  BOOST_TEST(labels.at("items").at(0).at("id").as_int64() > labels.at("items").at(1).at("id").as_int64());
  BOOST_TEST(labels.at("items").at(0).at("user_email").as_string() == kUser);
  auto rest = client.get("/api/v1/unified/activity?action=gmail.labels&limit=2&cursor=" +
                         std::string(labels.at("next_cursor").as_string())).json();
  BOOST_TEST(rest.at("items").as_array().size() == 1u);
  auto slack = client.get("/api/v1/unified/activity?provider=slack&status=ok").json();
  for (const auto& e : slack.at("items").as_array()) BOOST_TEST(e.at("provider").as_string() == "slack");

  // Another tenant sees none of it.
  auto [code, output] = run_host_command({"keys", "create", "--tenant", "other"},
                                         {{"DATABASE_PATH", host.database_path().string()},
                                          {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}});
  BOOST_REQUIRE_EQUAL(code, 0);
  HttpClient other(host.port());
  other.set_bearer(output.substr(0, output.find('\n')));
  BOOST_TEST(other.get("/api/v1/unified/connections").json().at("items").as_array().empty());
  BOOST_TEST(other.get("/api/v1/unified/activity").json().at("items").as_array().empty());
  const std::string id(all.at("items").at(0).at("id").as_string());
  BOOST_TEST(other.get("/api/v1/unified/connections/" + id).status == 404);
  BOOST_TEST(other.request("DELETE", "/api/v1/unified/connections/" + id).status == 404);

  // One connection, then revoked through its id.
  auto one = client.get("/api/v1/unified/connections/" + id);
  BOOST_TEST(one.status == 200);
  BOOST_TEST(client.request("DELETE", "/api/v1/unified/connections/" + id).json().at("revoked").as_bool());
  BOOST_TEST(client.get("/api/v1/unified/connections/" + id).status == 404);
  BOOST_TEST(client.get("/api/v1/unified/connections").json().at("items").as_array().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_key_bound_to_one_user_sees_and_revokes_only_that_users_connections_and_activity) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "google");
  connect(host, sandbox, "google", "bob@example.com");
  HttpClient client(host.port());
  BOOST_REQUIRE_EQUAL(client.get("/api/v1/unified/gmail/labels?user_email=" + kUser).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the writer flushes every 200 ms
  auto all = client.get("/api/v1/unified/connections").json();
  BOOST_REQUIRE_EQUAL(all.at("items").as_array().size(), 2u);
  std::string alice_id;
  for (const auto& c : all.at("items").as_array())
    if (c.at("user_email").as_string() == kUser) alice_id = std::string(c.at("id").as_string());
  BOOST_REQUIRE(!alice_id.empty());

  HttpClient bob(host.port());
  bob.set_bearer(create_api_key(host, {"--tenant", "default", "--user", "bob@example.com"}));
  auto mine = bob.get("/api/v1/unified/connections").json();
  BOOST_REQUIRE_EQUAL(mine.at("items").as_array().size(), 1u);
  BOOST_TEST(mine.at("items").at(0).at("user_email").as_string() == "bob@example.com");
  auto activity = bob.get("/api/v1/unified/activity").json();
  BOOST_TEST(!activity.at("items").as_array().empty());  // bob's own connect
  for (const auto& e : activity.at("items").as_array()) BOOST_TEST(e.at("user_email").as_string() == "bob@example.com");
  BOOST_TEST(bob.get("/api/v1/unified/activity?user_email=" + kUser).status == 403);
  BOOST_TEST(bob.get("/api/v1/unified/connections?user_email=" + kUser).status == 403);
  BOOST_TEST(bob.get("/api/v1/unified/connections/" + alice_id).status == 404);
  BOOST_TEST(bob.request("DELETE", "/api/v1/unified/connections/" + alice_id).status == 404);
  BOOST_TEST(client.get("/api/v1/unified/connections/" + alice_id).status == 200);  // still there
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(metrics)

namespace {
// The value of one sample line ("name{labels} value"), or -1 when absent.
double sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}
}  // namespace

BOOST_AUTO_TEST_CASE(metrics_follow_requests_upstream_calls_and_connections) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  HttpClient client(host.port());
  for (int i = 0; i < 3; ++i) BOOST_REQUIRE_EQUAL(client.get("/healthz").status, 200);
  auto first = client.get("/metrics");
  BOOST_REQUIRE_EQUAL(first.status, 200);
  BOOST_TEST(first.header("content-type").find("text/plain; version=0.0.4") == 0u);
  const std::string healthz = R"(lagentry_http_requests_total{method="GET",route="/healthz",status="200"})";
  const double before = sample(first.body, healthz);
  BOOST_TEST(before >= 3);

  connect(host, sandbox, "google");
  BOOST_REQUIRE_EQUAL(client.get("/api/v1/unified/gmail/labels?user_email=" + kUser).status, 200);
  BOOST_REQUIRE_EQUAL(client.get("/api/v1/unified/connectors/gmail/items/abc?user_email=mallory@example.com").status, 404);
  for (int i = 0; i < 2; ++i) client.get("/healthz");
  const std::string text = client.get("/metrics").body;
  BOOST_TEST(sample(text, healthz) == before + 2);
  BOOST_TEST(sample(text, R"(lagentry_oauth_events_total{action="auth.connect",provider="google",status="ok"})") == 1);
  BOOST_TEST(sample(text, R"(lagentry_connections{provider="google",status="connected"})") == 1, host.log());
  BOOST_TEST(sample(text, R"(lagentry_upstream_requests_total{origin="https://gmail.googleapis.com",provider="google",status="200"})") >= 1);
  BOOST_TEST(sample(text, R"(lagentry_upstream_requests_total{origin="https://oauth2.googleapis.com",provider="google",status="200"})") >= 1);
  BOOST_TEST(sample(text, "lagentry_database_call_duration_seconds_count") >= 1);  // the connect's state and token writes
  BOOST_TEST(sample(text, "lagentry_plugins_loaded") == 3);
  BOOST_TEST(text.find(R"(route="/api/v1/unified/connectors/{connector}/items/{id}",status="404")") != std::string::npos);
  BOOST_TEST(text.find("lagentry_http_request_duration_seconds_bucket{") != std::string::npos);
  // Label values are templates and names: no user, id or query ever.
  BOOST_TEST(text.find("mallory") == std::string::npos);
  BOOST_TEST(text.find("alice") == std::string::npos);
  BOOST_TEST(text.find("abc") == std::string::npos);

  // Standard tooling agrees it is well-formed, where installed.
  if (run_command("command -v promtool >/dev/null").exit_code == 0) {
    const fs::path file = host.dir() / "metrics.txt";
    std::ofstream(file) << text;
    auto check = run_command("promtool check metrics < " + shell_quote(file.string()) + " 2>&1");
    BOOST_TEST(check.exit_code == 0, check.output);
  }

  // A tenant's key may not read them.
  auto [code, output] = run_host_command({"keys", "create", "--tenant", "acme"},
                                         {{"DATABASE_PATH", host.database_path().string()},
                                          {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}});
  BOOST_REQUIRE_EQUAL(code, 0);
  HttpClient tenant(host.port());
  tenant.set_bearer(output.substr(0, output.find('\n')));
  BOOST_TEST(tenant.get("/metrics").status == 403);
}

namespace {
double statements_sent(HttpClient& client, const std::string& thread) {
  const std::string text = client.get("/metrics").body;
  const std::string series = "lagentry_database_statements_total{thread=\"" + thread + "\"} ";
  const auto at = text.find(series);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "no " << series << "in /metrics");
  return std::stod(text.substr(at + series.size()));
}
}  // namespace

// The hot path in steady state: no statement at all on an I/O thread, and
// none per request. The caches allow one read of the key (4 s) and one of
// the connection (2 s) per TTL; nothing else.
BOOST_AUTO_TEST_CASE(cached_requests_send_no_statements) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "google");
  HttpClient client(host.port());
  const std::string labels = "/api/v1/unified/gmail/labels?user_email=" + kUser;
  BOOST_REQUIRE_EQUAL(client.get(labels).status, 200);  // fills both caches
  const double io_before = statements_sent(client, "io");
  const double work_before = statements_sent(client, "database_work");
  constexpr int kRequests = 100;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kRequests; ++i) BOOST_REQUIRE_EQUAL(client.get(labels).status, 200);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double io = statements_sent(client, "io") - io_before;
  const double work = statements_sent(client, "database_work") - work_before;
  BOOST_TEST(io == 0.0);
  const double allowed = 2 * (seconds / 2 + 1);
  BOOST_TEST(work <= allowed, work << " statements for " << kRequests << " cached requests in " << seconds << " s");
  BOOST_TEST(allowed < kRequests / 4.0);  // far fewer than one per request, or the check means nothing
}

BOOST_AUTO_TEST_CASE(metrics_can_be_public) {
  HostOptions options;
  options.environment = {{"LAGENTRY_METRICS_PUBLIC", "true"}};
  HostProcess host(options);
  HttpClient anyone(host.port());
  anyone.set_bearer("");
  BOOST_TEST(anyone.get("/metrics").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(json_logs)

BOOST_AUTO_TEST_CASE(json_log_lines_parse_and_carry_the_request_id) {
  HostOptions options;
  options.environment = {{"LAGENTRY_LOG_FORMAT", "json"}};
  HostProcess host(options);
  HttpClient client(host.port());
  BOOST_REQUIRE_EQUAL(client.get("/healthz", {{"X-Request-Id", "json-1"}}).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::istringstream lines(host.log());
  std::string line;
  int parsed = 0;
  bool access = false;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() != '{') continue;  // the harness's own lines
    json::error_code ec;
    auto event = json::parse(line, ec);
    BOOST_REQUIRE_MESSAGE(!ec && event.is_object(), line);
    BOOST_TEST(event.as_object().contains("time"));
    BOOST_TEST(event.as_object().contains("level"));
    ++parsed;
    if (event.at("component").as_string() == "access") {
      access = true;
      BOOST_TEST(event.at("request_id").as_string() == "json-1");
      BOOST_TEST(event.at("route").as_string() == "/healthz");
      BOOST_TEST(event.at("status").as_string() == "200");
    }
  }
  BOOST_TEST(parsed >= 5);
  BOOST_TEST(access);
  auto [code, output] = run_host_command({}, {{"LAGENTRY_LOG_FORMAT", "xml"}});
  BOOST_TEST(code == 2);
  BOOST_TEST(output.find("LAGENTRY_LOG_FORMAT") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
