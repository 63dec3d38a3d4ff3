#include "host/web/connect_pages.hpp"

#include "core/store/clock.hpp"
#include "core/store/connect_session_store.hpp"
#include "host/api/auth_api.hpp"
#include "host/web/browser_request.hpp"
#include "host/web/html.hpp"

#include <boost/url/url.hpp>

#include <algorithm>

namespace lagentry::host::web {
using boost::asio::awaitable;

namespace {
constexpr const char* kPagePath = "/connect";

using Outcome = std::vector<std::pair<std::string, std::string>>;

std::optional<store::ConnectSession> current_session(store::Database& database, const Request& request) {
  auto token = cookie(request, kConnectCookie);
  if (!token) return std::nullopt;
  store::ConnectSessionStore sessions(database);
  return sessions.find(*token);
}

Response expired_page() {
  return html_page(http::status::not_found,
                   Page{"This link has expired",
                        "<div class=\"card\"><p>This connect link is not valid or has expired. Links work for a limited "
                        "time.</p><p>Go back to the app that sent you here and ask it for a new link.</p></div>"});
}

Response problem_page(http::status status, std::string_view title, std::string_view message) {
  return html_page(status, Page{std::string(title), "<div class=\"card\"><p>" + escape(message) +
                                                        "</p><p><a href=\"/connect\">Back to your accounts</a></p></div>"});
}

std::string with_outcome(const std::string& base, const Outcome& outcome) {
  boost::urls::url target(base);
  for (const auto& [key, value] : outcome) target.params().set(key, value);
  return std::string(target.buffer());
}

struct ProviderRow {
  std::string name;
  std::string display_name;
  std::string summary;
  bool configured = false;
  std::string state;  // connected, needs_reauth, not_connected, unavailable
};

std::vector<ProviderRow> provider_rows(const store::ConnectSession& session, oauth::OAuthEngine& engine,
                                       const std::vector<store::Connection>& connections, const Config& config) {
  std::vector<std::string> names = session.providers;
  if (names.empty()) {
    const auto all = engine.providers().all();
    for (const auto& entry : all)
      if (client_config(*entry.descriptor, config)) names.push_back(entry.descriptor->name);
  }
  std::vector<ProviderRow> rows;
  for (const auto& name : names) {
    ProviderRow row;
    row.name = name;
    row.display_name = name;
    if (auto entry = engine.providers().find(name)) {
      if (!entry->descriptor->display_name.empty()) row.display_name = entry->descriptor->display_name;
      row.summary = provider_summary(*entry);
      row.configured = client_config(*entry->descriptor, config).has_value();
    }
    row.state = row.configured ? "not_connected" : "unavailable";
    for (const auto& c : connections)
      if (c.provider == name) row.state = c.status == "needs_reauth" ? "needs_reauth" : "connected";
    rows.push_back(std::move(row));
  }
  return rows;
}

// What happened, in words, from the query the callback (or a form) added.
std::string outcome_notice(const RequestContext& ctx, const std::vector<ProviderRow>& rows) {
  const std::string provider = ctx.query("provider").value_or("");
  const std::string status = ctx.query("status").value_or("");
  const auto row = std::find_if(rows.begin(), rows.end(), [&](const ProviderRow& r) { return r.name == provider; });
  if (row == rows.end() || status.empty()) return {};
  const std::string who = escape(row->display_name);
  auto notice = [](std::string_view kind, const std::string& text) {
    return "<div class=\"notice " + std::string(kind) + "\" role=\"status\" id=\"outcome\">" + text + "</div>";
  };
  if (status == "connected") return notice("success", "Your " + who + " account is connected.");
  if (status == "disconnected")
    return notice("info", "Your " + who + " account is disconnected. The app can no longer use it.");
  const std::string error = ctx.query("error").value_or("");
  if (error == "access_denied")
    return notice("error", "You did not allow access to " + who + ". Nothing was stored. Press Connect to try again.");
  if (error == "invalid_state")
    return notice("error", "That sign-in took too long or was already used. Press Connect to start again.");
  if (error == "authorization_code_rejected")
    return notice("error", who + " did not accept the sign-in. Press Connect to try again.");
  return notice("error", who + " could not connect your account right now (" + escape(error.substr(0, 64)) +
                             "). Try again in a moment; if it keeps failing, contact the app's support.");
}

std::string action_form(const char* action, const ProviderRow& row, const std::string& csrf, const char* label,
                        const char* style) {
  return std::string("<form class=\"inline\" method=\"post\" action=\"") + action + "\">"
         "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) + "\">"
         "<input type=\"hidden\" name=\"provider\" value=\"" + escape(row.name) + "\">"
         "<button type=\"submit\" class=\"" + style + "\">" + label + "</button></form>";
}

std::string provider_card(const ProviderRow& row, const std::string& csrf) {
  static const std::map<std::string, const char*> kLabels{{"connected", "Connected"},
                                                          {"needs_reauth", "Needs re-authorization"},
                                                          {"not_connected", "Not connected"},
                                                          {"unavailable", "Not available"}};
  std::string html = "<li class=\"card provider\" id=\"provider-" + escape(row.name) + "\" data-state=\"" + row.state +
                     "\"><div class=\"about\"><h2>" + escape(row.display_name) + "</h2><p>" + escape(row.summary) +
                     "</p></div><div class=\"actions\"><span class=\"badge " + row.state + "\">" + kLabels.at(row.state) +
                     "</span>";
  if (row.state == "not_connected") html += action_form("/connect/authorize", row, csrf, "Connect", "");
  if (row.state == "needs_reauth") html += action_form("/connect/authorize", row, csrf, "Reconnect", "");
  if (row.state == "connected" || row.state == "needs_reauth")
    html += action_form("/connect/disconnect", row, csrf, "Disconnect", "danger");
  if (row.state == "unavailable") html += "<span class=\"muted\">This host has no app set up for it yet.</span>";
  return html + "</div></li>";
}

Response connect_page(const RequestContext& ctx, const store::ConnectSession& session, oauth::OAuthEngine& engine,
                      const std::vector<store::Connection>& connections, const Config& config) {
  const auto rows = provider_rows(session, engine, connections, config);
  std::string body = "<p class=\"lead\">Connect the accounts you want the app to use for <strong id=\"user\">" +
                     escape(session.user_email) +
                     "</strong>. You can disconnect them here at any time.</p>" + outcome_notice(ctx, rows);
  if (rows.empty()) body += "<div class=\"card\"><p>There is nothing to connect on this host yet.</p></div>";
  body += "<ul class=\"providers\">";
  for (const auto& row : rows) body += provider_card(row, session.csrf);
  body += "</ul><p class=\"muted\">This link works until " + escape(utc_time(session.expires_at_ms)) + ".</p>";
  if (!session.redirect_to.empty())
    body += "<p><a class=\"button secondary\" id=\"return\" href=\"" + escape(session.redirect_to) + "\">Return to the app</a></p>";
  return html_page(http::status::ok, Page{"Connect your accounts", std::move(body)});
}

// The session and checked form of a POST from the page, or the page to answer instead.
struct PagePost {
  std::optional<store::ConnectSession> session;
  std::string provider;
  std::optional<Response> refusal;
};

// `session`: the page's connect session, read (on the database pool) from its cookie.
PagePost read_post(const RequestContext& ctx, std::optional<store::ConnectSession> session) {
  PagePost post;
  post.session = std::move(session);
  if (!post.session) {
    post.refusal = expired_page();
    return post;
  }
  const Form form = parse_form(ctx.request);
  if (!same_secret(field(form, "csrf"), post.session->csrf)) {
    post.refusal = problem_page(http::status::forbidden, "Please try again",
                                "This page was out of date. Go back to your accounts and press the button again.");
    return post;
  }
  post.provider = field(form, "provider");
  const auto& allowed = post.session->providers;
  if (post.provider.empty() || (!allowed.empty() && std::find(allowed.begin(), allowed.end(), post.provider) == allowed.end()))
    post.refusal = problem_page(http::status::bad_request, "Not available", "This link cannot connect that account.");
  return post;
}

// After an outcome: back to the app when the session names one, else to the page.
std::string after(const store::ConnectSession& session, const Outcome& outcome) {
  return with_outcome(session.redirect_to.empty() ? std::string(kPagePath) : session.redirect_to, outcome);
}
}  // namespace

std::string provider_summary(const oauth::ProviderEntry& provider) {
  std::vector<std::string> names;
  if (provider.plugin)
    for (const auto& connector : provider.plugin->manifest().connectors)
      if (connector.provider == provider.descriptor->name)
        names.push_back(connector.display_name.empty() ? connector.name : connector.display_name);
  const std::string who = provider.descriptor->display_name.empty() ? provider.descriptor->name : provider.descriptor->display_name;
  if (names.empty()) return "The app will be able to use your " + who + " account on your behalf.";
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i)
    list += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return "The app will be able to use " + list + " on your behalf.";
}

void add_connect_pages(Router& router, store::Database& database, store::DatabaseWork& work, oauth::OAuthEngine& engine,
                       const Config& config) {
  // The page's connect session, from its cookie (database work: on the pool).
  auto session_of = [&database, &work](const RequestContext& ctx) {
    return work.run([&database, &ctx] { return current_session(database, ctx.request); });
  };
  router.add(http::verb::get, "/connect/{token}", [&](RequestContext& ctx) -> awaitable<Response> {
    auto session = co_await work.run([&] {
      store::ConnectSessionStore sessions(database);
      return sessions.find(ctx.param("token"));
    });
    if (!session) co_return expired_page();
    const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::milliseconds(session->expires_at_ms - store::now_ms()));
    CookieOptions options;
    options.path = kPagePath;
    options.same_site = "Lax";  // sent when the provider redirects the browser back
    options.secure = config.public_url.rfind("https://", 0) == 0;
    options.max_age = std::max(remaining, std::chrono::seconds(1));
    Response response = redirect(http::status::see_other, kPagePath);
    response.set(http::field::set_cookie, set_cookie(kConnectCookie, ctx.param("token"), options));
    co_return response;
  }, Access::open);

  router.add(http::verb::get, kPagePath, [&, session_of](RequestContext& ctx) -> awaitable<Response> {
    auto session = co_await session_of(ctx);
    if (!session) co_return expired_page();
    const auto connections = co_await engine.connections(session->tenant_id, session->user_email);
    co_return connect_page(ctx, *session, engine, connections, config);
  }, Access::open);

  router.add(http::verb::post, "/connect/authorize", [&, session_of](RequestContext& ctx) -> awaitable<Response> {
    auto found = co_await session_of(ctx);
    PagePost post = read_post(ctx, std::move(found));
    if (post.refusal) co_return std::move(*post.refusal);
    const store::ConnectSession& session = *post.session;
    // The flow comes back to this page, or to the app that made the link.
    const std::string back = session.redirect_to.empty() ? std::string(kPagePath) : session.redirect_to;
    // A link made for one provider may name its scopes (MCP asking for what a
    // tool lacks); otherwise the provider's least-privilege defaults.
    const bool named = session.providers.size() == 1 && session.providers.front() == post.provider;
    const std::string scopes = named ? session.scopes : std::string();
    std::optional<ApiError> failure;
    oauth::Authorization start;
    try {
      start = co_await engine.begin(session.tenant_id, session.user_email, post.provider, scopes, back, ctx.request_id);
    } catch (const ApiError& e) {
      failure = e;
    }
    if (failure)
      co_return problem_page(failure->status, "Cannot connect right now",
                             "This account cannot be connected right now (" + failure->code + ").");
    co_return redirect(http::status::see_other, start.url);
  }, Access::open);

  router.add(http::verb::post, "/connect/disconnect", [&, session_of](RequestContext& ctx) -> awaitable<Response> {
    auto found = co_await session_of(ctx);
    PagePost post = read_post(ctx, std::move(found));
    if (post.refusal) co_return std::move(*post.refusal);
    const store::ConnectSession& session = *post.session;
    std::optional<ApiError> failure;
    try {
      co_await engine.revoke(session.tenant_id, session.user_email, post.provider, ctx.request_id);
    } catch (const ApiError& e) {
      failure = e;
    }
    // Not connected (any more) is the outcome the person asked for.
    if (failure && failure->code != "not_connected")
      co_return problem_page(failure->status, "Cannot disconnect right now",
                             "The account could not be disconnected (" + failure->code + "). Try again in a moment.");
    co_return redirect(http::status::see_other, after(session, {{"status", "disconnected"}, {"provider", post.provider}}));
  }, Access::open);
}

}  // namespace lagentry::host::web
