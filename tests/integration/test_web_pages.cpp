// Pages for people: connect links and the connect page (end users), the
// operator console, and the landing page. The HTTP-level cases check what a
// browser relies on (cookies, CSRF, expiry, no secrets); the browser cases
// run the flows in Debian's chromium (tests/browser/*.mjs, puppeteer-core)
// with JavaScript off for the connect page, and keep a screenshot of every
// page in <build>/test-artifacts/pages.
#include "tests/support/command.hpp"
#include "tests/support/oauth_flow.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace lagentry::test;

namespace {

const fs::path kNodeModules = fs::path(LAGENTRY_SOURCE_DIR) / "scripts" / "node" / "node_modules";
const fs::path kArtifacts = fs::path(LAGENTRY_BINARY_DIR) / "test-artifacts" / "pages";

HttpResult create_session(HostProcess& host, const std::string& body, const std::string& key = kTestApiKey) {
  HttpClient api(host.port());
  api.set_bearer(key);
  return api.post_json("/api/v1/unified/connect/sessions", body);
}

std::string session_url(HostProcess& host, const std::string& body) {
  auto r = create_session(host, body);
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  return std::string(r.json().at("url").as_string());
}

// "lagentry_connect=abc; Path=..." -> "lagentry_connect=abc"
std::string cookie_pair(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }

// Opens a connect link the way a browser does: the cookie it sets.
std::string open_link(HostProcess& host, const std::string& url) {
  HttpClient browser(host.port());
  browser.set_bearer("");
  auto r = browser.get(path_and_query(url));
  BOOST_REQUIRE_MESSAGE(r.status == 303, r.body);
  BOOST_TEST(r.header("location") == "/connect");
  return r.header("set-cookie");
}

std::string csrf_of(const std::string& page) {
  const std::string marker = "name=\"csrf\" value=\"";
  const auto at = page.find(marker);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "no CSRF token on the page");
  return page.substr(at + marker.size(), page.find('"', at + marker.size()) - at - marker.size());
}

HttpResult post_form(HostProcess& host, const std::string& path, const std::string& form, const std::string& cookie) {
  HttpClient browser(host.port());
  browser.set_bearer("");
  return browser.request("POST", path, form,
                         {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", cookie}});
}

HttpResult get_page(HostProcess& host, const std::string& path, const std::string& cookie) {
  HttpClient browser(host.port());
  browser.set_bearer("");
  return browser.get(path, {{"Cookie", cookie}});
}

std::string sign_in(HostProcess& host, const std::string& key = kTestApiKey) {
  auto r = post_form(host, "/console/sign-in", "api_key=" + key, "");
  BOOST_REQUIRE_MESSAGE(r.status == 303, r.body);
  return r.header("set-cookie");
}

std::string database_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* suffix : {"-wal", "-journal"}) {
    std::ifstream extra(file.string() + suffix, std::ios::binary);
    bytes.append((std::istreambuf_iterator<char>(extra)), std::istreambuf_iterator<char>());
  }
  return bytes;
}

CommandResult run_browser_script(const std::string& script, const std::vector<std::string>& arguments) {
  BOOST_REQUIRE_MESSAGE(fs::exists(kNodeModules / "puppeteer-core"), "scripts/setup installs puppeteer-core");
  fs::create_directories(kArtifacts);
  std::string command = "node " + shell_quote(std::string(LAGENTRY_SOURCE_DIR) + "/tests/browser/" + script) + " " +
                        shell_quote(kNodeModules.string()) + " " + shell_quote(kArtifacts.string());
  for (const auto& a : arguments) command += " " + shell_quote(a);
  auto run = run_command(command + " 2>&1");
  BOOST_TEST_MESSAGE(run.output);
  return run;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(connect_sessions)

BOOST_AUTO_TEST_CASE(links_are_checked_stored_hashed_and_expire) {
  SandboxProcess sandbox;
  // A 1 s state lifetime also makes the purger run every second.
  HostProcess host(oauth_host(sandbox, {{"LAGENTRY_REDIRECT_ALLOWLIST", "https://app.example.com/back"},
                                        {"LAGENTRY_STATE_TTL_SECONDS", "1"}}));
  struct Bad {
    std::string body;
    std::string field;
  };
  for (const auto& bad : std::vector<Bad>{{R"({})", "user_email"},
                                          {R"({"user_email":"not an email"})", "user_email"},
                                          {R"({"user_email":"a@example.com","providers":["nope"]})", "providers"},
                                          {R"({"user_email":"a@example.com","providers":"google"})", "providers"},
                                          {R"({"user_email":"a@example.com","redirect_to":"https://evil.example.com/"})", "redirect_to"},
                                          {R"({"user_email":"a@example.com","expires_in":0})", "expires_in"},
                                          {R"({"user_email":"a@example.com","expires_in":1e40})", "expires_in"},
                                          {R"({"user_email":"a@example.com","extra":1})", "extra"}}) {
    auto r = create_session(host, bad.body);
    BOOST_TEST(r.status == 400, bad.body << ": " << r.body);
    BOOST_TEST(r.error_code() == "invalid_request", bad.body);
    BOOST_TEST(r.json().at("error").at("details").at("field").as_string() == bad.field, bad.body);
  }
  BOOST_TEST(create_session(host, "{").error_code() == "invalid_json");
  HttpClient anonymous(host.port());
  anonymous.set_bearer("");
  BOOST_TEST(anonymous.post_json("/api/v1/unified/connect/sessions", R"({"user_email":"a@example.com"})").status == 401);

  // A key bound to one user makes links for that user only.
  const std::string bob_key = create_api_key(host, {"--tenant", "acme", "--user", "bob@example.com"});
  BOOST_TEST(create_session(host, R"({"user_email":"alice@example.com"})", bob_key).status == 403);
  BOOST_TEST(create_session(host, R"({"user_email":"bob@example.com"})", bob_key).status == 201);

  auto made = create_session(host, R"({"user_email":"alice@example.com","providers":["google","google"],)"
                                   R"("redirect_to":"https://app.example.com/back/done","expires_in":1})");
  BOOST_REQUIRE_MESSAGE(made.status == 201, made.body);
  const json::object link = made.json().as_object();
  BOOST_TEST(link.at("id").as_string().starts_with("cs_"));
  BOOST_TEST(link.at("providers").as_array() == json::array{"google"});
  BOOST_TEST(link.at("redirect_to").as_string() == "https://app.example.com/back/done");
  const std::string url(link.at("url").as_string());
  const std::string token = url.substr(url.rfind('/') + 1);
  BOOST_TEST(token.size() >= 43u);
  BOOST_TEST(database_bytes(host.database_path()).find(token) == std::string::npos, "the link's token is stored only hashed");

  // The link opens once the cookie is set; after expires_in it is dead.
  const std::string cookie = open_link(host, url);
  BOOST_TEST(cookie.find("HttpOnly") != std::string::npos);
  BOOST_TEST(cookie.find("SameSite=Lax") != std::string::npos);
  BOOST_TEST(cookie.find("Path=/connect") != std::string::npos);
  BOOST_TEST(cookie.find("Secure") == std::string::npos, "served over http");
  BOOST_TEST(get_page(host, "/connect", cookie_pair(cookie)).status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  auto expired = get_page(host, "/connect", cookie_pair(cookie));
  BOOST_TEST(expired.status == 404);
  BOOST_TEST(expired.body.find("expired") != std::string::npos, expired.body);
  HttpClient browser(host.port());
  browser.set_bearer("");
  BOOST_TEST(browser.get(path_and_query(url)).status == 404);
  BOOST_TEST(browser.get("/connect/forged-token").status == 404);
  BOOST_TEST(browser.get("/connect").status == 404, "no cookie, no page");

  // Expired links leave the database; live ones (bob's) stay.
  auto link_rows = [&] {
    soci::session sql(soci::sqlite3, "db=\"" + host.database_path().string() + "\" timeout=10");
    long long n = 0;
    sql << "SELECT COUNT(*) FROM connect_sessions", soci::into(n);
    return n;
  };
  for (int i = 0; i < 50 && link_rows() > 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  BOOST_TEST(link_rows() == 1);
}

BOOST_AUTO_TEST_CASE(the_page_connects_and_disconnects_with_csrf_tokens) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  const std::string cookie = cookie_pair(open_link(host, session_url(host, R"({"user_email":"alice@example.com","providers":["google","slack"]})")));
  auto page = get_page(host, "/connect", cookie);
  BOOST_REQUIRE(page.status == 200);
  BOOST_TEST(page.header("content-security-policy").find("default-src 'none'") != std::string::npos);
  BOOST_TEST(page.header("cache-control") == "no-store");
  BOOST_TEST(page.body.find("<script") == std::string::npos);
  BOOST_TEST(page.body.find("id=\"provider-google\" data-state=\"not_connected\"") != std::string::npos, page.body);
  BOOST_TEST(page.body.find("provider-atlassian") == std::string::npos, "only the session's providers");
  const std::string csrf = csrf_of(page.body);

  // Without the page's token nothing happens.
  BOOST_TEST(post_form(host, "/connect/authorize", "provider=google", cookie).status == 403);
  BOOST_TEST(post_form(host, "/connect/authorize", "provider=google&csrf=x" + csrf.substr(1), cookie).status == 403);
  BOOST_TEST(post_form(host, "/connect/authorize", "provider=google&csrf=" + csrf, "").status == 404);
  BOOST_TEST(post_form(host, "/connect/authorize", "provider=atlassian&csrf=" + csrf, cookie).status == 400);

  auto start = post_form(host, "/connect/authorize", "provider=google&csrf=" + csrf, cookie);
  BOOST_REQUIRE_MESSAGE(start.status == 303, start.body);
  HttpClient provider(sandbox.port());
  provider.set_bearer("");
  auto consent = provider.get(path_and_query(start.header("location")));
  BOOST_REQUIRE(consent.status == 302);
  const std::string callback = path_and_query(consent.header("location"));
  auto back = get_page(host, callback, "");
  BOOST_REQUIRE_MESSAGE(back.status == 302, back.body);
  BOOST_TEST(back.header("location") == "/connect?status=connected&provider=google");
  auto connected = get_page(host, back.header("location"), cookie);
  BOOST_TEST(connected.body.find("Your Google account is connected.") != std::string::npos, connected.body);
  BOOST_TEST(connected.body.find("id=\"provider-google\" data-state=\"connected\"") != std::string::npos);
  BOOST_TEST(status_of(host, "google").at("connected").as_bool());

  // Reloading the finished callback goes back to the page's current state.
  auto reloaded = get_page(host, callback, "");
  BOOST_TEST(reloaded.status == 302);
  BOOST_TEST(reloaded.header("location") == "/connect?provider=google");

  auto gone = post_form(host, "/connect/disconnect", "provider=google&csrf=" + csrf, cookie);
  BOOST_REQUIRE_MESSAGE(gone.status == 303, gone.body);
  BOOST_TEST(gone.header("location") == "/connect?status=disconnected&provider=google");
  BOOST_TEST(!status_of(host, "google").at("connected").as_bool());
  BOOST_TEST(post_form(host, "/connect/disconnect", "provider=google&csrf=" + csrf, "lagentry_connect=forged").status == 404);
  BOOST_TEST(post_form(host, "/connect/disconnect", "%zz", cookie).status == 400, "a malformed form");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(console)

BOOST_AUTO_TEST_CASE(sessions_are_server_side_strict_and_end_with_their_key) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox, {{"LAGENTRY_PUBLIC_URL", "https://lagentry.example.com"}}));
  HttpClient browser(host.port());
  browser.set_bearer("");
  auto anonymous = browser.get("/console/connections");
  BOOST_TEST(anonymous.status == 303);
  BOOST_TEST(anonymous.header("location") == "/console/sign-in");
  BOOST_TEST(post_form(host, "/console/sign-in", "api_key=lgk_wrong", "").status == 401);
  const std::string tenant_key = create_api_key(host, {"--tenant", "acme"});
  BOOST_TEST(post_form(host, "/console/sign-in", "api_key=" + tenant_key, "").status == 403);

  const std::string operator_key = create_api_key(host, {"--operator", "--name", "console-test"});
  const std::string set = sign_in(host, operator_key);
  BOOST_TEST(set.find("HttpOnly") != std::string::npos);
  BOOST_TEST(set.find("SameSite=Strict") != std::string::npos);
  BOOST_TEST(set.find("Path=/console") != std::string::npos);
  BOOST_TEST(set.find("Secure") != std::string::npos, "the public URL is https");
  const std::string cookie = cookie_pair(set);
  BOOST_TEST(database_bytes(host.database_path()).find(cookie.substr(cookie.find('=') + 1)) == std::string::npos,
             "the session is stored only hashed");
  for (const char* page : {"/console/connections", "/console/activity", "/console/plugins", "/console/settings"}) {
    auto r = get_page(host, page, cookie);
    BOOST_TEST(r.status == 200, page);
    BOOST_TEST(r.header("content-security-policy").find("form-action 'self'") != std::string::npos, page);
    BOOST_TEST(r.body.find("<script") == std::string::npos, page);
  }
  // No secret on the settings page.
  auto settings = get_page(host, "/console/settings", cookie);
  const std::vector<std::string> secrets{kTestApiKey, kTestEncryptionKey, operator_key, "sandbox-client-secret"};
  for (const auto& secret : secrets)
    BOOST_TEST(settings.body.find(secret) == std::string::npos);
  BOOST_TEST(settings.body.find("https://lagentry.example.com") != std::string::npos);

  // POSTs need the session's CSRF token.
  BOOST_TEST(post_form(host, "/console/plugins/reload", "csrf=nope", cookie).status == 403);
  const std::string csrf = csrf_of(get_page(host, "/console/plugins", cookie).body);
  auto reload = post_form(host, "/console/plugins/reload", "csrf=" + csrf, cookie);
  BOOST_TEST(reload.status == 303);
  BOOST_TEST(reload.header("location").starts_with("/console/plugins?done=reloaded"));

  // Forms are decoded as browsers encode them ('@' as %40, spaces as '+').
  auto link = post_form(host, "/console/connect-links",
                        "csrf=" + csrf + "&tenant=default&user_email=erin%40example.com&provider_google=on&expires_in_minutes=+5", cookie);
  BOOST_TEST(link.status == 200);
  BOOST_TEST(link.body.find("Send this link to erin@example.com") != std::string::npos, link.body);
  BOOST_TEST(post_form(host, "/console/connect-links", "csrf=" + csrf + "&csrf=" + csrf, cookie).status == 400, "a repeated field");

  // Revoking the key ends its sessions at once.
  auto keys = run_host_command({"keys", "list"}, {{"DATABASE_PATH", host.database_path().string()}, {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}});
  std::string key_id;
  for (std::size_t at = keys.second.find("key_"); at != std::string::npos; at = keys.second.find("key_", at + 1)) {
    const std::string line = keys.second.substr(at, keys.second.find('\n', at) - at);
    if (line.find("console-test") != std::string::npos) key_id = line.substr(0, line.find_first_of(" \t"));
  }
  BOOST_REQUIRE_MESSAGE(!key_id.empty(), keys.second);
  BOOST_TEST(get_page(host, "/console/settings", cookie).status == 200);
  BOOST_TEST(run_host_command({"keys", "revoke", key_id}, {{"DATABASE_PATH", host.database_path().string()}, {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}}).first == 0);
  BOOST_TEST(get_page(host, "/console/settings", cookie).status == 303);

  // Sign-out ends the session on the server, not only in the browser.
  const std::string second = cookie_pair(sign_in(host));
  const std::string second_csrf = csrf_of(get_page(host, "/console/connections", second).body);
  auto out = post_form(host, "/console/sign-out", "csrf=" + second_csrf, second);
  BOOST_TEST(out.status == 303);
  BOOST_TEST(out.header("set-cookie").find("Max-Age=0") != std::string::npos);
  BOOST_TEST(get_page(host, "/console/connections", second).status == 303);
}

BOOST_AUTO_TEST_CASE(landing_page_links_the_rest) {
  HostOptions options;
  options.plugins = {product_plugin_dir() / "google.so"};
  HostProcess host(options);
  HttpClient browser(host.port());
  browser.set_bearer("");
  auto page = browser.get("/");
  BOOST_REQUIRE(page.status == 200);
  BOOST_TEST(page.header("content-type") == "text/html; charset=utf-8");
  for (const char* link : {"href=\"/docs\"", "href=\"/console\"", "href=\"/healthz\"", "href=\"/readyz\"", "Google"})
    BOOST_TEST(page.body.find(link) != std::string::npos, link);
  auto css = browser.get("/assets/lagentry.css");
  BOOST_TEST(css.status == 200);
  BOOST_TEST(css.header("content-type") == "text/css; charset=utf-8");
  BOOST_TEST(css.body.find(".provider") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pages_in_a_browser)

// An end user with only a connect link connects Google, Slack and Atlassian,
// reloads a finished callback, disconnects one, and (with a second link
// that names the app) is sent back to the app after each outcome.
BOOST_AUTO_TEST_CASE(connect_page) {
  SandboxProcess sandbox;
  const std::string app = "http://127.0.0.1:" + std::to_string(sandbox.port()) + "/app/return";
  HostProcess host(oauth_host(sandbox, {{"LAGENTRY_REDIRECT_ALLOWLIST", app}}));
  const std::string plain = session_url(host, R"({"user_email":"carol@example.com","providers":["google","slack","atlassian"]})");
  const std::string with_app = session_url(host, R"({"user_email":"dave@example.com","providers":["google"],"redirect_to":")" + app + "\"}");
  auto run = run_browser_script("connect_page.mjs", {plain, with_app, app});
  BOOST_TEST(run.exit_code == 0, run.output);
  BOOST_TEST(run.output.find("connect page: ok") != std::string::npos, run.output);
  BOOST_TEST(status_of(host, "google", "carol@example.com").at("connected").as_bool());
  BOOST_TEST(!status_of(host, "slack", "carol@example.com").at("connected").as_bool(), "disconnected in the browser");
  BOOST_TEST(status_of(host, "atlassian", "carol@example.com").at("connected").as_bool());
  BOOST_TEST(status_of(host, "google", "dave@example.com").at("connected").as_bool());
}

// An operator signs in (a bad key first), finds a user's connections,
// revokes one, sees the activity it caused, reloads plugins, makes a connect
// link and signs out.
BOOST_AUTO_TEST_CASE(console) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "google");
  connect(host, sandbox, "slack");
  auto run = run_browser_script("console.mjs", {"http://127.0.0.1:" + std::to_string(host.port()), kTestApiKey, kUser});
  BOOST_TEST(run.exit_code == 0, run.output);
  BOOST_TEST(run.output.find("console: ok") != std::string::npos, run.output);
  BOOST_TEST(!status_of(host, "slack").at("connected").as_bool(), "revoked in the browser");
  BOOST_TEST(status_of(host, "google").at("connected").as_bool());
}

BOOST_AUTO_TEST_SUITE_END()
