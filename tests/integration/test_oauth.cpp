// OAuth flows end to end: the real host, its plugins and SQLite file, and the
// provider sandbox speaking each provider's wire format over loopback.
#include "tests/support/command.hpp"
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oauth_flow.hpp"
#include "tests/support/sandbox_process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <boost/url/parse.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <set>
#include <thread>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace lagentry::test;

namespace {
std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(oauth)

BOOST_AUTO_TEST_CASE(google_connect_validate_refresh_revoke) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  Flow flow = connect(host, sandbox, "google");
  // The authorization URL carries everything Google needs, PKCE included.
  for (const char* part : {"access_type=offline", "prompt=consent", "code_challenge_method=S256", "code_challenge=",
                           "client_id=sandbox-client-id", "state=", "/accounts.google.com/o/oauth2/v2/auth"})
    BOOST_TEST(flow.authorization_url.find(part) != std::string::npos, part);
  BOOST_TEST(flow.callback.header("referrer-policy") == "no-referrer");
  BOOST_TEST(flow.callback.body.find("<script") == std::string::npos);
  BOOST_TEST(flow.callback.body.find("http") == std::string::npos);  // no third-party resources

  auto status = status_of(host, "google");
  BOOST_TEST(status.at("connected").as_bool());
  BOOST_TEST(!status.at("needs_reauth").as_bool());
  BOOST_TEST(status.at("expires_at").as_int64() > 0);

  HttpClient api(host.port());
  auto valid = api.get("/api/v1/unified/auth/google/validate?user_email=" + kUser);
  BOOST_TEST(valid.status == 200);
  BOOST_TEST(valid.json().at("valid").as_bool());

  // Google's refresh response has no refresh_token: the stored one must survive,
  // so a second refresh works too.
  for (int i = 0; i < 2; ++i) {
    auto refreshed = api.post_json("/api/v1/unified/auth/google/refresh?user_email=" + kUser, "{}");
    BOOST_TEST(refreshed.status == 200, refreshed.body);
  }
  BOOST_TEST(sandbox.grants("refresh_token") == 2);

  auto revoked = api.request("DELETE", "/api/v1/unified/auth/google/revoke?user_email=" + kUser);
  BOOST_TEST(revoked.status == 200, revoked.body);
  BOOST_TEST(revoked.json().at("provider_revoked").as_bool());
  BOOST_TEST(!status_of(host, "google").at("connected").as_bool());
  auto gone = api.get("/api/v1/unified/auth/google/validate?user_email=" + kUser);
  BOOST_TEST(gone.status == 404);
  BOOST_TEST(gone.error_code() == "not_connected");
}

// Validate asks each provider (its own check). After the user withdrew the
// app's access at the provider, validate says so: 401 reauth_required and
// the connection needs re-authorization; a Slack call fails the same way.
BOOST_AUTO_TEST_CASE(validate_asks_the_provider_and_finds_dead_grants) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  HttpClient api(host.port());
  const std::vector<std::string> providers{"google", "slack", "atlassian", "bitbucket"};
  for (const auto& provider : providers) {
    connect(host, sandbox, provider);
    auto remote = api.get("/api/v1/unified/auth/" + provider + "/validate?user_email=" + kUser);
    BOOST_REQUIRE_MESSAGE(remote.status == 200, provider << ": " << remote.body);
    BOOST_TEST(remote.json().at("checked").as_string() == "provider", provider);
    BOOST_TEST(remote.json().at("scopes").is_array(), provider);
    auto local = api.get("/api/v1/unified/auth/" + provider + "/validate?user_email=" + kUser + "&remote=false");
    BOOST_TEST(local.json().at("checked").as_string() == "local", provider);
  }
  BOOST_TEST(api.get("/api/v1/unified/auth/google/validate?user_email=" + kUser + "&remote=maybe").status == 400);
  const auto checks_before = sandbox.control("GET", "stats").at("calls").as_object();
  BOOST_TEST(checks_before.contains("oauth2.googleapis.com POST /tokeninfo"));
  BOOST_TEST(checks_before.contains("slack.com POST /api/auth.test"));

  for (const auto& provider : providers)
    sandbox.control("POST", "grants/revoke", R"({"provider":")" + provider + "\"}");
  // Before asking, the host still believes in the tokens.
  BOOST_TEST(api.get("/api/v1/unified/auth/slack/validate?user_email=" + kUser + "&remote=false").status == 200);
  for (const auto& provider : providers) {
    auto dead = api.get("/api/v1/unified/auth/" + provider + "/validate?user_email=" + kUser);
    BOOST_TEST(dead.status == 401, provider << ": " << dead.body);
    BOOST_TEST(dead.error_code() == "reauth_required", provider << ": " << dead.body);
    const auto status = status_of(host, provider);
    BOOST_TEST(status.at("status").as_string() == "needs_reauth", provider);
    BOOST_TEST(status.at("needs_reauth").as_bool(), provider);
  }
  // Recorded once (the activity log is written in batches: give it a moment).
  std::size_t recorded = 0;
  for (int i = 0; i < 40 && recorded == 0; ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto activity = api.get("/api/v1/unified/activity?provider=slack&action=auth.needs_reauth").json();
    recorded = activity.at("items").as_array().size();
  }
  BOOST_TEST(recorded == 1u);
}

// A Slack call whose token was revoked (Slack answers HTTP 200
// token_revoked) is 401 reauth_required, not the API key's 401
// unauthorized, and marks the connection.
BOOST_AUTO_TEST_CASE(a_revoked_slack_token_needs_reauthorization) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "slack");
  HttpClient api(host.port());
  BOOST_REQUIRE(api.get("/api/v1/unified/connectors/slack-channels/items?user_email=" + kUser).status == 200);
  sandbox.control("POST", "grants/revoke", R"({"provider":"slack"})");
  auto refused = api.get("/api/v1/unified/connectors/slack-channels/items?user_email=" + kUser);
  BOOST_TEST(refused.status == 401, refused.body);
  BOOST_TEST(refused.error_code() == "reauth_required", refused.body);
  BOOST_TEST(status_of(host, "slack").at("needs_reauth").as_bool());
  // Marked: the next call does not reach Slack.
  BOOST_TEST(api.get("/api/v1/unified/connectors/slack-channels/items?user_email=" + kUser).error_code() == "reauth_required");
}

// With Slack's token rotation, a refresh renews the authed_user token (used
// for search) as well as the bot token.
BOOST_AUTO_TEST_CASE(slack_rotation_refreshes_the_user_token_too) {
  SandboxProcess sandbox;
  sandbox.control("POST", "settings", R"({"slack_token_rotation":true})");
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "slack");
  HttpClient api(host.port());
  const std::string search = "/api/v1/unified/connectors/slack-messages/search?user_email=" + kUser + "&q=hello";
  BOOST_REQUIRE(api.get(search).status == 200);
  // Both tokens expire; Slack answers token_expired; the host refreshes once and retries.
  sandbox.control("POST", "tokens/expire", R"({"all":true})");
  const auto refreshes = sandbox.grants("refresh_token");
  auto after = api.get(search);
  BOOST_TEST(after.status == 200, after.body);
  BOOST_TEST(sandbox.grants("refresh_token") == refreshes + 2, "the bot token and the user token");
}

// Least privilege: a new Google connection asks for what its connectors use,
// each at its narrowest scope; permanent deletion (full mail access) is
// asked for when first needed, with the host naming what is missing before
// it calls Google; the incremental grant then covers both.
namespace {
// The scopes an authorization URL asks for.
std::set<std::string> scopes_of_url(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  BOOST_REQUIRE(parsed.has_value());
  std::set<std::string> out;
  for (const auto& param : parsed->params())
    if (param.key == "scope") {
      std::istringstream words{std::string(param.value)};
      for (std::string w; words >> w;) out.insert(w);
    }
  return out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(google_scopes_are_asked_for_on_demand) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  HttpClient api(host.port());
  const std::string g = "https://www.googleapis.com/auth/";
  Flow flow = connect(host, sandbox, "google");
  const auto asked = scopes_of_url(flow.authorization_url);
  const std::set<std::string> expected{"openid", "email", g + "gmail.readonly", g + "gmail.send", g + "gmail.modify",
                                       g + "drive.readonly", g + "drive.file", g + "calendar.readonly", g + "calendar.events"};
  BOOST_TEST((asked == expected), flow.authorization_url);
  BOOST_TEST(flow.authorization_url.find("include_granted_scopes=true") != std::string::npos);

  const auto drive_only = api.get("/api/v1/unified/auth/google/url?user_email=" + kUser + "&connectors=drive");
  BOOST_REQUIRE_MESSAGE(drive_only.status == 200, drive_only.body);
  const std::set<std::string> drive_expected{"openid", "email", g + "drive.readonly", g + "drive.file"};
  BOOST_TEST((scopes_of_url(std::string(drive_only.json().at("authorization_url").as_string())) == drive_expected));
  BOOST_TEST(api.get("/api/v1/unified/auth/google/url?user_email=" + kUser + "&connectors=nope").status == 400);
  BOOST_TEST(api.get("/api/v1/unified/auth/google/url?user_email=" + kUser + "&connectors=slack-channels").status == 400);

  const std::string emails = "/api/v1/unified/connectors/gmail/items?user_email=" + kUser;
  auto listed = api.get(emails + "&limit=1");
  BOOST_REQUIRE_MESSAGE(listed.status == 200, listed.body);
  const std::string id(listed.json().at("items").at(0).at("id").as_string());
  auto gmail_deletes = [&] {
    const auto calls = sandbox.control("GET", "stats").at("calls").as_object();
    long long n = 0;
    for (const auto& [key, count] : calls)
      if (std::string_view(key).starts_with("gmail.googleapis.com DELETE")) n += count.to_number<long long>();
    return n;
  };
  auto refused = api.request("DELETE", "/api/v1/unified/connectors/gmail/items/" + id + "?user_email=" + kUser);
  BOOST_TEST(refused.status == 403, refused.body);
  BOOST_TEST(refused.error_code() == "insufficient_scope", refused.body);
  const auto details = refused.json().at("error").at("details");
  BOOST_TEST(details.at("missing_scopes") == (json::array{"https://mail.google.com/"}));
  const std::string authorize(details.at("authorize").as_string());
  BOOST_TEST(authorize.find("/api/v1/unified/auth/google/url?user_email=") == 0u, authorize);
  BOOST_TEST(gmail_deletes() == 0, "Google was not called");

  // The user grants it; Google's incremental authorization keeps the rest.
  auto more = api.get(authorize);
  BOOST_REQUIRE_MESSAGE(more.status == 200, more.body);
  HttpClient provider(sandbox.port());
  provider.set_bearer("");
  auto consent = provider.get(path_and_query(std::string(more.json().at("authorization_url").as_string())));
  BOOST_REQUIRE(consent.status == 302);
  HttpClient browser(host.port());
  browser.set_bearer("");
  BOOST_REQUIRE(browser.get(path_and_query(consent.header("location"))).status == 200);
  auto deleted = api.request("DELETE", "/api/v1/unified/connectors/gmail/items/" + id + "?user_email=" + kUser);
  BOOST_TEST(deleted.status == 200, deleted.body);
  BOOST_TEST(gmail_deletes() == 1);
  BOOST_TEST(api.get(emails + "&limit=1").status == 200, "the earlier scopes are still granted");
}

// Atlassian has no incremental authorization: a grant is exactly what was
// asked for. ?connectors= narrows it, and the link an insufficient_scope
// answer gives keeps what was granted and offline_access (the refresh token).
BOOST_AUTO_TEST_CASE(atlassian_scopes_are_asked_for_per_connector_and_widened_without_losing_any) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  HttpClient api(host.port());
  Flow flow = connect(host, sandbox, "atlassian", kUser, "&connectors=jira");  // the original API's name
  const std::set<std::string> jira{"offline_access", "read:jira-work", "write:jira-work"};
  BOOST_TEST((scopes_of_url(flow.authorization_url) == jira), flow.authorization_url);

  // The original API's paths, with a connected user.
  const std::string query = "?user_email=" + kUser;
  auto issues = api.get("/api/v1/unified/connectors/jira/items" + query);
  BOOST_TEST(issues.status == 200, issues.body);
  auto pages = api.get("/api/v1/unified/connectors/confluence/items" + query);
  BOOST_TEST(pages.status == 403, pages.body);
  BOOST_REQUIRE(pages.error_code() == "insufficient_scope");
  const std::string authorize(pages.json().at("error").at("details").at("authorize").as_string());

  auto more = api.get(authorize);
  BOOST_REQUIRE_MESSAGE(more.status == 200, more.body);
  const std::string widened(more.json().at("authorization_url").as_string());
  const std::set<std::string> both{"offline_access", "read:jira-work", "write:jira-work", "read:page:confluence"};
  BOOST_TEST((scopes_of_url(widened) == both), widened);
  HttpClient provider(sandbox.port());
  provider.set_bearer("");
  auto consent = provider.get(path_and_query(widened));
  BOOST_REQUIRE(consent.status == 302);
  HttpClient browser(host.port());
  browser.set_bearer("");
  BOOST_REQUIRE(browser.get(path_and_query(consent.header("location"))).status == 200);
  BOOST_TEST(api.get("/api/v1/unified/connectors/confluence/items" + query).status == 200);
  BOOST_TEST(api.get("/api/v1/unified/connectors/jira/items" + query).status == 200);
  auto refreshed = api.request("POST", "/api/v1/unified/auth/atlassian/refresh" + query);  // offline_access kept
  BOOST_TEST(refreshed.status == 200, refreshed.body);
}

BOOST_AUTO_TEST_CASE(states_are_single_use_provider_bound_and_expiring) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox, {{"LAGENTRY_STATE_TTL_SECONDS", "1"}}));
  HttpClient browser(host.port());
  browser.set_bearer("");

  Flow flow = start_flow(host, sandbox, "google");
  // Another provider's callback with Google's state: refused, and the state is spent.
  std::string misrouted = flow.callback_target;
  misrouted.replace(misrouted.find("/auth/google/"), 13, "/auth/slack/");
  auto mixup = browser.get(misrouted);
  BOOST_TEST(mixup.status == 400);
  BOOST_TEST(mixup.body.find("state_provider_mismatch") != std::string::npos, mixup.body);
  auto after_mixup = browser.get(flow.callback_target);
  BOOST_TEST(after_mixup.status == 400);
  BOOST_TEST(after_mixup.body.find("invalid_state") != std::string::npos);
  BOOST_TEST(!status_of(host, "google").at("connected").as_bool());

  // Replay: the first use connects; the second (a reload of the finished
  // callback) exchanges nothing and shows where things stand.
  Flow second = start_flow(host, sandbox, "google");
  BOOST_TEST(browser.get(second.callback_target).status == 200);
  const auto exchanges = sandbox.grants("authorization_code");
  auto replay = browser.get(second.callback_target);
  BOOST_TEST(replay.status == 200, replay.body);
  BOOST_TEST(replay.body.find("Already connected") != std::string::npos, replay.body);
  BOOST_TEST(replay.body.find(kUser) != std::string::npos, replay.body);
  BOOST_TEST(sandbox.grants("authorization_code") == exchanges, "a replayed state never reaches the token endpoint");

  // Expiry.
  Flow late = start_flow(host, sandbox, "google", "late@example.com");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto expired = browser.get(late.callback_target);
  BOOST_TEST(expired.status == 400);
  BOOST_TEST(expired.body.find("invalid_state") != std::string::npos);
  BOOST_TEST(!status_of(host, "google", "late@example.com").at("connected").as_bool());

  // Forged and missing states.
  BOOST_TEST(browser.get("/auth/google/callback?code=x&state=forged").status == 400);
  BOOST_TEST(browser.get("/auth/google/callback?code=x").status == 400);
}

BOOST_AUTO_TEST_CASE(callbacks_redirect_only_to_allow_listed_urls) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox, {{"LAGENTRY_REDIRECT_ALLOWLIST", "https://app.example.com/done"}}));
  HttpClient browser(host.port());
  browser.set_bearer("");

  Flow allowed = start_flow(host, sandbox, "google", kUser, "&redirect_to=https%3A%2F%2Fapp.example.com%2Fdone%3Fx%3D1");
  auto redirected = browser.get(allowed.callback_target);
  BOOST_TEST(redirected.status == 302, redirected.body);
  BOOST_TEST(redirected.header("location") == "https://app.example.com/done?x=1&status=connected&provider=google");
  BOOST_TEST(redirected.header("referrer-policy") == "no-referrer");

  // Anywhere else (an open redirect attempt): refused at /url, no flow starts.
  HttpClient api(host.port());
  auto other = api.get("/api/v1/unified/auth/google/url?user_email=bob@example.com&redirect_to=https%3A%2F%2Fevil.example%2F");
  BOOST_TEST(other.status == 400, other.body);
  BOOST_TEST(other.error_code() == "invalid_request");
}

// Issue #11: the allow-list was a string prefix, unparsable targets failed
// only at the callback (500, after the connection was stored), and a denial
// or error left the browser on the host's page.
BOOST_AUTO_TEST_CASE(redirect_to_is_checked_as_a_url_at_url_and_used_on_every_outcome) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox, {{"LAGENTRY_REDIRECT_ALLOWLIST", "https://app.example.com,https://allowed.example.com/a"}}));
  HttpClient api(host.port());
  HttpClient browser(host.port());
  browser.set_bearer("");
  const std::string url = "/api/v1/unified/auth/google/url?user_email=" + kUser + "&redirect_to=";
  for (const char* bad : {"https%3A%2F%2Fapp.example.com.evil.com%2Fx", "https%3A%2F%2Fapp.example.com%40evil.com%2F",
                          "https://allowed.example.com/a%20b", "https%3A%2F%2Fallowed.example.com%2Fa%5Cb",
                          "https%3A%2F%2Fallowed.example.com%2Fa%25zz", "https%3A%2F%2Fallowed.example.com%2Fab",
                          "https%3A%2F%2Fallowed.example.com%2Fa%2F..%2Fadmin", "http%3A%2F%2Fapp.example.com%2F",
                          "%2F%2Fapp.example.com%2F"}) {
    auto r = api.get(url + bad);
    BOOST_TEST(r.status == 400, bad << " -> " << r.status << " " << r.body);
    BOOST_TEST(r.error_code() == "invalid_request", bad);
  }
  // At most 2,048 bytes.
  const std::string path(2048 - std::string("https://app.example.com/").size(), 'p');
  BOOST_TEST(api.get(url + "https%3A%2F%2Fapp.example.com%2F" + path + "x").error_code() == "invalid_request");
  BOOST_TEST(api.get(url + "https%3A%2F%2Fapp.example.com%2F" + path).status == 200);

  // Allowed, below an entry's path: redirected back on success ...
  Flow ok = start_flow(host, sandbox, "google", kUser, "&redirect_to=https%3A%2F%2Fallowed.example.com%2Fa%2Fdone");
  auto connected = browser.get(ok.callback_target);
  BOOST_TEST(connected.status == 302, connected.body);
  BOOST_TEST(connected.header("location") == "https://allowed.example.com/a/done?status=connected&provider=google");

  // ... on denial ...
  sandbox.control("POST", "consent", R"({"deny":true})");
  Flow denied = start_flow(host, sandbox, "google", "bob@example.com", "&redirect_to=https%3A%2F%2Fapp.example.com%2Fback");
  auto back = browser.get(denied.callback_target);
  BOOST_TEST(back.status == 302, back.body);
  BOOST_TEST(back.header("location") == "https://app.example.com/back?status=error&error=access_denied&provider=google");
  sandbox.control("POST", "consent", R"({"deny":false})");

  // ... and on error (the token endpoint fails: nothing is stored).
  Flow failing = start_flow(host, sandbox, "google", "carol@example.com", "&redirect_to=https%3A%2F%2Fapp.example.com%2Fback");
  sandbox.control("POST", "faults", R"({"origin":"oauth2.googleapis.com","path_prefix":"/token","status":500,"count":1})");
  auto failed = browser.get(failing.callback_target);
  BOOST_TEST(failed.status == 302, failed.body);
  BOOST_TEST(failed.header("location") == "https://app.example.com/back?status=error&error=token_exchange_failed&provider=google");
  BOOST_TEST(!status_of(host, "google", "carol@example.com").at("connected").as_bool());
}

BOOST_AUTO_TEST_CASE(denied_consent_stores_nothing) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  sandbox.control("POST", "consent", R"({"deny":true})");
  Flow flow = start_flow(host, sandbox, "google");
  BOOST_TEST(flow.callback_target.find("error=access_denied") != std::string::npos);
  HttpClient browser(host.port());
  browser.set_bearer("");
  auto page = browser.get(flow.callback_target);
  BOOST_TEST(page.status == 400);
  BOOST_TEST(page.body.find("not granted") != std::string::npos);
  BOOST_TEST(!status_of(host, "google").at("connected").as_bool());
}

BOOST_AUTO_TEST_CASE(slack_bot_and_user_tokens_and_revocation) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  Flow flow = connect(host, sandbox, "slack");
  BOOST_TEST(flow.authorization_url.find("user_scope=search:read") != std::string::npos, flow.authorization_url);
  BOOST_TEST(flow.authorization_url.find("scope=channels:read,channels:history") != std::string::npos);
  BOOST_TEST(flow.authorization_url.find("code_challenge") == std::string::npos);  // Slack has no PKCE
  BOOST_TEST(status_of(host, "slack").at("connected").as_bool());
  HttpClient api(host.port());
  BOOST_TEST(api.get("/api/v1/unified/auth/slack/validate?user_email=" + kUser).status == 200);
  auto revoked = api.request("DELETE", "/api/v1/unified/auth/slack/revoke?user_email=" + kUser);
  BOOST_TEST(revoked.status == 200, revoked.body);
  BOOST_TEST(revoked.json().at("provider_revoked").as_bool(), revoked.body);
}

BOOST_AUTO_TEST_CASE(atlassian_rotating_refresh_tokens_and_bitbucket) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  Flow flow = connect(host, sandbox, "atlassian");
  BOOST_TEST(flow.authorization_url.find("audience=api.atlassian.com") != std::string::npos);
  // The post-connect hook kept the user's sites (cloud ids) with the connection.
  auto status = status_of(host, "atlassian");
  const auto& sites = status.at("metadata").at("sites").as_array();
  BOOST_REQUIRE_EQUAL(sites.size(), 2u);
  BOOST_TEST(sites.at(0).at("id").as_string().size() == 36u);
  BOOST_TEST(sites.at(1).at("url").as_string().find("https://") == 0u);
  HttpClient api(host.port());
  // Each refresh rotates the refresh token; the next refresh only works if the
  // new one was stored with the new access token.
  for (int i = 0; i < 3; ++i) {
    auto r = api.post_json("/api/v1/unified/auth/atlassian/refresh?user_email=" + kUser, "{}");
    BOOST_TEST(r.status == 200, r.body);
  }
  BOOST_TEST(sandbox.grants("refresh_token") == 3);

  connect(host, sandbox, "bitbucket");
  BOOST_TEST(status_of(host, "bitbucket").at("connected").as_bool());
  BOOST_TEST(api.post_json("/api/v1/unified/auth/bitbucket/refresh?user_email=" + kUser, "{}").status == 200);
}

BOOST_AUTO_TEST_CASE(concurrent_calls_on_an_expired_token_refresh_once) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect_with_an_expired_token(host, sandbox, "atlassian");  // rotating refresh tokens: a second refresh would fail

  std::vector<int> statuses(100, 0);
  std::vector<std::thread> callers;
  for (int i = 0; i < 100; ++i)
    callers.emplace_back([&, i] {
      HttpClient api(host.port());
      statuses[i] = api.get("/api/v1/unified/auth/atlassian/validate?user_email=" + kUser).status;
    });
  for (auto& t : callers) t.join();
  for (int s : statuses) BOOST_TEST(s == 200);
  BOOST_TEST(sandbox.grants("refresh_token") == 1);
}

BOOST_AUTO_TEST_CASE(a_dead_refresh_token_marks_the_connection_for_reauth) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "google");
  sandbox.control("POST", "reset");  // the provider forgets every grant
  HttpClient api(host.port());
  auto r = api.post_json("/api/v1/unified/auth/google/refresh?user_email=" + kUser, "{}");
  BOOST_TEST(r.status == 401);
  BOOST_TEST(r.error_code() == "reauth_required");
  BOOST_TEST(r.json().at("error").at("details").at("provider_error").as_string() == "invalid_grant");
  BOOST_TEST(status_of(host, "google").at("needs_reauth").as_bool());
  // No retry storm: further calls answer from the stored status.
  // Returns a count, not a pointer: a pointer would dangle into the temporary stats document.
  auto token_calls = [&]() -> std::int64_t {
    const auto stats = sandbox.control("GET", "stats");
    const auto* calls = stats.at("calls").as_object().if_contains("oauth2.googleapis.com POST /token");
    return calls ? calls->as_int64() : 0;
  };
  const auto before = token_calls();
  BOOST_TEST(before == 1);
  BOOST_TEST(api.get("/api/v1/unified/auth/google/validate?user_email=" + kUser).status == 401);
  BOOST_TEST(api.post_json("/api/v1/unified/auth/google/refresh?user_email=" + kUser, "{}").status == 401);
  BOOST_TEST(token_calls() == before);
}

BOOST_AUTO_TEST_CASE(no_secret_reaches_the_database_file_or_the_log) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "google");
  connect(host, sandbox, "slack");
  Flow pending = start_flow(host, sandbox, "atlassian");  // leaves a PKCE verifier stored
  host.stop();
  std::string bytes;
  for (const char* suffix : {"", "-wal", "-shm"}) bytes += file_bytes(host.database_path().string() + suffix);
  BOOST_REQUIRE(!bytes.empty());
  for (const char* secret : {"ya29.", "1//sandbox", "xoxb-", "xoxp-", "sandbox-client-secret", kTestApiKey})
    BOOST_TEST(bytes.find(secret) == std::string::npos, secret);
  const std::string state = pending.authorization_url.substr(pending.authorization_url.find("state=") + 6, 43);
  BOOST_TEST(bytes.find(state) == std::string::npos);
  const std::string log = host.log();
  for (const char* secret : {"ya29.", "xoxb-", "sandbox-client-secret", "code="})
    BOOST_TEST(log.find(secret) == std::string::npos, secret);
}

BOOST_AUTO_TEST_CASE(api_keys_are_required_and_tenants_are_isolated) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "google");
  HttpClient anonymous(host.port());
  anonymous.set_bearer("");
  auto missing = anonymous.get("/api/v1/unified/auth/google/status?user_email=" + kUser);
  BOOST_TEST(missing.status == 401);
  BOOST_TEST(missing.error_code() == "unauthorized");
  BOOST_TEST(missing.header("www-authenticate") == "Bearer");
  anonymous.set_bearer("lgk_not-a-real-key");
  BOOST_TEST(anonymous.get("/api/v1/unified/connectors").status == 401);
  BOOST_TEST(anonymous.get("/healthz").status == 200);

  // A key of another tenant, made with the CLI against the same database.
  auto [code, output] = run_host_command({"keys", "create", "--tenant", "other", "--name", "test"},
                                         {{"DATABASE_PATH", host.database_path().string()},
                                          {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}});
  BOOST_REQUIRE_MESSAGE(code == 0, output);
  const std::string other_key = output.substr(0, output.find('\n'));
  BOOST_REQUIRE(other_key.rfind("lgk_", 0) == 0);
  HttpClient other(host.port());
  other.set_bearer(other_key);
  BOOST_TEST(!status_of(host, "google").at("needs_reauth").as_bool());
  auto theirs = other.get("/api/v1/unified/auth/google/status?user_email=" + kUser);
  BOOST_TEST(theirs.status == 200);
  BOOST_TEST(!theirs.json().at("connected").as_bool());
  BOOST_TEST(other.get("/api/v1/unified/auth/google/validate?user_email=" + kUser).status == 404);
  BOOST_TEST(other.request("DELETE", "/api/v1/unified/auth/google/revoke?user_email=" + kUser).status == 404);
  BOOST_TEST(status_of(host, "google").at("connected").as_bool());  // untouched for its owner

  auto [list_code, list] = run_host_command({"keys", "list"}, {{"DATABASE_PATH", host.database_path().string()}});
  BOOST_TEST(list_code == 0);
  BOOST_TEST(list.find("other") != std::string::npos);
  BOOST_TEST(list.find("lgk_") == std::string::npos);  // keys are never shown again
}

BOOST_AUTO_TEST_CASE(unconfigured_and_unknown_providers) {
  SandboxProcess sandbox;
  HostOptions options = oauth_host(sandbox);
  options.environment.erase("SLACK_CLIENT_SECRET");
  HostProcess host(options);
  HttpClient api(host.port());
  auto slack = api.get("/api/v1/unified/auth/slack/url?user_email=" + kUser);
  BOOST_TEST(slack.status == 400);
  BOOST_TEST(slack.error_code() == "provider_not_configured");
  auto unknown = api.get("/api/v1/unified/auth/myspace/url?user_email=" + kUser);
  BOOST_TEST(unknown.status == 404);
  BOOST_TEST(unknown.error_code() == "unknown_provider");
  BOOST_TEST(api.get("/api/v1/unified/auth/google/url").error_code() == "invalid_request");
  auto all = api.get("/api/v1/unified/auth/status?user_email=" + kUser);
  BOOST_REQUIRE(all.status == 200);
  BOOST_TEST(all.json().at("providers").as_array().size() == 4u);
}

BOOST_AUTO_TEST_CASE(encryption_keys_rotate_without_losing_connections) {
  SandboxProcess sandbox;
  const std::string new_key = "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleSE=";  // 32 bytes
  fs::path db;
  {
    HostProcess host(oauth_host(sandbox));
    connect(host, sandbox, "google");
    db = host.dir().parent_path() / ("lagentry-rotate-" + std::to_string(host.port()) + ".db");
    host.stop();
    fs::copy_file(host.database_path(), db);
    for (const char* suffix : {"-wal", "-shm"})
      if (fs::exists(host.database_path().string() + suffix))
        fs::copy_file(host.database_path().string() + suffix, db.string() + suffix);
  }
  // Without the old key the rows cannot be read: the command says so and changes nothing.
  auto [fail_code, fail] = run_host_command({"keys", "rotate-encryption"},
                                            {{"DATABASE_PATH", db.string()}, {"LAGENTRY_ENCRYPTION_KEY", new_key}});
  BOOST_TEST(fail_code == 1, fail);
  auto [code, output] = run_host_command({"keys", "rotate-encryption"},
                                         {{"DATABASE_PATH", db.string()},
                                          {"LAGENTRY_ENCRYPTION_KEY", new_key},
                                          {"LAGENTRY_ENCRYPTION_KEYS_OLD", kTestEncryptionKey}});
  BOOST_TEST(code == 0, output);
  BOOST_TEST(output.find("re-encrypted 1 connections") != std::string::npos, output);
  // The old key is gone; the connection still works.
  HostProcess host(oauth_host(sandbox, {{"DATABASE_PATH", db.string()}, {"LAGENTRY_ENCRYPTION_KEY", new_key}}));
  HttpClient api(host.port());
  auto valid = api.get("/api/v1/unified/auth/google/validate?user_email=" + kUser);
  BOOST_TEST(valid.status == 200, valid.body);
  host.stop();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
}

BOOST_AUTO_TEST_CASE(a_provider_defined_only_by_a_descriptor_file) {
  SandboxProcess sandbox;
  fs::path providers = make_temp_dir("lagentry-providers");
  // Discovery: only the issuer is given; RFC 8414 metadata supplies the endpoints.
  { std::ofstream(providers / "acme.json") << R"({"name":"acme-idp","display_name":"Acme IdP","oauth":{
        "issuer":"https://accounts.google.com","scopes":["openid","email"],"client_auth":"basic","env_prefix":"ACME",
        "authorization_params":{"access_type":"offline"}}})"; }
  // Explicit endpoints, client_secret_post.
  { std::ofstream(providers / "corp.json") << R"({"name":"corp-sso","oauth":{
        "authorization_url":"https://accounts.google.com/o/oauth2/v2/auth","token_url":"https://oauth2.googleapis.com/token",
        "scopes":["email"],"client_auth":"form","pkce":true,"env_prefix":"CORP",
        "userinfo_url":"https://www.googleapis.com/oauth2/v2/userinfo"}})"; }
  HostProcess host(oauth_host(sandbox, {{"LAGENTRY_PROVIDERS_DIR", providers.string()},
                                        {"ACME_CLIENT_ID", "sandbox-client-id"},
                                        {"ACME_CLIENT_SECRET", "sandbox-client-secret"},
                                        {"CORP_CLIENT_ID", "sandbox-client-id"},
                                        {"CORP_CLIENT_SECRET", "sandbox-client-secret"}}));
  HttpClient api(host.port());
  auto listed = api.get("/api/v1/unified/auth/providers");
  BOOST_TEST(listed.body.find("\"acme-idp\"") != std::string::npos);

  Flow acme = connect(host, sandbox, "acme-idp");
  BOOST_TEST(acme.authorization_url.find("/accounts.google.com/o/oauth2/v2/auth") != std::string::npos);
  BOOST_TEST(acme.authorization_url.find("code_challenge_method=S256") != std::string::npos);
  BOOST_TEST(status_of(host, "acme-idp").at("connected").as_bool());
  BOOST_TEST(api.post_json("/api/v1/unified/auth/acme-idp/refresh?user_email=" + kUser, "{}").status == 200);
  // Validate asks the discovered RFC 7662 introspection endpoint.
  auto introspected = api.get("/api/v1/unified/auth/acme-idp/validate?user_email=" + kUser);
  BOOST_TEST(introspected.status == 200, introspected.body);
  BOOST_TEST(introspected.json().at("checked").as_string() == "introspection", introspected.body);
  auto revoked = api.request("DELETE", "/api/v1/unified/auth/acme-idp/revoke?user_email=" + kUser);
  BOOST_TEST(revoked.json().at("provider_revoked").as_bool(), revoked.body);  // revocation_endpoint was discovered
  BOOST_TEST(host.log().find("discovered endpoints of acme-idp") != std::string::npos);

  connect(host, sandbox, "corp-sso");
  BOOST_TEST(status_of(host, "corp-sso").at("connected").as_bool());
  auto userinfo = api.get("/api/v1/unified/auth/corp-sso/validate?user_email=" + kUser);
  BOOST_TEST(userinfo.json().at("checked").as_string() == "userinfo", userinfo.body);
  sandbox.control("POST", "grants/revoke", R"({"provider":"google"})");  // both descriptors use the sandbox's Google
  auto gone = api.get("/api/v1/unified/auth/corp-sso/validate?user_email=" + kUser);
  BOOST_TEST(gone.error_code() == "reauth_required", gone.body);
  fs::remove_all(providers);
}

BOOST_AUTO_TEST_CASE(a_bad_descriptor_file_stops_startup) {
  fs::path providers = make_temp_dir("lagentry-providers");
  { std::ofstream(providers / "broken.json") << R"({"name":"broken","oauth":{"token_url":"nope"}})"; }
  auto [code, output] = run_host_command({}, {{"LAGENTRY_PROVIDERS_DIR", providers.string()},
                                              {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey},
                                              {"DATABASE_PATH", (providers / "x.db").string()}, {"PORT", "0"}});
  BOOST_TEST(code == 1);
  BOOST_TEST(output.find("broken.json") != std::string::npos, output);
  fs::remove_all(providers);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(oauth_tls)

// The browser hop against an HTTPS sandbox, with curl trusting the test CA.
std::string consent_with_curl(const std::string& authorization_url, const fs::path& ca) {
  return run_command("curl -s -o /dev/null -w '%{redirect_url}' --cacert " + shell_quote(ca.string()) + " " +
                     shell_quote(authorization_url))
      .output;
}

HttpResult tls_connect(HostProcess& host, const TestCertificates& certs) {
  HttpClient api(host.port());
  auto url = api.get("/api/v1/unified/auth/google/url?user_email=" + kUser);
  BOOST_REQUIRE_MESSAGE(url.status == 200, url.body);
  const std::string authorization_url(url.json().at("authorization_url").as_string());
  BOOST_TEST(authorization_url.rfind("https://127.0.0.1:", 0) == 0u);
  const std::string location = consent_with_curl(authorization_url, certs.ca_cert);
  BOOST_REQUIRE_MESSAGE(location.find("code=") != std::string::npos, "no redirect: " << location);
  HttpClient browser(host.port());
  browser.set_bearer("");
  return browser.get(path_and_query(location));
}

BOOST_AUTO_TEST_CASE(https_sandbox_trusted_through_the_configured_ca_only) {
  TestCertificates certs = make_test_certificates();
  SandboxProcess sandbox(&certs);
  {
    HostProcess host(oauth_host(sandbox, {{"LAGENTRY_UPSTREAM_CA_FILE", certs.ca_cert.string()}}));
    auto page = tls_connect(host, certs);
    BOOST_TEST(page.status == 200, page.body);
    BOOST_TEST(status_of(host, "google").at("connected").as_bool());
  }
  {
    // Without the CA the sandbox's certificate is not trusted: no tokens are exchanged.
    HostProcess host(oauth_host(sandbox));
    auto page = tls_connect(host, certs);
    BOOST_TEST(page.status == 502, page.body);
    BOOST_TEST(page.body.find("token_exchange_failed") != std::string::npos);
    BOOST_TEST(!status_of(host, "google").at("connected").as_bool());
    BOOST_TEST(host.log().find("certificate verify failed") != std::string::npos, host.log());
  }
  fs::remove_all(certs.dir);
}

BOOST_AUTO_TEST_SUITE_END()
