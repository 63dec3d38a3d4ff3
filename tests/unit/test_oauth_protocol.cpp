// The OAuth client protocol's pure parts and encryption at rest.
#include "core/crypto/encoding.hpp"
#include "core/crypto/secret_box.hpp"
#include "core/oauth/oauth_protocol.hpp"
#include "core/oauth/scope_requirements.hpp"
#include "core/oauth/token_check.hpp"

#include <boost/test/unit_test.hpp>

using namespace lagentry;
using oauth::TokenError;
using oauth::TokenSet;

namespace {
plugin::OAuthDescriptor descriptor(plugin::ClientAuth auth) {
  plugin::OAuthDescriptor d;
  d.authorization_url = "https://idp.test/authorize?audience=x";
  d.token_url = "https://idp.test/token";
  d.revoke_url = "https://idp.test/revoke";
  d.client_auth = auth;
  return d;
}
const oauth::ClientConfig kClient{"client id", "s3cret+/=", "https://app.test/cb"};

runtime::UpstreamResponse reply(int status, std::string body) { return {status, {}, std::move(body), ""}; }
}  // namespace

BOOST_AUTO_TEST_SUITE(oauth_protocol)

BOOST_AUTO_TEST_CASE(pkce_s256_matches_rfc7636_appendix_b) {
  BOOST_TEST(oauth::s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") ==
             "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  auto pkce = oauth::make_pkce();
  BOOST_TEST(pkce.verifier.size() == 43u);
  BOOST_TEST(pkce.challenge == oauth::s256_challenge(pkce.verifier));
  BOOST_TEST(oauth::make_pkce().verifier != pkce.verifier);
}

BOOST_AUTO_TEST_CASE(authorization_url_carries_every_parameter) {
  auto d = descriptor(plugin::ClientAuth::form);
  d.scope_separator = ",";
  d.authorization_params = {{"prompt", "consent"}};
  auto url = oauth::authorization_url(d, kClient, {"st4te", {"a", "b"}, {"u"}, "chal"});
  for (const char* part : {"https://idp.test/authorize?audience=x&", "response_type=code", "client_id=client%20id",
                           "redirect_uri=https://app.test/cb", "scope=a,b", "user_scope=u", "state=st4te",
                           "code_challenge=chal", "code_challenge_method=S256", "prompt=consent"})
    BOOST_TEST(url.find(part) != std::string::npos, part << " in " << url);
}

BOOST_AUTO_TEST_CASE(client_authentication_methods) {
  auto basic = oauth::code_exchange_request(descriptor(plugin::ClientAuth::basic), kClient, "c0de", "v");
  BOOST_TEST(basic.headers.at("Authorization") ==
             "Basic " + crypto::base64_encode("client%20id:s3cret%2B%2F%3D"));  // RFC 6749 2.3.1
  BOOST_TEST(basic.body.find("client_secret") == std::string::npos);
  BOOST_TEST(basic.body.find("grant_type=authorization_code") != std::string::npos);
  BOOST_TEST(basic.body.find("code_verifier=v") != std::string::npos);

  auto form = oauth::refresh_request(descriptor(plugin::ClientAuth::form), kClient, "r+t");
  BOOST_TEST(form.headers.at("Content-Type") == "application/x-www-form-urlencoded");
  BOOST_TEST(form.body.find("refresh_token=r%2Bt") != std::string::npos);  // '+' never reads as a space
  BOOST_TEST(form.body.find("client_secret=s3cret%2B%2F%3D") != std::string::npos);
  BOOST_TEST(form.headers.count("Authorization") == 0u);

  auto json = oauth::code_exchange_request(descriptor(plugin::ClientAuth::json), kClient, "c0de", "");
  BOOST_TEST(json.headers.at("Content-Type") == "application/json");
  BOOST_TEST(json.body.find(R"("client_secret":"s3cret+/=")") != std::string::npos);
  BOOST_TEST(json.body.find("code_verifier") == std::string::npos);
}

// Regression: expires_in of about 9.2e15 or more overflowed now + seconds * 1000
// (undefined behaviour; the ASan host aborted in the callback).
BOOST_AUTO_TEST_CASE(absurd_token_lifetimes_stay_well_defined) {
  auto d = descriptor(plugin::ClientAuth::form);
  const std::int64_t now = 1'700'000'000'000;
  const std::int64_t ten_years_ms = 10LL * 366 * 24 * 3600 * 1000;
  for (const char* lifetime : {"9223372036854775807", "9300000000000000", "18446744073709551615", "1e300", "1.5e16",
                               "\"9223372036854775807\"", "\"99999999999999999999999\"", "\"9300000000000000\""}) {
    auto parsed = oauth::parse_token_response(
        d, reply(200, std::string(R"({"access_token":"a","expires_in":)") + lifetime + "}"), now);
    BOOST_TEST_REQUIRE(std::holds_alternative<TokenSet>(parsed), lifetime);
    const auto expires = std::get<TokenSet>(parsed).primary.expires_at_ms;
    BOOST_TEST(expires == now + ten_years_ms, lifetime);
  }
  for (const char* nonsense : {"-5", "0", "\"-99999999999999999999\"", "\"12abc\"", "\"\"", "null", "true", "-1e300"}) {
    auto parsed = oauth::parse_token_response(
        d, reply(200, std::string(R"({"access_token":"a","expires_in":)") + nonsense + "}"), now);
    BOOST_TEST_REQUIRE(std::holds_alternative<TokenSet>(parsed), nonsense);
    BOOST_TEST(std::get<TokenSet>(parsed).primary.expires_at_ms == 0, nonsense);
  }
  auto fractional = oauth::parse_token_response(d, reply(200, R"({"access_token":"a","expires_in":3600.7})"), now);
  BOOST_TEST(std::get<TokenSet>(fractional).primary.expires_at_ms == now + 3600 * 1000);
  auto text = oauth::parse_token_response(d, reply(200, R"({"access_token":"a","expires_in":"3600"})"), now);
  BOOST_TEST(std::get<TokenSet>(text).primary.expires_at_ms == now + 3600 * 1000);
}

BOOST_AUTO_TEST_CASE(token_responses_of_each_provider_shape) {
  auto d = descriptor(plugin::ClientAuth::form);
  auto google = oauth::parse_token_response(
      d, reply(200, R"({"access_token":"ya29.a","expires_in":3599,"refresh_token":"1//r","scope":"email","token_type":"Bearer"})"),
      1000);
  BOOST_REQUIRE(std::holds_alternative<TokenSet>(google));
  const auto& g = std::get<TokenSet>(google);
  BOOST_TEST(g.primary.expires_at_ms == 1000 + 3599 * 1000);
  BOOST_TEST(g.primary.refresh_token == "1//r");

  // Google's refresh: no refresh_token, keep the previous one.
  auto refreshed = oauth::parse_token_response(d, reply(200, R"({"access_token":"ya29.b","expires_in":3599})"), 2000, &g);
  BOOST_TEST(std::get<TokenSet>(refreshed).primary.refresh_token == "1//r");
  BOOST_TEST(std::get<TokenSet>(refreshed).primary.access_token == "ya29.b");

  // Slack: bot token at the top, user token in authed_user.
  auto slack = oauth::parse_token_response(
      d, reply(200, R"({"ok":true,"access_token":"xoxb-1","token_type":"bot","scope":"chat:write",
                         "authed_user":{"id":"U1","scope":"search:read","access_token":"xoxp-1","token_type":"user"}})"),
      0);
  const auto& s = std::get<TokenSet>(slack);
  BOOST_TEST(s.primary.access_token == "xoxb-1");
  BOOST_REQUIRE(s.user.has_value());
  BOOST_TEST(s.user->access_token == "xoxp-1");
  // User-scope-only install: the token is only in authed_user.
  auto user_only = oauth::parse_token_response(d, reply(200, R"({"ok":true,"authed_user":{"access_token":"xoxp-2"}})"), 0);
  BOOST_TEST(std::get<TokenSet>(user_only).primary.access_token == "xoxp-2");
  // Bitbucket: "scopes".
  auto bitbucket = oauth::parse_token_response(
      d, reply(200, R"({"access_token":"b","scopes":"repository","expires_in":7200,"token_type":"bearer"})"), 0);
  BOOST_TEST(std::get<TokenSet>(bitbucket).primary.scope == "repository");
}

BOOST_AUTO_TEST_CASE(token_errors_are_classified) {
  auto d = descriptor(plugin::ClientAuth::form);
  auto grant = oauth::parse_token_response(d, reply(400, R"({"error":"invalid_grant","error_description":"Token has been expired or revoked."})"), 0);
  BOOST_TEST(std::get<TokenError>(grant).needs_reauth());
  auto atlassian = oauth::parse_token_response(d, reply(403, R"({"error":"invalid_grant","error_description":"Unknown or invalid refresh token."})"), 0);
  BOOST_TEST(std::get<TokenError>(atlassian).needs_reauth());
  auto slack = oauth::parse_token_response(d, reply(200, R"({"ok":false,"error":"invalid_refresh_token"})"), 0);
  BOOST_TEST(std::get<TokenError>(slack).error == "invalid_refresh_token");
  BOOST_TEST(std::get<TokenError>(slack).needs_reauth());
  auto outage = oauth::parse_token_response(d, reply(503, "<html>down</html>"), 0);
  BOOST_TEST(!std::get<TokenError>(outage).needs_reauth());
  auto transport = oauth::parse_token_response(d, {0, {}, "", "timed out"}, 0);
  BOOST_TEST(std::get<TokenError>(transport).error == "transport");
  auto empty = oauth::parse_token_response(d, reply(200, R"({"token_type":"Bearer"})"), 0);
  BOOST_TEST(std::get<TokenError>(empty).error == "invalid_response");
}

BOOST_AUTO_TEST_CASE(revocation_requests) {
  auto rfc = oauth::revocation_request(descriptor(plugin::ClientAuth::form), kClient, "tok");
  BOOST_TEST(rfc.url == "https://idp.test/revoke");
  BOOST_TEST(rfc.body.find("token=tok") != std::string::npos);
  auto slack_d = descriptor(plugin::ClientAuth::basic);
  slack_d.revoke_auth = plugin::RevokeAuth::bearer;
  auto slack = oauth::revocation_request(slack_d, kClient, "xoxb-1");
  BOOST_TEST(slack.headers.at("Authorization") == "Bearer xoxb-1");
}

BOOST_AUTO_TEST_CASE(scopes_split_on_commas_and_spaces) {
  auto scopes = oauth::split_scopes("a, b c,,d");
  BOOST_TEST(scopes == (std::vector<std::string>{"a", "b", "c", "d"}), boost::test_tools::per_element());
}

// Read on every call, straight from the granted text: any separator the
// providers use, a scope that is only a prefix of a granted one, an empty
// grant (the provider did not say what it granted: nothing is refused).
BOOST_AUTO_TEST_CASE(missing_scopes_reads_the_granted_text) {
  plugin::OperationDescriptor op;
  op.scopes = {"mail.read", "mail"};
  op.user_scopes = {"search:read"};
  using V = std::vector<std::string>;
  BOOST_TEST(oauth::missing_scopes(op, "openid mail.read", "search:read") == V{}, boost::test_tools::per_element());
  BOOST_TEST(oauth::missing_scopes(op, ", ,\tmail", "") == V{}, boost::test_tools::per_element());
  BOOST_TEST(oauth::missing_scopes(op, "mail.readonly,openid", "a search:read") == V{"mail.read"},
             boost::test_tools::per_element());
  BOOST_TEST(oauth::missing_scopes(op, "", " \t") == V{}, boost::test_tools::per_element());
  BOOST_TEST(oauth::missing_scopes(op, "openid", "search:write") == (V{"mail.read", "search:read"}),
             boost::test_tools::per_element());
}

// Validate's question to the provider: the token rides in a header or a
// form field (never in a URL), and each kind of answer means one thing.
BOOST_AUTO_TEST_CASE(token_checks_ask_the_provider_and_read_its_answer) {
  using oauth::TokenLiveness;
  const oauth::ClientConfig client{"id", "secret", "https://host/cb"};
  plugin::OAuthDescriptor slack;
  slack.token_check = plugin::TokenCheckDescriptor{"https://slack.com/api/auth.test", "POST", "", "ok", "error",
                                                   {"invalid_auth", "token_revoked", "account_inactive"}};
  auto check = oauth::token_check_request(slack, client, "xoxb-secret");
  BOOST_REQUIRE(check);
  BOOST_TEST(check->method == "provider");
  BOOST_TEST(check->request.headers.at("Authorization") == "Bearer xoxb-secret");
  BOOST_TEST(check->request.url.find("xoxb") == std::string::npos);
  auto verdict = [&](const plugin::OAuthDescriptor& d, const oauth::TokenCheck& c, int status, const std::string& body) {
    return oauth::token_verdict(d, c, runtime::UpstreamResponse{status, {}, body, ""}).liveness;
  };
  BOOST_TEST((verdict(slack, *check, 200, R"({"ok":true,"user":"alice"})") == TokenLiveness::alive));
  BOOST_TEST((verdict(slack, *check, 200, R"({"ok":false,"error":"token_revoked"})") == TokenLiveness::dead));
  BOOST_TEST((verdict(slack, *check, 200, R"({"ok":false,"error":"token_expired"})") == TokenLiveness::refused));
  BOOST_TEST((verdict(slack, *check, 503, "") == TokenLiveness::unknown));
  BOOST_TEST((verdict(slack, *check, 0, "") == TokenLiveness::unknown));
  BOOST_TEST((verdict(slack, *check, 429, "") == TokenLiveness::unknown));

  plugin::OAuthDescriptor google;
  google.token_check = plugin::TokenCheckDescriptor{"https://oauth2.googleapis.com/tokeninfo", "POST", "access_token"};
  auto tokeninfo = oauth::token_check_request(google, client, "ya29.a+b");
  BOOST_TEST(tokeninfo->request.body == "access_token=ya29.a%2Bb");
  BOOST_TEST(!tokeninfo->request.headers.count("Authorization"));
  BOOST_TEST((verdict(google, *tokeninfo, 400, R"({"error":"invalid_token"})") == TokenLiveness::refused));
  BOOST_TEST((verdict(google, *tokeninfo, 200, R"({"scope":"email"})") == TokenLiveness::alive));
  BOOST_TEST((verdict(google, *tokeninfo, 403, "") == TokenLiveness::alive), "recognised, only not allowed");

  plugin::OAuthDescriptor standard;
  standard.introspection_url = "https://idp.example.com/introspect";
  standard.userinfo_url = "https://idp.example.com/userinfo";
  auto introspection = oauth::token_check_request(standard, client, "at");
  BOOST_TEST(introspection->method == "introspection");
  BOOST_TEST(introspection->request.body.find("token=at") != std::string::npos);
  BOOST_TEST(introspection->request.body.find("client_secret=secret") != std::string::npos);
  BOOST_TEST((verdict(standard, *introspection, 200, R"({"active":false})") == TokenLiveness::refused));
  BOOST_TEST((verdict(standard, *introspection, 200, R"({"active":true})") == TokenLiveness::alive));
  BOOST_TEST((verdict(standard, *introspection, 200, "not json") == TokenLiveness::unknown));
  standard.introspection_url.clear();
  BOOST_TEST(oauth::token_check_request(standard, client, "at")->method == "userinfo");
  standard.userinfo_url.clear();
  BOOST_TEST(!oauth::token_check_request(standard, client, "at"), "nothing to ask: validate is local");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(secret_box)

BOOST_AUTO_TEST_CASE(seal_open_and_rotate) {
  const std::string old_key(32, 'o'), new_key(32, 'n');
  crypto::KeyRing old_ring(old_key);
  auto sealed = old_ring.seal("refresh-token-value", "row:1");
  BOOST_TEST(sealed.ciphertext.find("refresh-token-value") == std::string::npos);
  BOOST_TEST(old_ring.open(sealed, "row:1") == "refresh-token-value");
  // Bound to its row: the same ciphertext in another row does not open.
  BOOST_CHECK_THROW(old_ring.open(sealed, "row:2"), crypto::DecryptError);
  // Tampering is detected.
  auto tampered = sealed;
  tampered.ciphertext[20] = tampered.ciphertext[20] == 'A' ? 'B' : 'A';
  BOOST_CHECK_THROW(old_ring.open(tampered, "row:1"), crypto::DecryptError);
  // After rotation the old key still opens old rows; new rows use the new key.
  crypto::KeyRing rotated(new_key, {old_key});
  BOOST_TEST(rotated.open(sealed, "row:1") == "refresh-token-value");
  BOOST_TEST(rotated.seal("x", "r").key_id == crypto::KeyRing::key_id_of(new_key));
  BOOST_TEST(rotated.seal("x", "r").key_id != sealed.key_id);
  // Without the old key, old rows cannot be read.
  BOOST_CHECK_THROW(crypto::KeyRing(new_key).open(sealed, "row:1"), crypto::DecryptError);
  BOOST_CHECK_THROW(crypto::KeyRing("short"), std::invalid_argument);
  // Nonces are fresh: equal plaintexts seal differently.
  BOOST_TEST(old_ring.seal("same", "r").ciphertext != old_ring.seal("same", "r").ciphertext);
}

BOOST_AUTO_TEST_CASE(base64_round_trips) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "\xff\xfe\x00z"}) {
    BOOST_TEST(crypto::base64_decode(crypto::base64_encode(s)).value() == s);
    BOOST_TEST(crypto::base64url_decode(crypto::base64url_encode(s)).value() == s);
  }
  BOOST_TEST(crypto::base64url_encode("\xfb\xff") == "-_8");
  BOOST_TEST(!crypto::base64_decode("abc").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
