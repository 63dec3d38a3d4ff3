#include "control.hpp"

#include <boost/json/value.hpp>

namespace lagentry::sandbox {
namespace json = boost::json;

namespace {
Response bad_request(const std::string& message) { return json_response(400, json::object{{"error", message}}); }

// Reads an optional integer member; false when present but not an integer.
bool read_int(const json::object& o, std::string_view key, long& out) {
  auto* v = o.if_contains(key);
  if (!v) return true;
  if (!v->is_int64()) return false;
  out = static_cast<long>(v->as_int64());
  return true;
}

json::object settings_json(const Settings& s) {
  json::array sites;
  for (const auto& id : s.atlassian_sites) sites.emplace_back(id);
  return {{"access_token_ttl", s.access_token_ttl},
          {"slack_token_rotation", s.slack_token_rotation},
          {"deny_consent", s.deny_consent},
          {"atlassian_sites", sites}};
}

json::object fault_json(const Fault& f) {
  return {{"origin", f.origin},         {"path_prefix", f.path_prefix}, {"status", f.status},
          {"retry_after", f.retry_after}, {"latency_ms", f.latency_ms},   {"reset", f.reset},
          {"remaining", f.remaining}};
}

Response add_fault(State& state, const Request& request) {
  auto body = request.json();
  if (!body.is_object()) return bad_request("body must be a JSON object");
  const auto& o = body.as_object();
  Fault f;
  if (auto* v = o.if_contains("origin"); v && v->is_string()) f.origin = v->as_string();
  if (auto* v = o.if_contains("path_prefix"); v && v->is_string()) f.path_prefix = v->as_string();
  if (auto* v = o.if_contains("reset"); v && v->is_bool()) f.reset = v->as_bool();
  long status = 0, latency = 0, retry_after = -1;
  // A status or reset fault hits once by default; a pure latency rule lasts until cleared.
  long count = (o.contains("status") || f.reset) ? 1 : -1;
  if (!read_int(o, "status", status) || !read_int(o, "latency_ms", latency) || !read_int(o, "count", count) ||
      !read_int(o, "retry_after", retry_after))
    return bad_request("status, latency_ms, count and retry_after must be integers");
  if (status != 0 && (status < 400 || status > 599)) return bad_request("status must be 4xx or 5xx");
  if (status == 0 && latency == 0 && !f.reset) return bad_request("give status, latency_ms or reset");
  f.status = static_cast<int>(status);
  f.latency_ms = static_cast<int>(latency);
  f.retry_after = static_cast<int>(status == 429 && retry_after < 0 ? 1 : retry_after);
  f.remaining = count;
  state.faults.push_back(f);
  return json_response(200, json::object{{"fault", fault_json(f)}});
}

Response list_faults(State& state, const Request&) {
  json::array out;
  for (const auto& f : state.faults) out.push_back(fault_json(f));
  return json_response(200, json::object{{"faults", out}});
}

Response clear_faults(State& state, const Request&) {
  state.faults.clear();
  return json_response(200, json::object{{"ok", true}});
}

Response expire_tokens(State& state, const Request& request) {
  auto body = request.json();
  if (!body.is_object()) return bad_request("body must be a JSON object");
  const auto& o = body.as_object();
  const bool everything = o.contains("all") && o.at("all").is_bool() && o.at("all").as_bool();
  std::string only;
  if (auto* v = o.if_contains("token"); v && v->is_string()) only = v->as_string();
  if (!everything && only.empty()) return bad_request("give {\"token\":\"...\"} or {\"all\":true}");
  long n = 0;
  for (auto& [value, token] : state.tokens) {
    if (token.refresh || (!everything && value != only)) continue;
    token.expires_at = now_seconds() - 1;
    ++n;
  }
  if (!everything && n == 0) return json_response(404, json::object{{"error", "unknown access token"}});
  return json_response(200, json::object{{"expired", n}});
}

// The user withdrew the app's access at the provider (Google's "third-party
// access" page, Slack's app management): every grant of that provider dies.
Response revoke_grants(State& state, const Request& request) {
  auto body = request.json();
  const auto* name = body.is_object() ? body.as_object().if_contains("provider") : nullptr;
  if (!name || !name->is_string()) return bad_request("give {\"provider\":\"google|slack|atlassian|bitbucket\"}");
  long n = 0;
  for (auto& [value, token] : state.tokens) {
    if (provider_name(token.provider) != name->as_string() || token.revoked) continue;
    token.revoked = true;
    ++n;
  }
  return json_response(200, json::object{{"revoked", n}});
}

Response consent(State& state, const Request& request) {
  auto body = request.json();
  if (!body.is_object() || !body.as_object().contains("deny") || !body.as_object().at("deny").is_bool())
    return bad_request("give {\"deny\":true|false}");
  state.settings.deny_consent = body.as_object().at("deny").as_bool();
  return json_response(200, settings_json(state.settings));
}

Response settings(State& state, const Request& request) {
  if (request.method == "GET") return json_response(200, settings_json(state.settings));
  auto body = request.json();
  if (!body.is_object()) return bad_request("body must be a JSON object");
  Settings s = state.settings;
  for (const auto& [key, value] : body.as_object()) {
    if (key == "access_token_ttl" && value.is_int64()) s.access_token_ttl = static_cast<int>(value.as_int64());
    else if (key == "slack_token_rotation" && value.is_bool()) s.slack_token_rotation = value.as_bool();
    else if (key == "deny_consent" && value.is_bool()) s.deny_consent = value.as_bool();
    else if (key == "atlassian_sites" && value.is_array()) {
      s.atlassian_sites.clear();
      for (const auto& id : value.as_array())
        if (id.is_string()) s.atlassian_sites.emplace_back(id.as_string());
    } else {
      return bad_request("unknown setting or wrong type: " + std::string(key));
    }
  }
  state.settings = s;
  return json_response(200, settings_json(state.settings));
}

Response reset(State& state, const Request&) {
  state.reset();
  return json_response(200, json::object{{"ok", true}});
}

Response stats(State& state, const Request&) {
  json::object calls, grants;
  for (const auto& [key, n] : state.stats.calls) calls[key] = n;
  for (const auto& [key, n] : state.stats.token_grants) grants[key] = n;
  return json_response(200, json::object{
                                {"calls", calls}, {"token_grants", grants}, {"faults_injected", state.stats.faults_injected}});
}

Response sites(State& state, const Request&) {
  json::array out;
  for (const auto& site : state.atlassian.sites)
    out.push_back(json::object{{"id", site.cloud_id}, {"name", site.name}, {"url", site.url}});
  return json_response(200, json::object{{"sites", out}});
}
}  // namespace

void add_control_routes(Router& router) {
  router.add_origin(kControlOrigin, [](int status, const std::string& message) {
    return json_response(status, json::object{{"error", message}});
  });
  router.add(kControlOrigin, "GET", "/health", [](State&, const Request&) {
    return json_response(200, json::object{{"ok", true}});
  });
  router.add(kControlOrigin, "POST", "/faults", add_fault);
  router.add(kControlOrigin, "GET", "/faults", list_faults);
  router.add(kControlOrigin, "DELETE", "/faults", clear_faults);
  router.add(kControlOrigin, "POST", "/tokens/expire", expire_tokens);
  router.add(kControlOrigin, "POST", "/consent", consent);
  router.add(kControlOrigin, "POST", "/grants/revoke", revoke_grants);
  router.add(kControlOrigin, "GET|POST", "/settings", settings);
  router.add(kControlOrigin, "POST", "/reset", reset);
  router.add(kControlOrigin, "GET", "/stats", stats);
  router.add(kControlOrigin, "GET", "/atlassian/sites", sites);
}

}  // namespace lagentry::sandbox
