#include "core/plugin/manifest.hpp"

#include "core/net/upstream_url.hpp"
#include "core/plugin/operation_schemas.hpp"
#include "core/schema/json_schema.hpp"
#include "core/schema/unified_definitions.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace lagentry::plugin {
namespace json = boost::json;

namespace {

struct ManifestError : std::runtime_error {
  ManifestError(const std::string& where, const std::string& what)
      : std::runtime_error(where + ": " + what) {}
};

// Reads one JSON object field by field, naming the path in every error.
class Reader {
 public:
  Reader(const json::value& value, std::string path) : path_(std::move(path)) {
    if (!value.is_object()) throw ManifestError(path_.empty() ? "manifest" : path_, "must be an object");
    object_ = &value.get_object();
  }

  std::string at(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }

  const json::value* find(std::string_view key) const {
    auto it = object_->find(key);
    return it == object_->end() || it->value().is_null() ? nullptr : &it->value();
  }

  std::string string(std::string_view key, bool required, std::string fallback = {}) const {
    const json::value* v = find(key);
    if (!v) {
      if (required) throw ManifestError(at(key), "is required");
      return fallback;
    }
    if (!v->is_string()) throw ManifestError(at(key), "must be a string");
    return std::string(v->get_string());
  }

  bool boolean(std::string_view key, bool fallback) const {
    const json::value* v = find(key);
    if (!v) return fallback;
    if (!v->is_bool()) throw ManifestError(at(key), "must be true or false");
    return v->get_bool();
  }

  std::vector<std::string> strings(std::string_view key) const {
    std::vector<std::string> out;
    const json::value* v = find(key);
    if (!v) return out;
    if (!v->is_array()) throw ManifestError(at(key), "must be an array of strings");
    for (const auto& item : v->get_array()) {
      if (!item.is_string()) throw ManifestError(at(key), "must be an array of strings");
      out.emplace_back(item.get_string());
    }
    return out;
  }

  std::map<std::string, std::string> string_map(std::string_view key) const {
    std::map<std::string, std::string> out;
    const json::value* v = find(key);
    if (!v) return out;
    if (!v->is_object()) throw ManifestError(at(key), "must be an object of strings");
    for (const auto& [k, item] : v->get_object()) {
      if (!item.is_string()) throw ManifestError(at(key) + "." + std::string(k), "must be a string");
      out.emplace(std::string(k), std::string(item.get_string()));
    }
    return out;
  }

  const json::array& array(std::string_view key) const {
    static const json::array empty;
    const json::value* v = find(key);
    if (!v) return empty;
    if (!v->is_array()) throw ManifestError(at(key), "must be an array");
    return v->get_array();
  }

 private:
  const json::object* object_ = nullptr;
  std::string path_;
};

std::string indexed(std::string_view key, size_t i) { return std::string(key) + "[" + std::to_string(i) + "]"; }

void require_name(const std::string& where, const std::string& name) {
  if (!is_valid_name(name)) throw ManifestError(where, "must match [a-z0-9_-]{1,64}");
}

void require_http_url(const std::string& where, const std::string& url, bool required) {
  if (url.empty()) {
    if (required) throw ManifestError(where, "is required");
    return;
  }
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || (parsed->scheme() != "https" && parsed->scheme() != "http") || parsed->host().empty())
    throw ManifestError(where, "not an http(s) URL");
}

// Tokens travel only over TLS, so an API origin is always https.
std::vector<std::string> parse_api_origins(const Reader& r) {
  std::vector<std::string> out;
  const auto texts = r.strings("api_origins");
  for (size_t i = 0; i < texts.size(); ++i) {
    auto origin = net::parse_origin(texts[i]);
    if (!origin || !origin->starts_with("https://"))
      throw ManifestError(indexed(r.at("api_origins"), i), "must be an https origin (https://host[:port], no path)");
    if (std::find(out.begin(), out.end(), *origin) == out.end()) out.push_back(std::move(*origin));
  }
  return out;
}

ClientAuth parse_client_auth(const std::string& where, const std::string& text) {
  if (text == "basic") return ClientAuth::basic;
  if (text == "form" || text.empty()) return ClientAuth::form;
  if (text == "json") return ClientAuth::json;
  throw ManifestError(where, "must be one of basic, form, json");
}

TokenCheckDescriptor parse_token_check(const json::value& value, const std::string& path) {
  Reader r(value, path);
  TokenCheckDescriptor d;
  d.url = r.string("url", true);
  require_http_url(r.at("url"), d.url, true);
  d.method = r.string("method", false, "GET");
  if (d.method != "GET" && d.method != "POST") throw ManifestError(r.at("method"), "must be GET or POST");
  d.token_field = r.string("token_field", false);
  if (!d.token_field.empty() && d.method != "POST") throw ManifestError(r.at("token_field"), "needs method POST");
  d.ok_field = r.string("ok_field", false);
  d.error_field = r.string("error_field", false, "error");
  d.dead_errors = r.strings("dead_errors");
  return d;
}

OAuthDescriptor parse_oauth(const json::value& value, const std::string& path) {
  Reader r(value, path);
  OAuthDescriptor d;
  d.issuer = r.string("issuer", false);
  d.authorization_url = r.string("authorization_url", false);
  d.token_url = r.string("token_url", false);
  d.revoke_url = r.string("revoke_url", false);
  const bool discovered = !d.issuer.empty();
  require_http_url(r.at("issuer"), d.issuer, false);
  require_http_url(r.at("authorization_url"), d.authorization_url, !discovered);
  require_http_url(r.at("token_url"), d.token_url, !discovered);
  require_http_url(r.at("revoke_url"), d.revoke_url, false);
  d.scopes = r.strings("scopes");
  d.user_scopes = r.strings("user_scopes");
  d.scope_separator = r.string("scope_separator", false, " ");
  if (d.scope_separator.empty()) throw ManifestError(r.at("scope_separator"), "must not be empty");
  d.authorization_params = r.string_map("authorization_params");
  d.token_params = r.string_map("token_params");
  d.client_auth = parse_client_auth(r.at("client_auth"), r.string("client_auth", false));
  d.pkce = r.boolean("pkce", true);
  const std::string revoke_auth = r.string("revoke_auth", false, "client");
  if (revoke_auth != "client" && revoke_auth != "bearer") throw ManifestError(r.at("revoke_auth"), "must be client or bearer");
  d.revoke_auth = revoke_auth == "bearer" ? RevokeAuth::bearer : RevokeAuth::client;
  d.token_response_path = r.string("token_response_path", false);
  d.post_connect_operation = r.string("post_connect", false);
  d.revoke_operation = r.string("revoke", false);
  if (const json::value* check = r.find("token_check")) d.token_check = parse_token_check(*check, r.at("token_check"));
  d.introspection_url = r.string("introspection_url", false);
  require_http_url(r.at("introspection_url"), d.introspection_url, false);
  d.userinfo_url = r.string("userinfo_url", false);
  require_http_url(r.at("userinfo_url"), d.userinfo_url, false);
  d.env_prefix = r.string("env_prefix", false);
  for (char c : d.env_prefix)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      throw ManifestError(r.at("env_prefix"), "must match [A-Z0-9_]+");
  return d;
}

bool is_definition_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

void require_schema(const std::string& where, const json::value& schema, const Manifest& m) {
  const schema::Definitions definitions{&m.definitions, &schema::unified_definitions()};
  if (auto error = schema::check_schema(schema, definitions)) throw ManifestError(where, "invalid schema at " + *error);
}

// "$defs": schemas the operations share, checked once all are known (they
// may refer to each other).
json::object parse_definitions(const Reader& r) {
  const json::value* defs = r.find("$defs");
  if (!defs) return {};
  if (!defs->is_object()) throw ManifestError("$defs", "must be an object of schemas");
  for (const auto& [name, ignored] : defs->get_object()) {
    if (!is_definition_name(name)) throw ManifestError("$defs." + std::string(name), "names must match [A-Za-z0-9_-]{1,64}");
    if (schema::unified_definitions().contains(name))
      throw ManifestError("$defs." + std::string(name), "the host defines " + std::string(name) + " (use it by $ref)");
  }
  return defs->get_object();
}

OperationDescriptor parse_operation(const json::value& value, const std::string& path, const Manifest& m) {
  OperationDescriptor op;
  if (value.is_string()) {
    op.name = std::string(value.get_string());
  } else {
    Reader o(value, path);
    op.name = o.string("name", true);
    op.title = o.string("title", false);
    op.description = o.string("description", false);
    op.described = true;
    if (const json::value* params = o.find("params")) {
      require_schema(o.at("params"), *params, m);
      const json::value* type = params->is_object() ? params->get_object().if_contains("type") : nullptr;
      if (!type || !type->is_string() || type->get_string() != "object")
        throw ManifestError(o.at("params"), "must be a schema of type object");
      op.params = params->get_object();
    }
    if (const json::value* body = o.find("body")) {
      require_schema(o.at("body"), *body, m);
      op.body = *body;
    }
    if (const json::value* result = o.find("result")) {
      require_schema(o.at("result"), *result, m);
      op.result = *result;
    }
    op.scopes = o.strings("scopes");
    op.user_scopes = o.strings("user_scopes");
    if (o.find("annotations")) {
      Reader a(*o.find("annotations"), o.at("annotations"));
      op.annotations.read_only = a.boolean("read_only", false);
      op.annotations.destructive = a.boolean("destructive", false);
      op.annotations.idempotent = a.boolean("idempotent", false);
      op.annotations_given = true;
    }
  }
  if (op.name.empty() || op.name.size() > 128) throw ManifestError(path, "must be 1 to 128 characters");
  return op;
}

Manifest parse(const json::value& root) {
  Reader r(root, "");
  Manifest m;
  m.id = r.string("id", true);
  require_name("id", m.id);
  m.version = r.string("version", true);
  if (m.version.empty() || m.version.size() > 64) throw ManifestError("version", "must be 1 to 64 characters");
  m.definitions = parse_definitions(r);
  for (const auto& [name, definition] : m.definitions) require_schema("$defs." + std::string(name), definition, m);
  const auto& operations = r.array("operations");
  std::set<std::string> seen;
  for (size_t i = 0; i < operations.size(); ++i) {
    OperationDescriptor op = parse_operation(operations[i], indexed("operations", i), m);
    if (!seen.insert(op.name).second) throw ManifestError(indexed("operations", i), "duplicate operation " + op.name);
    m.operations.push_back(std::move(op));
  }
  auto require_operation = [&](const std::string& where, const std::string& op) {
    if (!op.empty() && !m.has_operation(op)) throw ManifestError(where, "names undeclared operation " + op);
  };

  const auto& providers = r.array("providers");
  for (size_t i = 0; i < providers.size(); ++i) {
    const std::string path = indexed("providers", i);
    Reader p(providers[i], path);
    ProviderDescriptor d;
    d.name = p.string("name", true);
    require_name(p.at("name"), d.name);
    d.display_name = p.string("display_name", false, d.name);
    const json::value* oauth = p.find("oauth");
    if (!oauth) throw ManifestError(p.at("oauth"), "is required");
    d.oauth = parse_oauth(*oauth, p.at("oauth"));
    d.api_origins = parse_api_origins(p);
    require_operation(p.at("oauth.post_connect"), d.oauth.post_connect_operation);
    require_operation(p.at("oauth.revoke"), d.oauth.revoke_operation);
    if (m.find_provider(d.name)) throw ManifestError(p.at("name"), "duplicate provider " + d.name);
    m.providers.push_back(std::move(d));
  }

  const auto& connectors = r.array("connectors");
  for (size_t i = 0; i < connectors.size(); ++i) {
    Reader c(connectors[i], indexed("connectors", i));
    ConnectorDescriptor d;
    d.name = c.string("name", true);
    require_name(c.at("name"), d.name);
    d.provider = c.string("provider", true);
    require_name(c.at("provider"), d.provider);
    d.display_name = c.string("display_name", false, d.name);
    d.description = c.string("description", false);
    d.item_types = c.strings("item_types");
    d.verbs = c.strings("verbs");
    d.scopes = c.strings("scopes");
    d.aliases = c.strings("aliases");
    for (const auto& alias : d.aliases) {
      require_name(c.at("aliases"), alias);
      if (alias == d.name || m.find_connector(alias)) throw ManifestError(c.at("aliases"), "duplicate connector name " + alias);
    }
    for (const auto& verb : d.verbs) {
      if (std::find(std::begin(kConnectorVerbs), std::end(kConnectorVerbs), verb) == std::end(kConnectorVerbs))
        throw ManifestError(c.at("verbs"), "unknown verb " + verb);
      require_operation(c.at("verbs"), d.name + "." + verb);
    }
    if (m.find_connector(d.name)) throw ManifestError(c.at("name"), "duplicate connector " + d.name);
    for (const auto& other : m.connectors)
      if (std::find(d.aliases.begin(), d.aliases.end(), other.name) != d.aliases.end())
        throw ManifestError(c.at("aliases"), "duplicate connector name " + other.name);
    m.connectors.push_back(std::move(d));
  }

  static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  const auto& routes = r.array("routes");
  for (size_t i = 0; i < routes.size(); ++i) {
    Reader rt(routes[i], indexed("routes", i));
    RouteDescriptor d;
    d.method = rt.string("method", true);
    if (!kMethods.count(d.method)) throw ManifestError(rt.at("method"), "must be GET, POST, PUT, PATCH or DELETE");
    d.path = rt.string("path", true);
    if (d.path.size() < 2 || d.path.front() != '/' || d.path.find("..") != std::string::npos ||
        d.path.find_first_of("?#% \\") != std::string::npos)
      throw ManifestError(rt.at("path"), "must be an absolute path without query, '..' or escapes");
    d.segments = route_segments(d.path);
    d.operation = rt.string("operation", true);
    require_operation(rt.at("operation"), d.operation);
    d.provider = rt.string("provider", true);
    require_name(rt.at("provider"), d.provider);
    m.routes.push_back(std::move(d));
  }
  complete_operation_schemas(m);
  return m;
}

}  // namespace

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool Manifest::has_operation(std::string_view name) const { return find_operation(name) != nullptr; }

const OperationDescriptor* Manifest::find_operation(std::string_view name) const {
  for (const auto& op : operations)
    if (op.name == name) return &op;
  return nullptr;
}

const ProviderDescriptor* Manifest::find_provider(std::string_view name) const {
  for (const auto& p : providers)
    if (p.name == name) return &p;
  return nullptr;
}

const ConnectorDescriptor* Manifest::find_connector(std::string_view name) const {
  for (const auto& c : connectors)
    if (c.name == name) return &c;
  for (const auto& c : connectors)
    if (std::find(c.aliases.begin(), c.aliases.end(), name) != c.aliases.end()) return &c;
  return nullptr;
}

std::variant<Manifest, std::string> parse_manifest(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return "manifest: not valid JSON (" + ec.message() + ")";
  try {
    return parse(root);
  } catch (const ManifestError& e) {
    return std::string("manifest: ") + e.what();
  }
}

std::string_view to_string(ClientAuth auth) {
  switch (auth) {
    case ClientAuth::basic: return "basic";
    case ClientAuth::form: return "form";
    case ClientAuth::json: return "json";
  }
  return "form";
}

namespace {
json::array to_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}
}  // namespace

json::object to_json(const ProviderDescriptor& provider) {
  const auto& o = provider.oauth;
  json::object oauth{{"authorization_url", o.authorization_url},
                     {"token_url", o.token_url},
                     {"revoke_url", o.revoke_url},
                     {"scopes", to_array(o.scopes)},
                     {"pkce", o.pkce},
                     {"client_auth", to_string(o.client_auth)}};
  if (!o.issuer.empty()) oauth["issuer"] = o.issuer;
  if (!o.user_scopes.empty()) oauth["user_scopes"] = to_array(o.user_scopes);
  if (o.token_check) oauth["token_check"] = o.token_check->url;
  if (!o.introspection_url.empty()) oauth["introspection_url"] = o.introspection_url;
  if (!o.userinfo_url.empty()) oauth["userinfo_url"] = o.userinfo_url;
  return {{"name", provider.name},
          {"display_name", provider.display_name},
          {"oauth", std::move(oauth)},
          {"api_origins", to_array(provider.api_origins)}};
}

json::object to_json(const ConnectorDescriptor& connector) {
  return {{"name", connector.name},
          {"provider", connector.provider},
          {"display_name", connector.display_name},
          {"description", connector.description},
          {"item_types", to_array(connector.item_types)},
          {"operations", to_array(connector.verbs)},
          {"scopes", to_array(connector.scopes)},
          {"aliases", to_array(connector.aliases)}};
}

json::object to_json(const OperationDescriptor& operation) {
  json::object out{{"name", operation.name},
                   {"title", operation.title},
                   {"description", operation.description},
                   {"params", operation.params},
                   {"result", operation.result},
                   {"annotations", {{"read_only", operation.annotations.read_only},
                                    {"destructive", operation.annotations.destructive},
                                    {"idempotent", operation.annotations.idempotent}}}};
  if (!operation.body.is_null()) out["body"] = operation.body;
  if (!operation.scopes.empty()) out["scopes"] = to_array(operation.scopes);
  if (!operation.user_scopes.empty()) out["user_scopes"] = to_array(operation.user_scopes);
  return out;
}

std::vector<std::string> route_segments(std::string_view path) {
  std::vector<std::string> segments;
  for (std::size_t start = path.starts_with('/') ? 1 : 0; start <= path.size();) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (!segments.empty() && segments.back().empty()) segments.pop_back();  // "/" is the root
  return segments;
}

}  // namespace lagentry::plugin
