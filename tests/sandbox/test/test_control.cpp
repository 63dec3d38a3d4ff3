// The control API (faults, token expiry, settings, stats, reset) and the
// providers' auth-enforcement error shapes.
#include "fixture.hpp"

#include <chrono>

using namespace sandbox_test;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(control)

BOOST_FIXTURE_TEST_CASE(rate_limit_fault_then_success, Fresh) {
  auto google = str(google_tokens("email"), "access_token");
  auto fault = sandbox().post_json("/_sandbox/faults", json::object{{"origin", "www.googleapis.com"},
                                                                    {"path_prefix", "/oauth2/v2"},
                                                                    {"status", 429},
                                                                    {"count", 2},
                                                                    {"retry_after", 1}});
  BOOST_REQUIRE_EQUAL(fault.status, 200);
  for (int i = 0; i < 2; ++i) {
    auto limited = sandbox().get("/www.googleapis.com/oauth2/v2/userinfo", google);
    BOOST_TEST(limited.status == 429);
    BOOST_TEST(limited.header("retry-after") == "1");
    BOOST_TEST(str(limited.json().at("error"), "status") == "RESOURCE_EXHAUSTED");
  }
  BOOST_TEST(sandbox().get("/www.googleapis.com/oauth2/v2/userinfo", google).status == 200);

  // Slack's rate limit is the one real HTTP error it has.
  auto slack = str(slack_tokens("channels:read", ""), "access_token");
  sandbox().post_json("/_sandbox/faults", json::object{{"origin", "slack.com"}, {"status", 429}});
  auto limited = sandbox().get("/slack.com/api/auth.test", slack);
  BOOST_TEST(limited.status == 429);
  BOOST_TEST(limited.header("retry-after") == "1");
  BOOST_TEST(str(limited.json(), "error") == "ratelimited");
  BOOST_TEST(sandbox().get("/slack.com/api/auth.test", slack).json().at("ok").as_bool());

  auto stats = sandbox().get("/_sandbox/stats").json();
  BOOST_TEST(stats.at("faults_injected").as_int64() == 3);
  BOOST_TEST(stats.at("calls").at("www.googleapis.com GET /oauth2/v2/userinfo").as_int64() == 3);
  BOOST_TEST(stats.at("calls").at("slack.com GET /api/auth.test").as_int64() == 2);
}

BOOST_FIXTURE_TEST_CASE(server_errors_use_each_provider_shape, Fresh) {
  sandbox().post_json("/_sandbox/faults", json::object{{"status", 503}, {"count", 3}});
  auto google = sandbox().get("/www.googleapis.com/oauth2/v2/userinfo");
  BOOST_TEST(google.status == 503);
  BOOST_TEST(str(google.json().at("error"), "status") == "UNAVAILABLE");
  auto atlassian = sandbox().get("/api.atlassian.com/me");
  BOOST_TEST(atlassian.status == 503);
  BOOST_TEST(atlassian.json().at("code").as_int64() == 503);
  auto bitbucket = sandbox().get("/api.bitbucket.org/2.0/user");
  BOOST_TEST(bitbucket.status == 503);
  BOOST_TEST(str(bitbucket.json(), "type") == "error");
  // Count used up: back to normal auth errors.
  BOOST_TEST(sandbox().get("/api.bitbucket.org/2.0/user").status == 401);

  // DELETE clears rules that had calls left.
  sandbox().post_json("/_sandbox/faults", json::object{{"status", 500}, {"count", 10}});
  BOOST_TEST(sandbox().del("/_sandbox/faults").status == 200);
  BOOST_TEST(sandbox().get("/api.bitbucket.org/2.0/user").status == 401);
}

BOOST_FIXTURE_TEST_CASE(latency_and_connection_reset, Fresh) {
  sandbox().post_json("/_sandbox/faults", json::object{{"origin", "slack.com"}, {"latency_ms", 150}});
  auto elapsed_ms = [] {
    auto start = std::chrono::steady_clock::now();
    BOOST_TEST(sandbox().get("/slack.com/api/auth.test").status == 200);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  };
  BOOST_TEST(elapsed_ms() >= 150);
  sandbox().del("/_sandbox/faults");
  BOOST_TEST(elapsed_ms() < 150);

  sandbox().post_json("/_sandbox/faults", json::object{{"reset", true}, {"count", 1}});
  BOOST_CHECK_THROW(sandbox().get("/slack.com/api/auth.test"), boost::system::system_error);
  BOOST_TEST(sandbox().get("/slack.com/api/auth.test").status == 200);
}

BOOST_FIXTURE_TEST_CASE(expire_tokens_and_ttl_setting, Fresh) {
  sandbox().post_json("/_sandbox/settings", json::object{{"access_token_ttl", 120}});
  auto google = google_tokens("email");
  BOOST_TEST(google.at("expires_in").as_int64() == 120);
  auto atlassian = str(atlassian_tokens("read:me"), "access_token");
  auto bitbucket = str(bitbucket_tokens(), "access_token");
  auto expired = sandbox().post_json("/_sandbox/tokens/expire", json::object{{"all", true}});
  BOOST_REQUIRE_EQUAL(expired.status, 200);
  BOOST_TEST(expired.json().at("expired").as_int64() == 3);

  auto g = sandbox().get("/www.googleapis.com/oauth2/v2/userinfo", str(google, "access_token"));
  BOOST_TEST(g.status == 401);
  BOOST_TEST(str(g.json().at("error"), "message") == "Invalid Credentials");
  BOOST_TEST(sandbox().get("/api.atlassian.com/me", atlassian).status == 401);
  auto b = sandbox().get("/api.bitbucket.org/2.0/user", bitbucket);
  BOOST_TEST(b.status == 401);
  BOOST_TEST(str(b.json().at("error"), "message") == "Access token expired.");
  // A refresh still works and gives a live token.
  auto refreshed = sandbox().post_form("/oauth2.googleapis.com/token", {{"grant_type", "refresh_token"},
                                                                         {"refresh_token", str(google, "refresh_token")},
                                                                         {"client_id", kClientId},
                                                                         {"client_secret", kClientSecret}});
  BOOST_TEST(sandbox().get("/www.googleapis.com/oauth2/v2/userinfo", str(refreshed.json(), "access_token")).status == 200);
  BOOST_TEST(sandbox().post_json("/_sandbox/tokens/expire", json::object{{"token", "nope"}}).status == 404);
}

BOOST_FIXTURE_TEST_CASE(auth_enforcement_shapes, Fresh) {
  // Slack: not_authed / invalid_auth / missing_scope, all HTTP 200.
  auto none = sandbox().get("/slack.com/api/conversations.list");
  BOOST_TEST(none.status == 200);
  BOOST_TEST(str(none.json(), "error") == "not_authed");
  BOOST_TEST(str(sandbox().get("/slack.com/api/conversations.list", "xoxb-bogus").json(), "error") == "invalid_auth");
  auto slack = str(slack_tokens("channels:read", ""), "access_token");
  auto scope = sandbox().post_json("/slack.com/api/chat.postMessage", json::object{{"channel", "C0GENERAL"}, {"text", "hi"}}, slack).json();
  BOOST_TEST(str(scope, "error") == "missing_scope");
  BOOST_TEST(str(scope, "needed") == "chat:write");
  BOOST_TEST(str(scope, "provided") == "channels:read");
  // Tokens belong to one provider.
  BOOST_TEST(sandbox().get("/www.googleapis.com/oauth2/v2/userinfo", slack).status == 401);

  // Google: wrong scope is 403 insufficientPermissions.
  auto gmail_only = str(google_tokens("https://www.googleapis.com/auth/gmail.readonly"), "access_token");
  auto forbidden = sandbox().get("/www.googleapis.com/oauth2/v2/userinfo", gmail_only);
  BOOST_TEST(forbidden.status == 403);
  BOOST_TEST(str(forbidden.json().at("error").at("errors").as_array()[0], "reason") == "insufficientPermissions");

  // Atlassian: scope mismatch at the gateway.
  auto atl = str(atlassian_tokens("read:jira-work"), "access_token");
  auto me = sandbox().get("/api.atlassian.com/me", atl);
  BOOST_TEST(me.status == 401);
  BOOST_TEST(me.json().at("code").as_int64() == 401);

  auto bb = sandbox().get("/api.bitbucket.org/2.0/user", "sbx-bb-bogus");
  BOOST_TEST(bb.status == 401);
  BOOST_TEST(str(bb.json(), "type") == "error");
}

BOOST_FIXTURE_TEST_CASE(unknown_routes_and_reset, Fresh) {
  BOOST_TEST(sandbox().get("/nowhere.example.com/x").status == 404);
  auto unknown = sandbox().get("/slack.com/api/no.such.method");
  BOOST_TEST(unknown.status == 404);
  BOOST_TEST(str(unknown.json(), "error") == "unknown_method");
  BOOST_TEST(sandbox().post_json("/_sandbox/faults", json::object{{"status", 200}}).status == 400);
  BOOST_TEST(sandbox().post_json("/_sandbox/settings", json::object{{"bogus", 1}}).status == 400);

  auto slack = str(slack_tokens("chat:write,channels:history", ""), "access_token");
  auto history = [&] {
    return sandbox().get("/slack.com/api/conversations.history?channel=C0RANDOM", slack).json().at("messages").as_array();
  };
  auto ts = str(history()[0], "ts");
  auto deleted = sandbox().post_json("/slack.com/api/chat.delete", json::object{{"channel", "C0RANDOM"}, {"ts", ts}}, slack);
  BOOST_TEST(deleted.json().at("ok").as_bool());
  BOOST_TEST(history().size() == 4u);
  BOOST_TEST(sandbox().post_json("/_sandbox/reset", json::object{}).status == 200);
  // Reset drops tokens too: the old one is unknown now.
  BOOST_TEST(str(sandbox().get("/slack.com/api/auth.test", slack).json(), "error") == "invalid_auth");
  slack = str(slack_tokens("channels:history", ""), "access_token");
  BOOST_TEST(history().size() == 5u);
  // Counters restarted at the reset: only this authorize, token and history call since.
  auto calls = sandbox().get("/_sandbox/stats").json().at("calls").as_object();
  BOOST_TEST(calls.size() == 4u);
  BOOST_TEST(!calls.contains("slack.com POST /api/chat.delete"));
}

BOOST_AUTO_TEST_SUITE_END()
