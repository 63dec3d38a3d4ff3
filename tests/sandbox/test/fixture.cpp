#include "fixture.hpp"

#include <memory>

namespace sandbox_test {
namespace json = boost::json;

namespace {
std::unique_ptr<SandboxProcess>& process() {
  static std::unique_ptr<SandboxProcess> p;
  return p;
}

// Global fixture: the sandbox lives for the whole test run.
struct GlobalSandbox {
  GlobalSandbox() { process() = std::make_unique<SandboxProcess>(); }
  ~GlobalSandbox() { process().reset(); }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalSandbox);
}  // namespace

const Client& sandbox() {
  static Client client(process()->port());
  return client;
}

Fresh::Fresh() {
  auto reply = sandbox().post_json("/_sandbox/reset", json::object{});
  BOOST_REQUIRE_EQUAL(reply.status, 200);
}

std::map<std::string, std::string> authorize(const std::string& path, const Fields& params) {
  auto reply = sandbox().get(path + "?" + query_string(params));
  BOOST_REQUIRE_EQUAL(reply.status, 302);
  BOOST_REQUIRE(reply.header("location").starts_with(kRedirect));
  return location_params(reply);
}

std::string authorize_code(const std::string& path, const Fields& params) {
  auto callback = authorize(path, params);
  BOOST_REQUIRE_EQUAL(callback["state"], "st4te");
  BOOST_REQUIRE(!callback["code"].empty());
  return callback["code"];
}

std::string str(const json::value& v, std::string_view key) {
  const auto* member = v.as_object().if_contains(key);
  return member && member->is_string() ? std::string(member->as_string()) : std::string();
}

json::object google_tokens(const std::string& scopes, bool offline) {
  auto pkce = make_pkce();
  Fields params{{"client_id", kClientId}, {"redirect_uri", kRedirect}, {"response_type", "code"},
                {"scope", scopes},        {"state", "st4te"},          {"code_challenge", pkce.challenge},
                {"code_challenge_method", "S256"}};
  if (offline) params.emplace_back("access_type", "offline");
  auto code = authorize_code("/accounts.google.com/o/oauth2/v2/auth", params);
  auto reply = sandbox().post_form("/oauth2.googleapis.com/token",
                                   {{"code", code},
                                    {"client_id", kClientId},
                                    {"client_secret", kClientSecret},
                                    {"redirect_uri", kRedirect},
                                    {"grant_type", "authorization_code"},
                                    {"code_verifier", pkce.verifier}});
  BOOST_REQUIRE_EQUAL(reply.status, 200);
  return reply.json().as_object();
}

json::object slack_tokens(const std::string& scopes, const std::string& user_scopes) {
  auto code = authorize_code("/slack.com/oauth/v2/authorize", {{"client_id", kClientId},
                                                               {"scope", scopes},
                                                               {"user_scope", user_scopes},
                                                               {"redirect_uri", kRedirect},
                                                               {"state", "st4te"}});
  auto reply = sandbox().post_form("/slack.com/api/oauth.v2.access", {{"code", code}, {"redirect_uri", kRedirect}},
                                   {{"Authorization", basic_auth(kClientId, kClientSecret)}});
  BOOST_REQUIRE_EQUAL(reply.status, 200);
  auto body = reply.json().as_object();
  BOOST_REQUIRE(body.at("ok").as_bool());
  return body;
}

json::object atlassian_tokens(const std::string& scopes) {
  auto code = authorize_code("/auth.atlassian.com/authorize", {{"audience", "api.atlassian.com"},
                                                               {"client_id", kClientId},
                                                               {"scope", scopes},
                                                               {"redirect_uri", kRedirect},
                                                               {"state", "st4te"},
                                                               {"response_type", "code"},
                                                               {"prompt", "consent"}});
  auto reply = sandbox().post_json("/auth.atlassian.com/oauth/token", json::object{{"grant_type", "authorization_code"},
                                                                                   {"client_id", kClientId},
                                                                                   {"client_secret", kClientSecret},
                                                                                   {"code", code},
                                                                                   {"redirect_uri", kRedirect}});
  BOOST_REQUIRE_EQUAL(reply.status, 200);
  return reply.json().as_object();
}

json::object bitbucket_tokens() {
  auto code = authorize_code("/bitbucket.org/site/oauth2/authorize", {{"client_id", kClientId},
                                                                      {"response_type", "code"},
                                                                      {"redirect_uri", kRedirect},
                                                                      {"state", "st4te"}});
  auto reply = sandbox().post_form("/bitbucket.org/site/oauth2/access_token",
                                   {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirect}},
                                   {{"Authorization", basic_auth(kClientId, kClientSecret)}});
  BOOST_REQUIRE_EQUAL(reply.status, 200);
  return reply.json().as_object();
}

}  // namespace sandbox_test
