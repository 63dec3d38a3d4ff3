// OAuth servers of all four providers: flows, PKCE, single-use codes,
// refresh behaviours, client authentication, revocation and identity.
#include "fixture.hpp"

using namespace sandbox_test;
namespace json = boost::json;

namespace {
const std::string kGmailRead = "https://www.googleapis.com/auth/gmail.readonly";

Reply google_token_call(const Fields& form, const Fields& headers = {}) {
  return sandbox().post_form("/oauth2.googleapis.com/token", form, headers);
}

Fields google_authorize_params(const std::string& challenge) {
  return {{"client_id", kClientId}, {"redirect_uri", kRedirect},  {"response_type", "code"},
          {"scope", "email " + kGmailRead}, {"state", "st4te"},       {"access_type", "offline"},
          {"code_challenge", challenge},    {"code_challenge_method", "S256"}};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(oauth)

BOOST_FIXTURE_TEST_CASE(google_code_flow_refresh_has_no_refresh_token, Fresh) {
  auto pkce = make_pkce();
  auto callback = authorize("/accounts.google.com/o/oauth2/v2/auth", google_authorize_params(pkce.challenge));
  BOOST_TEST(callback["state"] == "st4te");
  BOOST_TEST(callback["scope"] == "email " + kGmailRead);  // Google echoes the scope
  // Client credentials in HTTP Basic this time.
  auto reply = google_token_call({{"code", callback["code"]},
                                  {"redirect_uri", kRedirect},
                                  {"grant_type", "authorization_code"},
                                  {"code_verifier", pkce.verifier}},
                                 {{"Authorization", basic_auth(kClientId, kClientSecret)}});
  BOOST_REQUIRE_EQUAL(reply.status, 200);
  auto tokens = reply.json();
  BOOST_TEST(str(tokens, "access_token").starts_with("ya29.sandbox-"));
  BOOST_TEST(str(tokens, "access_token").size() >= 13 + 22);  // >= 128 random bits
  BOOST_TEST(str(tokens, "token_type") == "Bearer");
  BOOST_TEST(tokens.at("expires_in").as_int64() == 3599);
  BOOST_TEST(str(tokens, "scope") == "email " + kGmailRead);
  const auto refresh = str(tokens, "refresh_token");
  BOOST_REQUIRE(!refresh.empty());

  auto refreshed = google_token_call({{"grant_type", "refresh_token"},
                                      {"refresh_token", refresh},
                                      {"client_id", kClientId},
                                      {"client_secret", kClientSecret}});
  BOOST_REQUIRE_EQUAL(refreshed.status, 200);
  auto body = refreshed.json().as_object();
  BOOST_TEST(!body.contains("refresh_token"));
  BOOST_TEST(str(body, "access_token") != str(tokens, "access_token"));
  BOOST_TEST(sandbox().get("/oauth2.googleapis.com/tokeninfo?access_token=" + str(body, "access_token")).status == 200);

  // The old refresh token still works (Google does not rotate).
  BOOST_TEST(google_token_call({{"grant_type", "refresh_token"},
                                {"refresh_token", refresh},
                                {"client_id", kClientId},
                                {"client_secret", kClientSecret}})
                 .status == 200);
  auto stats = sandbox().get("/_sandbox/stats").json();
  BOOST_TEST(stats.at("calls").at("oauth2.googleapis.com POST /token").as_int64() == 3);
  BOOST_TEST(stats.at("token_grants").at("authorization_code").as_int64() == 1);
  BOOST_TEST(stats.at("token_grants").at("refresh_token").as_int64() == 2);
}

BOOST_FIXTURE_TEST_CASE(google_pkce_failure_code_reuse_and_mismatch, Fresh) {
  auto pkce = make_pkce();
  auto code = authorize_code("/accounts.google.com/o/oauth2/v2/auth", google_authorize_params(pkce.challenge));
  Fields form{{"code", code},         {"client_id", kClientId},           {"client_secret", kClientSecret},
              {"redirect_uri", kRedirect}, {"grant_type", "authorization_code"}};
  auto wrong = form;
  wrong.emplace_back("code_verifier", make_pkce().verifier);
  auto reply = google_token_call(wrong);
  BOOST_TEST(reply.status == 400);
  BOOST_TEST(str(reply.json(), "error") == "invalid_grant");

  // A fresh code: wrong redirect_uri, then success, then reuse.
  code = authorize_code("/accounts.google.com/o/oauth2/v2/auth", google_authorize_params(pkce.challenge));
  form[0].second = code;
  auto mismatch = form;
  mismatch[3].second = "http://localhost:9999/other";
  mismatch.emplace_back("code_verifier", pkce.verifier);
  BOOST_TEST(str(google_token_call(mismatch).json(), "error") == "redirect_uri_mismatch");
  form.emplace_back("code_verifier", pkce.verifier);
  auto ok = google_token_call(form);
  BOOST_REQUIRE_EQUAL(ok.status, 200);
  auto reused = google_token_call(form);
  BOOST_TEST(reused.status == 400);
  BOOST_TEST(str(reused.json(), "error") == "invalid_grant");
  // Reuse revoked what the code had issued.
  BOOST_TEST(sandbox().get("/www.googleapis.com/oauth2/v2/userinfo", str(ok.json(), "access_token")).status == 401);
}

BOOST_FIXTURE_TEST_CASE(google_client_errors_denial_revoke_and_identity, Fresh) {
  auto pkce = make_pkce();
  auto code = authorize_code("/accounts.google.com/o/oauth2/v2/auth", google_authorize_params(pkce.challenge));
  auto bad = google_token_call({{"code", code},
                                {"client_id", kClientId},
                                {"client_secret", "wrong"},
                                {"redirect_uri", kRedirect},
                                {"grant_type", "authorization_code"},
                                {"code_verifier", pkce.verifier}});
  BOOST_TEST(bad.status == 401);
  BOOST_TEST(str(bad.json(), "error") == "invalid_client");
  auto unsupported = google_token_call({{"grant_type", "password"}, {"client_id", kClientId}});
  BOOST_TEST(str(unsupported.json(), "error") == "unsupported_grant_type");

  // Missing redirect_uri never redirects.
  BOOST_TEST(sandbox().get("/accounts.google.com/o/oauth2/v2/auth?client_id=" + kClientId).status == 400);

  BOOST_REQUIRE_EQUAL(sandbox().post_json("/_sandbox/consent", json::object{{"deny", true}}).status, 200);
  auto denied = authorize("/accounts.google.com/o/oauth2/v2/auth", google_authorize_params(pkce.challenge));
  BOOST_TEST(denied["error"] == "access_denied");
  BOOST_TEST(denied["state"] == "st4te");
  BOOST_TEST(!denied.contains("code"));
  sandbox().post_json("/_sandbox/consent", json::object{{"deny", false}});

  auto tokens = google_tokens("openid email profile");
  const auto access = str(tokens, "access_token");
  BOOST_TEST(tokens.contains("id_token"));
  auto me = sandbox().get("/www.googleapis.com/oauth2/v2/userinfo", access);
  BOOST_REQUIRE_EQUAL(me.status, 200);
  BOOST_TEST(str(me.json(), "email") == "alice@example.com");
  BOOST_TEST(me.json().at("verified_email").as_bool());
  auto info = sandbox().get("/oauth2.googleapis.com/tokeninfo?access_token=" + access);
  BOOST_REQUIRE_EQUAL(info.status, 200);
  BOOST_TEST(str(info.json(), "aud") == kClientId);

  auto revoked = sandbox().post_form("/oauth2.googleapis.com/revoke?token=" + url_encode(access), {});
  BOOST_TEST(revoked.status == 200);
  auto after = sandbox().get("/www.googleapis.com/oauth2/v2/userinfo", access);
  BOOST_TEST(after.status == 401);
  BOOST_TEST(str(after.json().at("error"), "status") == "UNAUTHENTICATED");
  // The grant's refresh token went with it.
  auto refresh = google_token_call({{"grant_type", "refresh_token"},
                                    {"refresh_token", str(tokens, "refresh_token")},
                                    {"client_id", kClientId},
                                    {"client_secret", kClientSecret}});
  BOOST_TEST(refresh.status == 400);
  BOOST_TEST(str(refresh.json(), "error") == "invalid_grant");
  BOOST_TEST(sandbox().post_form("/oauth2.googleapis.com/revoke", {{"token", access}}).status == 400);
}

BOOST_FIXTURE_TEST_CASE(slack_bot_and_user_tokens, Fresh) {
  auto body = slack_tokens("channels:read,chat:write", "search:read");
  BOOST_TEST(str(body, "access_token").starts_with("xoxb-"));
  BOOST_TEST(str(body, "token_type") == "bot");
  BOOST_TEST(str(body, "scope") == "channels:read,chat:write");
  BOOST_TEST(str(body, "bot_user_id") == "U0BOT");
  BOOST_TEST(str(body.at("team"), "id") == "T0SANDBOX");
  BOOST_TEST(body.at("enterprise").is_null());
  BOOST_TEST(!body.contains("refresh_token"));  // no rotation by default
  const auto& user = body.at("authed_user");
  BOOST_TEST(str(user, "access_token").starts_with("xoxp-"));
  BOOST_TEST(str(user, "token_type") == "user");
  BOOST_TEST(str(user, "scope") == "search:read");

  auto test = sandbox().get("/slack.com/api/auth.test", str(body, "access_token")).json();
  BOOST_TEST(test.at("ok").as_bool());
  BOOST_TEST(str(test, "bot_id") == "B0BOT");
  auto user_test = sandbox().get("/slack.com/api/auth.test", str(user, "access_token")).json();
  BOOST_TEST(str(user_test, "user_id") == "U0ALICE");

  // Only user scopes: the token lives in authed_user alone.
  auto user_only = slack_tokens("", "search:read");
  BOOST_TEST(!user_only.contains("access_token"));
  BOOST_TEST(str(user_only.at("authed_user"), "access_token").starts_with("xoxp-"));

  auto revoke = sandbox().post_form("/slack.com/api/auth.revoke", {}, {{"Authorization", "Bearer " + str(body, "access_token")}});
  BOOST_TEST(revoke.json().at("revoked").as_bool());
  auto after = sandbox().get("/slack.com/api/auth.test", str(body, "access_token"));
  BOOST_TEST(after.status == 200);
  BOOST_TEST(str(after.json(), "error") == "invalid_auth");
}

BOOST_FIXTURE_TEST_CASE(slack_rotation_refresh_and_errors, Fresh) {
  BOOST_REQUIRE_EQUAL(sandbox().post_json("/_sandbox/settings", json::object{{"slack_token_rotation", true}}).status, 200);
  auto body = slack_tokens("chat:write", "search:read");
  const auto refresh = str(body, "refresh_token");
  BOOST_TEST(refresh.starts_with("xoxe-1-"));
  BOOST_TEST(body.at("expires_in").as_int64() == 43200);
  BOOST_TEST(str(body.at("authed_user"), "refresh_token").starts_with("xoxe-1-"));
  BOOST_TEST(body.at("authed_user").at("expires_in").as_int64() == 43200);

  auto refreshed = sandbox().post_form("/slack.com/api/oauth.v2.access",
                                       {{"grant_type", "refresh_token"},
                                        {"refresh_token", refresh},
                                        {"client_id", kClientId},
                                        {"client_secret", kClientSecret}});
  auto r = refreshed.json();
  BOOST_TEST(r.at("ok").as_bool());
  BOOST_TEST(str(r, "access_token").starts_with("xoxb-"));
  BOOST_TEST(str(r, "access_token") != str(body, "access_token"));
  BOOST_TEST(r.at("expires_in").as_int64() == 43200);

  // Expired access token -> token_expired; bad refresh -> invalid_refresh_token (HTTP 200 both).
  sandbox().post_json("/_sandbox/tokens/expire", json::object{{"token", str(r, "access_token")}});
  auto expired = sandbox().get("/slack.com/api/auth.test", str(r, "access_token"));
  BOOST_TEST(expired.status == 200);
  BOOST_TEST(str(expired.json(), "error") == "token_expired");
  auto bad = sandbox().post_form("/slack.com/api/oauth.v2.access",
                                 {{"grant_type", "refresh_token"}, {"refresh_token", "xoxe-1-nope"}},
                                 {{"Authorization", basic_auth(kClientId, kClientSecret)}});
  BOOST_TEST(bad.status == 200);
  BOOST_TEST(str(bad.json(), "error") == "invalid_refresh_token");
  auto secret = sandbox().post_form("/slack.com/api/oauth.v2.access", {{"code", "x"}},
                                    {{"Authorization", basic_auth(kClientId, "nope")}});
  BOOST_TEST(str(secret.json(), "error") == "bad_client_secret");
  auto code = sandbox().post_form("/slack.com/api/oauth.v2.access", {{"code", "x"}, {"redirect_uri", kRedirect}},
                                  {{"Authorization", basic_auth(kClientId, kClientSecret)}});
  BOOST_TEST(str(code.json(), "error") == "invalid_code");
}

BOOST_FIXTURE_TEST_CASE(atlassian_rotation_sites_and_identity, Fresh) {
  auto tokens = atlassian_tokens("read:jira-work read:me offline_access");
  BOOST_TEST(tokens.at("expires_in").as_int64() == 3600);
  BOOST_TEST(str(tokens, "token_type") == "Bearer");
  const auto first_refresh = str(tokens, "refresh_token");
  BOOST_REQUIRE(!first_refresh.empty());

  auto refresh = [](const std::string& token) {
    return sandbox().post_json("/auth.atlassian.com/oauth/token", json::object{{"grant_type", "refresh_token"},
                                                                               {"client_id", kClientId},
                                                                               {"client_secret", kClientSecret},
                                                                               {"refresh_token", token}});
  };
  auto rotated = refresh(first_refresh);
  BOOST_REQUIRE_EQUAL(rotated.status, 200);
  const auto second_refresh = str(rotated.json(), "refresh_token");
  BOOST_TEST(!second_refresh.empty());
  BOOST_TEST(second_refresh != first_refresh);
  auto old = refresh(first_refresh);
  BOOST_TEST(old.status == 403);
  BOOST_TEST(str(old.json(), "error") == "invalid_grant");
  BOOST_TEST(str(old.json(), "error_description") == "Unknown or invalid refresh token.");
  BOOST_TEST(refresh(second_refresh).status == 200);

  const auto access = str(tokens, "access_token");
  auto resources = sandbox().get("/api.atlassian.com/oauth/token/accessible-resources", access);
  BOOST_REQUIRE_EQUAL(resources.status, 200);
  BOOST_TEST(resources.json().as_array().size() == 2u);
  auto me = sandbox().get("/api.atlassian.com/me", access);
  BOOST_REQUIRE_EQUAL(me.status, 200);
  BOOST_TEST(str(me.json(), "account_id") == "5b10ac8d82e05b22cc7d4ef5");
  auto anonymous = sandbox().get("/api.atlassian.com/me");
  BOOST_TEST(anonymous.status == 401);
  BOOST_TEST(anonymous.json().at("code").as_int64() == 401);
  BOOST_TEST(str(anonymous.json(), "message") == "Unauthorized");

  // Consent restricted to one site: the grant covers only that one.
  sandbox().post_json("/_sandbox/settings", json::object{{"atlassian_sites", json::array{kBeta}}});
  auto beta = atlassian_tokens("read:jira-work");
  auto only = sandbox().get("/api.atlassian.com/oauth/token/accessible-resources", str(beta, "access_token")).json();
  BOOST_REQUIRE_EQUAL(only.as_array().size(), 1u);
  BOOST_TEST(str(only.as_array()[0], "id") == kBeta);
  BOOST_TEST(!beta.contains("refresh_token"));  // no offline_access
  BOOST_TEST(sandbox().get("/api.atlassian.com/ex/jira/" + kAcme + "/rest/api/3/myself", str(beta, "access_token")).status == 401);
}

BOOST_FIXTURE_TEST_CASE(atlassian_code_errors, Fresh) {
  auto code = authorize_code("/auth.atlassian.com/authorize", {{"audience", "api.atlassian.com"},
                                                               {"client_id", kClientId},
                                                               {"scope", "read:jira-work"},
                                                               {"redirect_uri", kRedirect},
                                                               {"state", "st4te"},
                                                               {"response_type", "code"}});
  json::object body{{"grant_type", "authorization_code"}, {"client_id", kClientId}, {"client_secret", "bad"},
                    {"code", code},                       {"redirect_uri", kRedirect}};
  auto bad_client = sandbox().post_json("/auth.atlassian.com/oauth/token", body);
  BOOST_TEST(bad_client.status == 401);
  BOOST_TEST(str(bad_client.json(), "error") == "invalid_client");
  body["client_secret"] = kClientSecret;
  BOOST_TEST(sandbox().post_json("/auth.atlassian.com/oauth/token", body).status == 200);
  auto reuse = sandbox().post_json("/auth.atlassian.com/oauth/token", body);
  BOOST_TEST(reuse.status == 403);
  BOOST_TEST(str(reuse.json(), "error") == "invalid_grant");
}

BOOST_FIXTURE_TEST_CASE(bitbucket_flow_pkce_and_refresh, Fresh) {
  auto tokens = bitbucket_tokens();
  BOOST_TEST(str(tokens, "token_type") == "bearer");
  BOOST_TEST(!str(tokens, "scopes").empty());
  BOOST_TEST(!tokens.contains("scope"));
  BOOST_TEST(tokens.at("expires_in").as_int64() == 7200);
  BOOST_TEST(str(tokens, "state") == "authorization_code");
  auto user = sandbox().get("/api.bitbucket.org/2.0/user", str(tokens, "access_token"));
  BOOST_REQUIRE_EQUAL(user.status, 200);
  BOOST_TEST(str(user.json(), "type") == "user");

  const Fields basic{{"Authorization", basic_auth(kClientId, kClientSecret)}};
  auto refreshed = sandbox().post_form("/bitbucket.org/site/oauth2/access_token",
                                       {{"grant_type", "refresh_token"}, {"refresh_token", str(tokens, "refresh_token")}},
                                       basic);
  BOOST_REQUIRE_EQUAL(refreshed.status, 200);
  BOOST_TEST(str(refreshed.json(), "access_token") != str(tokens, "access_token"));

  auto pkce = make_pkce();
  auto code = authorize_code("/bitbucket.org/site/oauth2/authorize", {{"client_id", kClientId},
                                                                      {"response_type", "code"},
                                                                      {"redirect_uri", kRedirect},
                                                                      {"state", "st4te"},
                                                                      {"code_challenge", pkce.challenge},
                                                                      {"code_challenge_method", "S256"}});
  auto missing = sandbox().post_form("/bitbucket.org/site/oauth2/access_token",
                                     {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirect}},
                                     basic);
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(str(missing.json(), "error") == "invalid_grant");
  auto bad_client = sandbox().post_form("/bitbucket.org/site/oauth2/access_token",
                                        {{"grant_type", "refresh_token"}, {"refresh_token", "x"}},
                                        {{"Authorization", basic_auth(kClientId, "wrong")}});
  BOOST_TEST(str(bad_client.json(), "error") == "invalid_client");
  auto bad_refresh = sandbox().post_form("/bitbucket.org/site/oauth2/access_token",
                                         {{"grant_type", "refresh_token"}, {"refresh_token", "nope"}}, basic);
  BOOST_TEST(bad_refresh.status == 400);
  BOOST_TEST(str(bad_refresh.json(), "error") == "invalid_grant");
}

BOOST_AUTO_TEST_SUITE_END()
