#include "host/web/console_pages.hpp"

#include "core/crypto/encoding.hpp"
#include "core/store/activity_query.hpp"
#include "core/store/api_key_store.hpp"
#include "core/store/clock.hpp"
#include "core/store/connection_store.hpp"
#include "core/store/console_session_store.hpp"
#include "host/api/admin_api.hpp"
#include "host/api/auth_api.hpp"
#include "host/api/connect_session_api.hpp"
#include "host/web/browser_request.hpp"
#include "host/web/html.hpp"

#include <boost/json.hpp>
#include <boost/url/url.hpp>

#include <charconv>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace lagentry::host::web {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {
constexpr int kPageSize = 50;

struct SignedIn {
  store::ConsoleSession session;
  std::string key_name;
};

bool secure(const Config& config) { return config.public_url.rfind("https://", 0) == 0; }

CookieOptions console_cookie(const Config& config, std::chrono::seconds max_age) {
  CookieOptions options;
  options.path = "/console";
  options.same_site = "Strict";
  options.secure = secure(config);
  options.max_age = max_age;
  return options;
}

// The session of the request's cookie, while its key is still active.
std::optional<SignedIn> signed_in(const Request& request, store::Database& database) {
  auto token = cookie(request, kConsoleCookie);
  if (!token) return std::nullopt;
  store::ConsoleSessionStore sessions(database);
  auto session = sessions.find(*token);
  if (!session) return std::nullopt;
  store::ApiKeyStore keys(database);
  auto key = keys.find(session->key_id);
  if (!key || key->revoked_at_ms || !key->is_operator()) return std::nullopt;
  return SignedIn{std::move(*session), key->name};
}

Response to_sign_in() { return redirect(http::status::see_other, "/console/sign-in"); }

std::string url_with(std::string_view path, const std::vector<std::pair<std::string, std::string>>& query) {
  boost::urls::url url(path);
  for (const auto& [key, value] : query)
    if (!value.empty()) url.params().append({key, value});
  return std::string(url.buffer());
}

std::string nav(std::string_view current, const std::string& csrf) {
  std::string html = "<nav>";
  for (const auto& [path, label] : std::vector<std::pair<std::string, std::string>>{
           {"/console/connections", "Connections"}, {"/console/activity", "Activity"},
           {"/console/plugins", "Plugins"}, {"/console/settings", "Settings"}, {"/docs", "API docs"}}) {
    html += "<a href=\"" + path + "\"" + (path == current ? " aria-current=\"page\"" : "") + ">" + label + "</a>";
  }
  html += "<form method=\"post\" action=\"/console/sign-out\"><input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) +
          "\"><button type=\"submit\" class=\"secondary\" id=\"sign-out\">Sign out</button></form></nav>";
  return html;
}

Response console_page(std::string_view path, const SignedIn& who, std::string title, std::string body) {
  Page page{std::move(title), std::move(body), nav(path, who.session.csrf), true};
  Response response = html_page(http::status::ok, page);
  response.set("Content-Security-Policy",
               "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  return response;
}

std::string notice(std::string_view kind, std::string_view text) {
  return "<div class=\"notice " + std::string(kind) + "\" role=\"status\" id=\"notice\">" + escape(text) + "</div>";
}

std::string hidden(std::string_view name, std::string_view value) {
  return "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" + escape(value) + "\">";
}

std::string select(std::string_view name, const std::vector<std::pair<std::string, std::string>>& options,
                   const std::string& chosen) {
  std::string html = "<select name=\"" + std::string(name) + "\" id=\"filter-" + std::string(name) + "\">";
  for (const auto& [value, label] : options)
    html += "<option value=\"" + escape(value) + "\"" + (value == chosen ? " selected" : "") + ">" + escape(label) + "</option>";
  return html + "</select>";
}

std::string text_input(std::string_view name, std::string_view type, const std::string& value, std::string_view placeholder = {}) {
  return "<input type=\"" + std::string(type) + "\" name=\"" + std::string(name) + "\" id=\"filter-" + std::string(name) +
         "\" value=\"" + escape(value) + "\" placeholder=\"" + escape(placeholder) + "\">";
}

std::string labelled(std::string_view label, std::string control) {
  return "<div><label>" + std::string(label) + "</label>" + control + "</div>";
}

std::string query_or(const RequestContext& ctx, std::string_view name, std::string fallback = {}) {
  auto value = ctx.query(name);
  return value && !value->empty() ? *value : fallback;
}

std::vector<std::pair<std::string, std::string>> tenant_options(store::Database& database) {
  store::ApiKeyStore keys(database);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& tenant : keys.tenants()) out.emplace_back(tenant, tenant);
  return out;
}

std::vector<std::pair<std::string, std::string>> provider_options(const oauth::OAuthEngine& engine, std::string any_label) {
  std::vector<std::pair<std::string, std::string>> out{{"", std::move(any_label)}};
  const auto all = engine.providers().all();
  for (const auto& entry : all)
    out.emplace_back(entry.descriptor->name,
                     entry.descriptor->display_name.empty() ? entry.descriptor->name : entry.descriptor->display_name);
  return out;
}

// "2026-12-02T04:05" (a datetime-local field, read as UTC) -> Unix ms; 0 when empty or not a time.
std::int64_t parse_utc(const std::string& text) {
  if (text.empty()) return 0;
  std::tm parts{};
  std::istringstream in(text);
  in >> std::get_time(&parts, text.size() > 10 ? "%Y-%m-%dT%H:%M" : "%Y-%m-%d");
  if (in.fail()) return 0;
  return static_cast<std::int64_t>(::timegm(&parts)) * 1000;
}

std::string join_scopes(const std::string& scopes) {
  std::string out;
  for (char c : scopes) out += c == ',' ? ' ' : c;
  return out;
}

// --- pages -----------------------------------------------------------------

Response sign_in_page(http::status status, std::string_view problem) {
  std::string body = problem.empty() ? std::string() : notice("error", problem);
  body += "<div class=\"card\"><p>Sign in with an operator API key (<code>lagentry-host keys create --operator</code>).</p>"
          "<form method=\"post\" action=\"/console/sign-in\"><label for=\"api_key\">API key</label>"
          "<input type=\"password\" id=\"api_key\" name=\"api_key\" autocomplete=\"off\" required>"
          "<p><button type=\"submit\" id=\"sign-in\">Sign in</button></p></form></div>";
  Response response = html_page(status, Page{"Operator console", std::move(body)});
  return response;
}

std::string connections_body(const RequestContext& ctx, const ConsoleServices& s, const SignedIn& who) {
  const std::string tenant = query_or(ctx, "tenant", who.session.tenant_id);
  const std::string provider = query_or(ctx, "provider");
  const std::string status = query_or(ctx, "status");
  const std::string user = query_or(ctx, "user_email");
  std::string after;
  if (auto cursor = ctx.query("cursor"); cursor && !cursor->empty() && cursor->size() <= 256)
    after = crypto::base64url_decode(*cursor).value_or("");
  store::ConnectionStore connections(s.database);
  const auto page = connections.page(tenant, provider, status, user, after, kPageSize);

  std::string body;
  const std::string done = query_or(ctx, "done");
  if (done == "revoked") body += notice("success", "The connection was revoked.");
  if (done == "missing") body += notice("error", "That connection no longer exists.");
  body += "<form class=\"filters card\" method=\"get\" action=\"/console/connections\">" +
          labelled("Tenant", select("tenant", tenant_options(s.database), tenant)) +
          labelled("Provider", select("provider", provider_options(s.engine, "Any provider"), provider)) +
          labelled("Status", select("status", {{"", "Any status"}, {"connected", "Connected"}, {"needs_reauth", "Needs re-authorization"}}, status)) +
          labelled("User", text_input("user_email", "email", user, "alice@example.com")) +
          "<div><button type=\"submit\" id=\"apply-filters\">Filter</button></div></form>";
  body += "<div class=\"table-wrap\"><table id=\"connections\"><thead><tr><th>User</th><th>Provider</th><th>Status</th>"
          "<th>Scopes</th><th>Connected</th><th>Updated</th><th>Token expires</th><th></th></tr></thead><tbody>";
  for (const auto& c : page) {
    body += "<tr data-id=\"" + escape(c.id) + "\" data-provider=\"" + escape(c.provider) + "\"><td>" + escape(c.user_email) +
            "</td><td>" + escape(c.provider) + "</td><td><span class=\"badge " + escape(c.status) + "\">" + escape(c.status) +
            "</span></td><td class=\"mono\">" + escape(join_scopes(c.scopes)) + "</td><td>" + utc_time(c.created_at_ms) +
            "</td><td>" + utc_time(c.updated_at_ms) + "</td><td>" + utc_time(c.expires_at_ms) + "</td><td>"
            "<form class=\"inline\" method=\"post\" action=\"/console/connections/revoke\">" + hidden("csrf", who.session.csrf) +
            hidden("tenant", tenant) + hidden("id", c.id) + "<button type=\"submit\" class=\"danger\">Revoke</button></form></td></tr>";
  }
  if (page.empty()) body += "<tr><td colspan=\"8\" class=\"muted\">No connections match.</td></tr>";
  body += "</tbody></table></div>";
  if (static_cast<int>(page.size()) == kPageSize)
    body += "<p class=\"pager\"><a id=\"next-page\" href=\"" +
            escape(url_with("/console/connections", {{"tenant", tenant}, {"provider", provider}, {"status", status},
                                                     {"user_email", user}, {"cursor", crypto::base64url_encode(page.back().id)}})) +
            "\">Next page</a></p>";

  // A connect link for one of the tenant's users.
  body += "<h2>Create a connect link</h2><form class=\"card\" method=\"post\" action=\"/console/connect-links\" id=\"connect-link-form\">" +
          hidden("csrf", who.session.csrf) + hidden("tenant", tenant) +
          "<p class=\"muted\">For a user of tenant <strong>" + escape(tenant) +
          "</strong>: they open the link to connect their accounts themselves.</p>"
          "<label for=\"link-user\">User's email</label><input type=\"email\" id=\"link-user\" name=\"user_email\" required>"
          "<fieldset><legend>Providers (none ticked: all)</legend>";
  const auto all = s.engine.providers().all();
  for (const auto& entry : all)
    body += "<label><input type=\"checkbox\" name=\"provider_" + escape(entry.descriptor->name) + "\" value=\"on\"> " +
            escape(entry.descriptor->display_name.empty() ? entry.descriptor->name : entry.descriptor->display_name) + "</label>";
  body += "</fieldset><label for=\"link-expires\">Valid for (minutes)</label>"
          "<input type=\"text\" id=\"link-expires\" name=\"expires_in_minutes\" value=\"30\">"
          "<p><button type=\"submit\" id=\"create-link\">Create link</button></p></form>";
  return body;
}

std::string activity_body(const RequestContext& ctx, const ConsoleServices& s, const SignedIn& who) {
  store::ActivityFilter filter;
  filter.tenant_id = query_or(ctx, "tenant", who.session.tenant_id);
  filter.user_email = query_or(ctx, "user_email");
  filter.provider = query_or(ctx, "provider");
  filter.status = query_or(ctx, "status");
  const std::string since = query_or(ctx, "since"), until = query_or(ctx, "until");
  filter.since_ms = parse_utc(since);
  filter.until_ms = parse_utc(until);
  filter.limit = kPageSize;
  if (auto cursor = ctx.query("cursor"); cursor && !cursor->empty()) {
    std::int64_t before = 0;
    auto [end, ec] = std::from_chars(cursor->data(), cursor->data() + cursor->size(), before);
    if (ec == std::errc{} && end == cursor->data() + cursor->size() && before > 0) filter.before_id = before;
  }
  const auto entries = store::query_activity(s.database, filter);

  std::string body;
  if ((!since.empty() && !filter.since_ms) || (!until.empty() && !filter.until_ms))
    body += notice("error", "A time filter was not a date and time (YYYY-MM-DDTHH:MM, UTC); it was left out.");
  body += "<form class=\"filters card\" method=\"get\" action=\"/console/activity\">" +
          labelled("Tenant", select("tenant", tenant_options(s.database), filter.tenant_id)) +
          labelled("User", text_input("user_email", "email", filter.user_email, "alice@example.com")) +
          labelled("Provider", select("provider", provider_options(s.engine, "Any provider"), filter.provider)) +
          labelled("Status", text_input("status", "text", filter.status, "ok, error, ...")) +
          labelled("Since (UTC)", text_input("since", "datetime-local", since)) +
          labelled("Until (UTC)", text_input("until", "datetime-local", until)) +
          "<div><button type=\"submit\" id=\"apply-filters\">Filter</button></div></form>";
  body += "<div class=\"table-wrap\"><table id=\"activity\"><thead><tr><th>Time (UTC)</th><th>User</th><th>Provider</th>"
          "<th>Connector</th><th>Action</th><th>Status</th><th>HTTP</th><th>Latency</th><th>Request id</th><th>Detail</th>"
          "</tr></thead><tbody>";
  for (const auto& e : entries) {
    char when[32] = "";
    const std::time_t seconds = static_cast<std::time_t>(e.occurred_at_ms / 1000);
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &parts);
    body += "<tr data-action=\"" + escape(e.action) + "\" data-provider=\"" + escape(e.provider) + "\"><td>" + when +
            "</td><td>" + escape(e.user_email) + "</td><td>" + escape(e.provider) + "</td><td>" + escape(e.connector) +
            "</td><td>" + escape(e.action) + "</td><td>" + escape(e.status) + "</td><td>" + std::to_string(e.http_status) +
            "</td><td>" + std::to_string(e.latency_ms) + " ms</td><td class=\"mono\">" + escape(e.request_id) + "</td><td>" +
            escape(e.detail) + "</td></tr>";
  }
  if (entries.empty()) body += "<tr><td colspan=\"10\" class=\"muted\">No activity matches.</td></tr>";
  body += "</tbody></table></div>";
  if (static_cast<int>(entries.size()) == kPageSize)
    body += "<p class=\"pager\"><a id=\"next-page\" href=\"" +
            escape(url_with("/console/activity", {{"tenant", filter.tenant_id}, {"user_email", filter.user_email},
                                                  {"provider", filter.provider}, {"status", filter.status}, {"since", since},
                                                  {"until", until}, {"cursor", std::to_string(entries.back().id)}})) +
            "\">Older</a></p>";
  return body;
}

std::string text_of(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return json::serialize(v);
}

std::string names(const json::value& list) {
  std::string out;
  if (list.is_array())
    for (const auto& n : list.get_array()) out += (out.empty() ? "" : ", ") + text_of(n);
  return out;
}

std::string plugins_body(const RequestContext& ctx, const ConsoleServices& s, const SignedIn& who) {
  const json::object view = plugins_view(s.registry);
  std::string body;
  if (query_or(ctx, "done") == "reloaded")
    body += notice("success", "Plugins reloaded: " + query_or(ctx, "loaded", "0") + " loaded, " + query_or(ctx, "kept", "0") +
                                  " kept, " + query_or(ctx, "refused", "0") + " refused.");
  body += "<p class=\"muted\">From <code>" + escape(text_of(view.at("plugin_dir"))) + "</code>. Changed files are picked up "
          "automatically; reload now to pick them up at once.</p>"
          "<form method=\"post\" action=\"/console/plugins/reload\">" + hidden("csrf", who.session.csrf) +
          "<p><button type=\"submit\" id=\"reload-plugins\">Reload plugins</button></p></form>";
  body += "<div class=\"table-wrap\"><table id=\"plugins\"><thead><tr><th>Plugin</th><th>Version</th><th>ABI</th><th>File</th>"
          "<th>SHA-256</th><th>Loaded</th><th>In flight</th><th>Isolation</th><th>Providers</th><th>Connectors</th></tr></thead><tbody>";
  for (const auto& p : view.at("plugins").as_array()) {
    const auto& plugin = p.as_object();
    const std::int64_t loaded = plugin.at("loaded_at").to_number<std::int64_t>() * 1000;
    body += "<tr data-plugin=\"" + escape(text_of(plugin.at("id"))) + "\"><td>" + escape(text_of(plugin.at("id"))) + "</td><td>" +
            escape(text_of(plugin.at("version"))) + "</td><td>" + escape(text_of(plugin.at("abi_version"))) + "</td><td>" +
            escape(text_of(plugin.at("file"))) + "</td><td class=\"mono\">" + escape(text_of(plugin.at("sha256")).substr(0, 16)) +
            "…</td><td>" + utc_time(loaded) + "</td><td>" + escape(text_of(plugin.at("requests_in_flight"))) + "</td><td>" +
            escape(text_of(plugin.at("isolation"))) + "</td><td>" + escape(names(plugin.at("providers"))) + "</td><td>" +
            escape(names(plugin.at("connectors"))) + "</td></tr>";
  }
  body += "</tbody></table></div><h2>Recent request failures</h2>";
  std::string failures;
  for (const auto& p : view.at("plugins").as_array())
    for (const auto& f : p.at("recent_failures").as_array())
      failures += "<tr><td>" + escape(text_of(p.at("id"))) + "</td><td>" + escape(text_of(f.at("operation"))) + "</td><td>" +
                  escape(text_of(f.at("code"))) + "</td><td>" + escape(text_of(f.at("message"))) + "</td><td class=\"mono\">" +
                  escape(text_of(f.at("request_id"))) + "</td><td>" + utc_time(f.at("at").to_number<std::int64_t>() * 1000) +
                  "</td></tr>";
  if (failures.empty()) body += "<p class=\"muted\" id=\"no-failures\">None since the host started.</p>";
  else
    body += "<div class=\"table-wrap\"><table id=\"plugin-failures\"><thead><tr><th>Plugin</th><th>Operation</th><th>Code</th>"
            "<th>Message</th><th>Request id</th><th>At</th></tr></thead><tbody>" + failures + "</tbody></table></div>";
  body += "<h2>Last load errors</h2>";
  const auto& errors = view.at("errors").as_array();
  if (errors.empty()) body += "<p class=\"muted\" id=\"no-errors\">None.</p>";
  else {
    body += "<div class=\"table-wrap\"><table id=\"plugin-errors\"><thead><tr><th>File</th><th>Error</th><th>At</th></tr></thead><tbody>";
    for (const auto& e : errors)
      body += "<tr><td>" + escape(text_of(e.at("file"))) + "</td><td>" + escape(text_of(e.at("error"))) + "</td><td>" +
              utc_time(e.at("at").to_number<std::int64_t>() * 1000) + "</td></tr>";
    body += "</tbody></table></div>";
  }
  return body;
}

std::string settings_body(const ConsoleServices& s) {
  const Config& c = s.config;
  auto row = [](std::string_view name, const std::string& value) {
    return "<dt>" + std::string(name) + "</dt><dd>" + escape(value) + "</dd>";
  };
  auto list = [](const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
    return out.empty() ? std::string("(none)") : out;
  };
  std::string body = "<p class=\"muted\">What this host runs with. Secrets (encryption keys, API keys, client secrets) are "
                     "never shown.</p><dl class=\"settings card\" id=\"settings\">";
  body += row("Version", LAGENTRY_VERSION);
  body += row("Listening on", c.host + ":" + std::to_string(c.port));
  body += row("Public URL", c.public_url);
  body += row("Database", s.database.description());
  body += row("Plugin folder", c.plugin_dir.string());
  body += row("Plugin isolation", c.plugin_isolation.describe());
  body += row("Threads", std::to_string(c.threads));
  body += row("Log", c.log_level + " (" + c.log_format + ")" + (c.access_log ? ", access log on" : ""));
  body += row("CORS origins", list(c.cors_origins));
  body += row("Redirect allowlist", list(c.redirect_allowlist));
  body += row("OAuth state lifetime", std::to_string(c.state_ttl.count()) + " s");
  body += row("Max body", std::to_string(c.max_body_bytes) + " bytes");
  body += row("Metrics", c.metrics_public ? "public" : "operator key required");
  body += row("Upstream timeout", std::to_string(c.upstream_timeout.count()) + " s, " + std::to_string(c.upstream_max_retries) + " retries");
  body += "</dl><h2>OAuth apps</h2><dl class=\"settings card\" id=\"oauth-apps\">";
  const auto all = s.engine.providers().all();
  for (const auto& entry : all) {
    auto client = client_config(*entry.descriptor, c);
    body += row(entry.descriptor->name, client ? "configured, redirect URI " + client->redirect_uri : "not configured");
  }
  return body + "</dl>";
}

// A console POST: signed in, with the session's CSRF token.
struct ConsolePost {
  std::optional<SignedIn> who;
  Form form;
  std::optional<Response> refusal;
};

ConsolePost read_post(const RequestContext& ctx, store::Database& database) {
  ConsolePost post;
  post.who = signed_in(ctx.request, database);
  if (!post.who) {
    post.refusal = to_sign_in();
    return post;
  }
  post.form = parse_form(ctx.request);
  if (!same_secret(field(post.form, "csrf"), post.who->session.csrf))
    post.refusal = html_page(http::status::forbidden, Page{"Please try again", notice("error", "This page was out of date; go back, reload it and try again.")});
  return post;
}

using PageBody = std::string (*)(const RequestContext&, const ConsoleServices&, const SignedIn&);
}  // namespace

void add_console_pages(Router& router, ConsoleServices s) {
  router.add(http::verb::get, "/console", [s](RequestContext& ctx) -> awaitable<Response> {
    if (!signed_in(ctx.request, s.database)) co_return to_sign_in();
    co_return redirect(http::status::see_other, "/console/connections");
  }, Access::open);

  router.add(http::verb::get, "/console/sign-in", [s](RequestContext& ctx) -> awaitable<Response> {
    if (signed_in(ctx.request, s.database)) co_return redirect(http::status::see_other, "/console/connections");
    co_return sign_in_page(http::status::ok, "");
  }, Access::open);

  router.add(http::verb::post, "/console/sign-in", [s](RequestContext& ctx) -> awaitable<Response> {
    const Form form = parse_form(ctx.request);
    store::ApiKeyStore keys(s.database);
    const std::string key = field(form, "api_key");
    auto record = key.empty() || key.size() > 256 ? std::nullopt : keys.authenticate(key);
    if (!record) co_return sign_in_page(http::status::unauthorized, "That key was not accepted.");
    if (!record->is_operator())
      co_return sign_in_page(http::status::forbidden, "That is a tenant key; the console needs an operator key.");
    store::ConsoleSessionStore sessions(s.database);
    auto [session, token] = sessions.create(record->id, record->tenant_id, kConsoleSessionLifetime);
    Response response = redirect(http::status::see_other, "/console/connections");
    response.set(http::field::set_cookie, set_cookie(kConsoleCookie, token, console_cookie(s.config, kConsoleSessionLifetime)));
    co_return response;
  }, Access::open);

  router.add(http::verb::post, "/console/sign-out", [s](RequestContext& ctx) -> awaitable<Response> {
    ConsolePost post = read_post(ctx, s.database);
    if (post.refusal) co_return std::move(*post.refusal);
    store::ConsoleSessionStore sessions(s.database);
    sessions.remove(cookie(ctx.request, kConsoleCookie).value_or(""));
    Response response = redirect(http::status::see_other, "/console/sign-in");
    response.set(http::field::set_cookie, set_cookie(kConsoleCookie, "", console_cookie(s.config, std::chrono::seconds(0))));
    co_return response;
  }, Access::open);

  for (const auto& [path, title, body] : std::vector<std::tuple<std::string, std::string, PageBody>>{
           {"/console/connections", "Connections", connections_body},
           {"/console/activity", "Activity", activity_body},
           {"/console/plugins", "Plugins", plugins_body},
           {"/console/settings", "Settings", [](const RequestContext&, const ConsoleServices& services, const SignedIn&) {
              return settings_body(services);
            }}}) {
    router.add(http::verb::get, path, [s, path = path, title = title, body = body](RequestContext& ctx) -> awaitable<Response> {
      auto who = signed_in(ctx.request, s.database);
      if (!who) co_return to_sign_in();
      co_return console_page(path, *who, title, body(ctx, s, *who));
    }, Access::open);
  }

  router.add(http::verb::post, "/console/connections/revoke", [s](RequestContext& ctx) -> awaitable<Response> {
    ConsolePost post = read_post(ctx, s.database);
    if (post.refusal) co_return std::move(*post.refusal);
    const std::string tenant = field(post.form, "tenant");
    store::ConnectionStore connections(s.database);
    auto found = connections.find_by_id(tenant, field(post.form, "id"));
    if (!found) co_return redirect(http::status::see_other, url_with("/console/connections", {{"tenant", tenant}, {"done", "missing"}}));
    co_await s.engine.revoke(found->tenant_id, found->user_email, found->provider, ctx.request_id);
    co_return redirect(http::status::see_other, url_with("/console/connections", {{"tenant", tenant}, {"done", "revoked"}}));
  }, Access::open);

  router.add(http::verb::post, "/console/connect-links", [s](RequestContext& ctx) -> awaitable<Response> {
    ConsolePost post = read_post(ctx, s.database);
    if (post.refusal) co_return std::move(*post.refusal);
    ConnectLinkRequest request;
    request.tenant_id = field(post.form, "tenant");
    request.user_email = field(post.form, "user_email");
    for (const auto& [name, value] : post.form)
      if (name.rfind("provider_", 0) == 0 && value == "on") request.providers.push_back(name.substr(9));
    std::string minutes = field(post.form, "expires_in_minutes");
    minutes.erase(0, minutes.find_first_not_of(' '));
    minutes.erase(minutes.find_last_not_of(' ') + 1);
    int count = 30;
    auto [end, ec] = std::from_chars(minutes.data(), minutes.data() + minutes.size(), count);
    if (!minutes.empty() && (ec != std::errc{} || end != minutes.data() + minutes.size() || count < 1 || count > 1440))
      co_return console_page("/console/connections", *post.who, "Create a connect link",
                             notice("error", "Valid for must be a number of minutes from 1 to 1440.") +
                                 "<p><a href=\"/console/connections\">Back</a></p>");
    request.lifetime = std::chrono::minutes(count);
    std::string body;
    try {
      const ConnectLink link = issue_connect_link(s.database, s.engine, s.config, std::move(request));
      body = notice("success", "Send this link to " + link.session.user_email + ". It works until " +
                                   utc_time(link.session.expires_at_ms) + ".") +
             "<div class=\"card\"><p class=\"link-box\" id=\"connect-link\">" + escape(link.url) + "</p></div>";
    } catch (const ApiError& e) {
      body = notice("error", "No link was created: " + e.message);
    }
    body += "<p><a href=\"/console/connections\">Back to connections</a></p>";
    co_return console_page("/console/connections", *post.who, "Create a connect link", std::move(body));
  }, Access::open);

  router.add(http::verb::post, "/console/plugins/reload", [s](RequestContext& ctx) -> awaitable<Response> {
    ConsolePost post = read_post(ctx, s.database);
    if (post.refusal) co_return std::move(*post.refusal);
    auto report = s.registry.reload();
    co_return redirect(http::status::see_other,
                       url_with("/console/plugins", {{"done", "reloaded"}, {"loaded", std::to_string(report.loaded)},
                                                     {"kept", std::to_string(report.kept)},
                                                     {"refused", std::to_string(report.refused)}}));
  }, Access::open);
}

}  // namespace lagentry::host::web
