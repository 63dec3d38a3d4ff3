// The auth-injecting proxy, /api/v1/unified/proxy/{provider}/{path...}:
// through to the sandbox with the user's token, a refused foreign origin, a
// 429 with Retry-After passed back, what is forwarded and what is not, and
// one activity record per call.
#include "tests/support/oauth_flow.hpp"
#include "tests/support/request_recorder.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

using namespace lagentry::test;

namespace {
const std::string kProxy = "/api/v1/unified/proxy/";
const std::string kAs = "user_email=" + kUser;
}  // namespace

BOOST_AUTO_TEST_SUITE(proxy)

BOOST_AUTO_TEST_CASE(get_and_post_through_to_the_sandbox) {
  RequestRecorder trap;
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox, {{"LAGENTRY_UPSTREAM_MAX_RETRIES", "0"}}));
  connect(host, sandbox, "google");
  connect(host, sandbox, "slack");
  HttpClient api(host.port());

  auto labels = api.get(kProxy + "google/gmail/v1/users/me/labels?" + kAs);
  BOOST_REQUIRE_MESSAGE(labels.status == 200, labels.body);
  BOOST_TEST(labels.header("content-type").find("application/json") == 0u);
  BOOST_TEST(labels.json().at("labels").as_array().size() > 3u);
  // The other Google origin, chosen with origin=, and the caller's query passed on.
  auto files = api.get(kProxy + "google/drive/v3/files?pageSize=2&" + kAs + "&origin=https%3A%2F%2Fwww.googleapis.com");
  BOOST_REQUIRE_MESSAGE(files.status == 200, files.body);
  BOOST_TEST(files.json().at("files").as_array().size() == 2u, files.body);

  auto posted = api.request("POST", kProxy + "slack/api/chat.postMessage?" + kAs, R"({"channel":"C0GENERAL","text":"via the proxy"})",
                            {{"Content-Type", "application/json; charset=utf-8"}});
  BOOST_REQUIRE_MESSAGE(posted.status == 200, posted.body);
  BOOST_TEST(posted.json().at("ok").as_bool(), posted.body);
  BOOST_TEST(posted.json().at("message").at("text").as_string() == "via the proxy");

  // Upstream errors come back as they are, status and body.
  auto missing = api.get(kProxy + "google/gmail/v1/users/me/messages/nope?" + kAs);
  BOOST_TEST(missing.status == 404, missing.body);
  BOOST_TEST(missing.error_code().empty());  // the provider's body, not the host's error model

  // A 429 with Retry-After (retries used up) is passed back with its Retry-After.
  sandbox.control("POST", "faults", R"({"origin":"gmail.googleapis.com","status":429,"count":1,"retry_after":7})");
  auto limited = api.get(kProxy + "google/gmail/v1/users/me/labels?" + kAs);
  BOOST_TEST(limited.status == 429, limited.body);
  BOOST_TEST(limited.header("retry-after") == "7");

  // An origin outside the provider's api_origins is refused before anything is sent.
  auto stats_before = sandbox.control("GET", "stats").at("calls").as_object().size();
  for (const char* origin : {"https%3A%2F%2Fevil.example", "http%3A%2F%2Fgmail.googleapis.com", "https%3A%2F%2Fslack.com",
                             "https%3A%2F%2Fgmail.googleapis.com%2Fx", "https%3A%2F%2Fuser%40gmail.googleapis.com"}) {
    auto r = api.get(kProxy + "google/gmail/v1/users/me/labels?" + kAs + "&origin=" + origin);
    BOOST_TEST(r.status == 400, origin << " -> " << r.body);
    BOOST_TEST(r.error_code() == "invalid_request", origin);
  }
  BOOST_TEST(sandbox.control("GET", "stats").at("calls").as_object().size() == stats_before);
  // Path tricks never reach the proxy handler.
  BOOST_TEST(api.get(kProxy + "google/gmail/..%2F..%2Fevil.example?" + kAs).status == 400);
  BOOST_TEST(api.get(kProxy + "google/%2e%2e/evil.example?" + kAs).status == 400);
  BOOST_TEST(api.get(kProxy + "nope/x?" + kAs).error_code() == "unknown_provider");
  BOOST_TEST(api.get(kProxy + "google/gmail/v1/users/me/labels").error_code() == "invalid_request");
  BOOST_TEST(api.get(kProxy + "google/gmail/v1/users/me/labels?user_email=nobody@example.com").error_code() == "not_connected");
  BOOST_TEST(trap.requests().empty());

  // One activity record per proxied call that reached the provider (5: two GETs, the POST, the 404, the 429).
  host.stop();
  soci::session sql(soci::sqlite3, "db=" + host.database_path().string());
  int proxied = 0, limited_rows = 0;
  sql << "SELECT COUNT(*) FROM activity_log WHERE action LIKE 'proxy.%'", soci::into(proxied);
  sql << "SELECT COUNT(*) FROM activity_log WHERE action = 'proxy.GET' AND http_status = 429", soci::into(limited_rows);
  BOOST_TEST(proxied == 5);
  BOOST_TEST(limited_rows == 1);
}

// What reaches the provider: the user's token (refreshed once on a 401), the
// caller's ordinary headers and body; never its API key, cookies or
// hop-by-hop headers. A stand-in provider (a recorder) plays Gmail here.
BOOST_AUTO_TEST_CASE(what_is_forwarded_and_what_is_not) {
  SandboxProcess sandbox;
  RequestRecorder gmail(201, R"({"id":"m1"})", "application/vnd.test+json");
  HostOptions options = oauth_host(sandbox);
  options.environment["LAGENTRY_UPSTREAM_ORIGINS"] =
      "https://gmail.googleapis.com=" + gmail.base_url() + "," + sandbox.origin_map();
  HostProcess host(options);
  connect(host, sandbox, "google");
  HttpClient api(host.port());

  auto r = api.request("POST", kProxy + "google/gmail/v1/users/me/messages/send?uploadType=media&" + kAs, "raw body bytes",
                       {{"Content-Type", "message/rfc822"},
                        {"Cookie", "session=caller"},
                        {"Connection", "X-Hop"},
                        {"X-Hop", "1"},
                        {"Proxy-Authorization", "Basic Y2FsbGVy"},
                        {"X-Custom", "kept"}});
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  BOOST_TEST(r.body == R"({"id":"m1"})");
  BOOST_TEST(r.header("content-type") == "application/vnd.test+json");

  const auto seen = gmail.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 1u);
  const auto& h = seen[0].headers;
  BOOST_TEST(seen[0].method == "POST");
  BOOST_TEST(seen[0].target == "/gmail/v1/users/me/messages/send?uploadType=media");
  BOOST_TEST(seen[0].body == "raw body bytes");
  BOOST_TEST(h.at("authorization").rfind("Bearer ya29.sandbox-", 0) == 0u, h.at("authorization"));
  BOOST_TEST(h.at("content-type") == "message/rfc822");
  BOOST_TEST(h.at("x-custom") == "kept");
  BOOST_TEST(h.count("cookie") == 0u);
  BOOST_TEST(h.count("x-hop") == 0u);
  BOOST_TEST(h.count("proxy-authorization") == 0u);
  BOOST_TEST(seen[0].raw_head.find(kTestApiKey) == std::string::npos, seen[0].raw_head);
}

BOOST_AUTO_TEST_CASE(refresh_once_on_401) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "google");
  HttpClient api(host.port());
  sandbox.control("POST", "tokens/expire", R"({"all":true})");
  auto r = api.get(kProxy + "google/gmail/v1/users/me/labels?" + kAs);
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(sandbox.grants("refresh_token") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
