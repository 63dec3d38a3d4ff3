// A test plugin for the connector runtime itself, independent of the shipped
// plugins: provider "probe" is Google's OAuth server (the sandbox in tests)
// and connector "probe-labels" lists Gmail labels as unified items.
#include <lagentry/plugin.hpp>

#include <boost/json.hpp>

namespace {
namespace json = boost::json;

constexpr const char* kManifest = R"({
  "id": "probe", "version": "1.0.0",
  "providers": [{"name": "probe", "api_origins": ["https://gmail.googleapis.com"], "oauth": {
    "authorization_url": "https://accounts.google.com/o/oauth2/v2/auth",
    "token_url": "https://oauth2.googleapis.com/token",
    "revoke_url": "https://oauth2.googleapis.com/revoke",
    "scopes": ["https://www.googleapis.com/auth/gmail.readonly"],
    "authorization_params": {"access_type": "offline", "prompt": "consent"},
    "env_prefix": "GOOGLE"}}],
  "connectors": [{"name": "probe-labels", "provider": "probe", "verbs": ["test", "list"], "item_types": ["label"]}],
  "operations": ["probe-labels.test", "probe-labels.list"]
})";

constexpr const char* kLabelsUrl = "https://gmail.googleapis.com/gmail/v1/users/me/labels";

std::string reply(int status, json::value body) { return json::serialize(json::object{{"status", status}, {"body", std::move(body)}}); }

lagentry::Step list(const lagentry::Call& call) {
  if (call.first_step())
    return lagentry::Step::fetch(json::serialize(json::object{{"requests", json::array{json::object{{"url", kLabelsUrl}}}}}), "");
  const json::value responses = json::parse(call.responses);
  const auto& response = responses.at(0).as_object();
  const auto status = response.at("status").to_number<int>();
  if (status != 200)
    return lagentry::Step::reply(json::serialize(json::object{
        {"status", status == 0 ? 504 : 502},
        {"error", {{"code", status == 0 ? "upstream_unavailable" : "upstream_error"},
                   {"message", "labels answered " + std::to_string(status)},
                   {"details", {{"provider_status", status}}}}}}));
  json::array items;
  const json::value labels = json::parse(response.at("body").as_string());
  for (const auto& label : labels.at("labels").as_array())
    items.push_back(json::object{{"id", label.at("id")}, {"type", "label"}, {"title", label.at("name")}, {"snippet", nullptr},
                                 {"url", nullptr}, {"created_at", nullptr}, {"updated_at", nullptr}});
  return lagentry::Step::reply(reply(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}}));
}

lagentry::Step handle(const lagentry::Call& call) {
  if (call.operation == "probe-labels.list") return list(call);
  if (call.operation == "probe-labels.test") return lagentry::Step::reply(reply(200, json::object{{"ok", true}}));
  throw lagentry::UnknownOperation(call.operation);
}
}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = "probe", .version = "1.0.0", .manifest = kManifest, .handle = handle})
