// Slack: OAuth v2 (slack.com/oauth/v2/authorize, oauth.v2.access) and the
// Web API subset. Slack answers almost every error with HTTP 200 and
// {"ok":false,"error":".."}; only rate limiting is a real 429.
#include "oauth.hpp"
#include "providers.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

namespace lagentry::sandbox {
namespace json = boost::json;

namespace {
constexpr const char* kTeamId = "T0SANDBOX";
constexpr const char* kTeamName = "Sandbox Team";
constexpr const char* kBotUserId = "U0BOT";
constexpr const char* kBotId = "B0BOT";
constexpr const char* kAliceId = "U0ALICE";
constexpr int kRotationTtl = 43200;

Response ok(json::object body) {
  json::object out{{"ok", true}};
  for (auto& [key, value] : body) out[key] = value;
  return json_response(200, out);
}

Response fail(const std::string& error) { return json_response(200, json::object{{"ok", false}, {"error", error}}); }

// Slack methods take arguments from the query, a form body or a JSON body alike.
Params arguments(const Request& request) {
  Params args = request.query;
  for (auto& p : request.form()) args.push_back(std::move(p));
  if (request.is_json()) {
    auto body = request.json();
    if (body.is_object())
      for (const auto& [key, value] : body.as_object()) {
        if (value.is_string()) args.emplace_back(key, std::string(value.as_string()));
        else if (value.is_int64()) args.emplace_back(key, std::to_string(value.as_int64()));
        else if (value.is_bool()) args.emplace_back(key, value.as_bool() ? "true" : "false");
        else if (!value.is_null()) args.emplace_back(key, "[structured]");  // blocks, attachments
      }
  }
  return args;
}

std::string arg(const Params& args, std::string_view key) { return first(args, key).value_or(""); }

struct SlackAuth {
  const Token* token = nullptr;
  Response error;
};

// Checks the token (Bearer header or token= argument) and one required scope.
SlackAuth authenticate(const State& state, const Request& request, const Params& args, const char* scope) {
  std::string value = request.bearer();
  if (value.empty()) value = arg(args, "token");
  auto check = state.check_access(Provider::slack, value);
  switch (check.status) {
    case TokenStatus::missing: return {nullptr, fail("not_authed")};
    case TokenStatus::invalid: return {nullptr, fail("invalid_auth")};
    case TokenStatus::expired: return {nullptr, fail("token_expired")};
    case TokenStatus::ok: break;
  }
  if (scope && !has_scope(*check.token, scope))
    return {nullptr, json_response(200, json::object{{"ok", false},
                                                     {"error", "missing_scope"},
                                                     {"needed", scope},
                                                     {"provided", join(check.token->scopes, ",")}})};
  return {check.token, {}};
}

const SlackChannel* find_channel(const State& state, const std::string& id_or_name) {
  std::string name = id_or_name.starts_with('#') ? id_or_name.substr(1) : id_or_name;
  for (const auto& c : state.slack.channels)
    if (c.id == id_or_name || c.name == name) return &c;
  return nullptr;
}

json::object channel_json(const SlackChannel& c) {
  auto text = [](const std::string& value) { return json::object{{"value", value}, {"creator", ""}, {"last_set", 0}}; };
  return {{"id", c.id},
          {"name", c.name},
          {"is_channel", !c.is_private},
          {"is_group", c.is_private},
          {"is_im", false},
          {"is_private", c.is_private},
          {"created", c.created},
          {"is_archived", c.is_archived},
          {"is_general", c.name == "general"},
          {"is_member", c.is_member},
          {"name_normalized", c.name},
          {"topic", text(c.topic)},
          {"purpose", text(c.purpose)},
          {"num_members", c.num_members}};
}

json::object message_json(const SlackMessage& m) {
  json::object out{{"type", "message"}, {"user", m.user}, {"text", m.text}, {"ts", m.ts}, {"team", kTeamId}};
  if (!m.bot_id.empty()) out["bot_id"] = m.bot_id;
  if (!m.thread_ts.empty()) out["thread_ts"] = m.thread_ts;
  return out;
}

// Cursor pagination shared by the list methods: returns [begin, end) and the next cursor ("" = last page).
struct Page {
  std::size_t begin, end;
  std::string next_cursor;
};
std::optional<Page> page_of(const Params& args, std::size_t total, std::size_t default_limit) {
  std::size_t offset = 0;
  if (auto cursor = arg(args, "cursor"); !cursor.empty()) {
    auto decoded = decode_cursor(cursor);
    if (!decoded) return std::nullopt;
    offset = std::min(*decoded, total);
  }
  std::size_t limit = to_size(first(args, "limit"), default_limit);
  if (limit == 0) limit = default_limit;
  limit = std::min<std::size_t>(limit, 1000);
  std::size_t end = std::min(total, offset + limit);
  return Page{offset, end, end < total ? encode_cursor(end) : ""};
}

// ---- OAuth ----

json::object token_fields(const Token& t, bool rotation, const std::string& refresh) {
  json::object out{{"access_token", t.value}, {"token_type", t.slack_type}, {"scope", join(t.scopes, ",")}};
  if (rotation) {
    out["refresh_token"] = refresh;
    out["expires_in"] = t.expires_at - now_seconds();
  }
  return out;
}

Response access(State& state, const Request& request) {
  auto t = token_request_from_form(request);
  if (t.client_id != kClientId) return fail("invalid_client_id");
  if (t.client_secret != kClientSecret) return fail("bad_client_secret");
  const bool refreshing = t.grant_type == "refresh_token";
  if (!refreshing && !t.grant_type.empty() && t.grant_type != "authorization_code") return fail("invalid_grant_type");
  const bool rotation = state.settings.slack_token_rotation;
  const int ttl = rotation ? state.access_ttl(kRotationTtl) : 0;

  auto issue = [&](Token consent, const std::string& type, std::string& refresh_out) -> const Token& {
    consent.slack_type = type;
    if (rotation) {
      Token refresh = consent;
      refresh.refresh = true;
      refresh_out = state.issue(refresh, "xoxe-1-", 0).value;
    }
    return state.issue(consent, type == "bot" ? "xoxb-" : "xoxp-", ttl);
  };

  if (refreshing) {
    auto redeemed = redeem_refresh(state, Provider::slack, t, false);
    if (redeemed.error != OAuthError::none) return fail("invalid_refresh_token");
    // Slack keeps the refresh token; only the access token is new.
    const auto& token = state.issue(redeemed.consent, redeemed.consent.slack_type == "bot" ? "xoxb-" : "xoxp-", ttl);
    json::object body = token_fields(token, true, t.refresh_token);
    body["app_id"] = "A0SANDBOX";
    body["team"] = json::object{{"id", kTeamId}, {"name", kTeamName}};
    body["enterprise"] = nullptr;
    body["is_enterprise_install"] = false;
    if (token.slack_type == "bot") body["bot_user_id"] = kBotUserId;
    return ok(body);
  }

  auto redeemed = redeem_code(state, Provider::slack, t);
  switch (redeemed.error) {
    case OAuthError::none: break;
    case OAuthError::bad_redirect_uri: return fail("bad_redirect_uri");
    default: return fail("invalid_code");
  }
  json::object body{{"app_id", "A0SANDBOX"},
                    {"team", json::object{{"id", kTeamId}, {"name", kTeamName}}},
                    {"enterprise", nullptr},
                    {"is_enterprise_install", false}};
  json::object authed_user{{"id", kAliceId}};
  if (!redeemed.code.scopes.empty()) {
    std::string refresh;
    const auto& bot = issue(redeemed.consent, "bot", refresh);
    for (auto& [key, value] : token_fields(bot, rotation, refresh)) body[key] = value;
    body["bot_user_id"] = kBotUserId;
  }
  // With only user scopes there is no top-level token: it lives in authed_user.
  if (!redeemed.code.user_scopes.empty()) {
    Token consent = redeemed.consent;
    consent.scopes = redeemed.code.user_scopes;
    std::string refresh;
    const auto& user = issue(consent, "user", refresh);
    for (auto& [key, value] : token_fields(user, rotation, refresh)) authed_user[key] = value;
  }
  body["authed_user"] = authed_user;
  return ok(body);
}

// ---- Web API ----

Response auth_test(State& state, const Request& request) {
  auto args = arguments(request);
  auto auth = authenticate(state, request, args, nullptr);
  if (!auth.token) return auth.error;
  const bool bot = auth.token->slack_type == "bot";
  json::object body{{"url", "https://sandbox-team.slack.com/"},
                    {"team", kTeamName},
                    {"user", bot ? "sandbox-bot" : "alice"},
                    {"team_id", kTeamId},
                    {"user_id", bot ? kBotUserId : kAliceId},
                    {"is_enterprise_install", false}};
  if (bot) body["bot_id"] = kBotId;
  return ok(body);
}

Response auth_revoke(State& state, const Request& request) {
  auto args = arguments(request);
  auto auth = authenticate(state, request, args, nullptr);
  if (!auth.token) return auth.error;
  const bool test = arg(args, "test") == "true" || arg(args, "test") == "1";
  if (!test) state.tokens.at(auth.token->value).revoked = true;
  return ok({{"revoked", !test}});
}

Response conversations_list(State& state, const Request& request) {
  auto args = arguments(request);
  auto auth = authenticate(state, request, args, "channels:read");
  if (!auth.token) return auth.error;
  const std::string types = first(args, "types").value_or("public_channel");
  const bool exclude_archived = arg(args, "exclude_archived") == "true" || arg(args, "exclude_archived") == "1";
  std::vector<const SlackChannel*> matching;
  for (const auto& c : state.slack.channels) {
    if (exclude_archived && c.is_archived) continue;
    if (types.find(c.is_private ? "private_channel" : "public_channel") == std::string::npos) continue;
    matching.push_back(&c);
  }
  auto page = page_of(args, matching.size(), 100);
  if (!page) return fail("invalid_cursor");
  json::array channels;
  for (auto i = page->begin; i < page->end; ++i) channels.push_back(channel_json(*matching[i]));
  return ok({{"channels", channels}, {"response_metadata", json::object{{"next_cursor", page->next_cursor}}}});
}

Response conversations_info(State& state, const Request& request) {
  auto args = arguments(request);
  auto auth = authenticate(state, request, args, "channels:read");
  if (!auth.token) return auth.error;
  const auto* channel = find_channel(state, arg(args, "channel"));
  if (!channel) return fail("channel_not_found");
  return ok({{"channel", channel_json(*channel)}});
}

Response conversations_history(State& state, const Request& request) {
  auto args = arguments(request);
  auto auth = authenticate(state, request, args, "channels:history");
  if (!auth.token) return auth.error;
  const auto* channel = find_channel(state, arg(args, "channel"));
  if (!channel) return fail("channel_not_found");
  // ts strings share one width, so string comparison orders them.
  const std::string latest = arg(args, "latest"), oldest = arg(args, "oldest");
  const bool inclusive = arg(args, "inclusive") == "true" || arg(args, "inclusive") == "1";
  std::vector<const SlackMessage*> matching;  // newest first
  for (auto it = state.slack.messages.rbegin(); it != state.slack.messages.rend(); ++it) {
    if (it->channel != channel->id) continue;
    if (!latest.empty() && (inclusive ? it->ts > latest : it->ts >= latest)) continue;
    if (!oldest.empty() && (inclusive ? it->ts < oldest : it->ts <= oldest)) continue;
    matching.push_back(&*it);
  }
  auto page = page_of(args, matching.size(), 100);
  if (!page) return fail("invalid_cursor");
  json::array messages;
  for (auto i = page->begin; i < page->end; ++i) messages.push_back(message_json(*matching[i]));
  json::object body{{"messages", messages}, {"has_more", !page->next_cursor.empty()}, {"pin_count", 0}};
  body["response_metadata"] = json::object{{"next_cursor", page->next_cursor}};
  return ok(body);
}

std::string next_ts(State& state) {
  auto micros = state.slack.next_ts_micros;
  state.slack.next_ts_micros += 1000000 + 17;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(micros / 1000000),
                static_cast<long long>(micros % 1000000));
  return buf;
}

Response chat_post(State& state, const Request& request) {
  auto args = arguments(request);
  auto auth = authenticate(state, request, args, "chat:write");
  if (!auth.token) return auth.error;
  const auto* channel = find_channel(state, arg(args, "channel"));
  if (!channel) return fail("channel_not_found");
  if (channel->is_archived) return fail("is_archived");
  std::string text = arg(args, "text");
  if (text.empty() && !first(args, "blocks")) return fail("no_text");
  const bool bot = auth.token->slack_type == "bot";
  SlackMessage m{channel->id, next_ts(state), bot ? kBotUserId : kAliceId, text, bot ? kBotId : "",
                 arg(args, "thread_ts")};
  state.slack.messages.push_back(m);
  return ok({{"channel", m.channel}, {"ts", m.ts}, {"message", message_json(m)}});
}

// chat.update / chat.delete: the message named by channel + ts, or the error to answer.
struct MessageTarget {
  SlackMessage* message = nullptr;
  Response error;
};
MessageTarget target_message(State& state, const Request& request, const Params& args) {
  auto auth = authenticate(state, request, args, "chat:write");
  if (!auth.token) return {nullptr, auth.error};
  const auto* channel = find_channel(state, arg(args, "channel"));
  if (!channel) return {nullptr, fail("channel_not_found")};
  for (auto& m : state.slack.messages)
    if (m.channel == channel->id && m.ts == arg(args, "ts")) return {&m, {}};
  return {nullptr, fail("message_not_found")};
}

Response chat_update(State& state, const Request& request) {
  auto args = arguments(request);
  auto target = target_message(state, request, args);
  if (!target.message) return target.error;
  auto& m = *target.message;
  m.text = arg(args, "text");
  return ok({{"channel", m.channel}, {"ts", m.ts}, {"text", m.text}, {"message", message_json(m)}});
}

Response chat_delete(State& state, const Request& request) {
  auto args = arguments(request);
  auto target = target_message(state, request, args);
  if (!target.message) return target.error;
  Response response = ok({{"channel", target.message->channel}, {"ts", target.message->ts}});
  auto& messages = state.slack.messages;
  messages.erase(messages.begin() + (target.message - messages.data()));
  return response;
}

json::object user_json(const SlackUser& u) {
  json::object profile{{"real_name", u.real_name}, {"display_name", u.name}};
  if (!u.email.empty()) profile["email"] = u.email;
  return {{"id", u.id},       {"team_id", kTeamId},       {"name", u.name},        {"deleted", u.deleted},
          {"real_name", u.real_name}, {"is_bot", u.is_bot}, {"profile", profile}};
}

Response users_list(State& state, const Request& request) {
  auto args = arguments(request);
  auto auth = authenticate(state, request, args, "users:read");
  if (!auth.token) return auth.error;
  const auto& users = state.slack.users;
  auto page = page_of(args, users.size(), 100);
  if (!page) return fail("invalid_cursor");
  json::array members;
  for (auto i = page->begin; i < page->end; ++i) members.push_back(user_json(users[i]));
  return ok({{"members", members}, {"cache_ts", now_seconds()},
             {"response_metadata", json::object{{"next_cursor", page->next_cursor}}}});
}

// users.info?user=U..: one member, or user_not_found.
Response users_info(State& state, const Request& request) {
  auto args = arguments(request);
  auto auth = authenticate(state, request, args, "users:read");
  if (!auth.token) return auth.error;
  const std::string id = arg(args, "user");
  for (const auto& u : state.slack.users)
    if (u.id == id) return ok({{"user", user_json(u)}});
  return fail("user_not_found");
}

Response search_messages(State& state, const Request& request) {
  auto args = arguments(request);
  auto auth = authenticate(state, request, args, "search:read");
  if (!auth.token) return auth.error;
  if (auth.token->slack_type != "user") return fail("not_allowed_token_type");  // search needs a user token
  const std::string query = arg(args, "query");
  if (query.empty()) return fail("no_query");
  std::vector<const SlackMessage*> hits;  // newest first
  for (auto it = state.slack.messages.rbegin(); it != state.slack.messages.rend(); ++it) {
    const auto* channel = find_channel(state, it->channel);
    bool all_words = true;
    for (const auto& word : split(query, ' ')) all_words = all_words && icontains(it->text, word);
    if (all_words && channel && !channel->is_private) hits.push_back(&*it);
  }
  const std::size_t count = std::max<std::size_t>(1, to_size(first(args, "count"), 20));
  const std::size_t page = std::max<std::size_t>(1, to_size(first(args, "page"), 1));
  const std::size_t pages = (hits.size() + count - 1) / count;
  json::array matches;
  for (std::size_t i = (page - 1) * count; i < std::min(hits.size(), page * count); ++i) {
    const auto& m = *hits[i];
    const auto* channel = find_channel(state, m.channel);
    auto match = message_json(m);
    match["channel"] = json::object{{"id", channel->id}, {"name", channel->name}};
    match["permalink"] = "https://sandbox-team.slack.com/archives/" + channel->id + "/p" +
                         std::string(m.ts).erase(m.ts.find('.'), 1);
    matches.push_back(match);
  }
  json::object paging{{"count", count}, {"total", hits.size()}, {"page", page}, {"pages", pages}};
  return ok({{"query", query},
             {"messages", json::object{{"total", hits.size()}, {"paging", paging}, {"matches", matches}}}});
}
}  // namespace

void add_slack_routes(Router& router) {
  router.add_origin("slack.com", [](int status, const std::string&) {
    const char* error = status == 429 ? "ratelimited" : status == 404 ? "unknown_method"
                                                    : status >= 500  ? "internal_error"
                                                                     : "invalid_request";
    return json_response(status, json::object{{"ok", false}, {"error", error}});
  });
  router.add("slack.com", "GET", "/oauth/v2/authorize", [](State& s, const Request& r) {
    return authorize(s, r, AuthorizeStyle{Provider::slack, ',', false});
  });
  router.add("slack.com", "POST", "/api/oauth.v2.access", access);
  const std::pair<const char*, Handler> methods[] = {
      {"auth.test", auth_test},
      {"auth.revoke", auth_revoke},
      {"conversations.list", conversations_list},
      {"conversations.info", conversations_info},
      {"conversations.history", conversations_history},
      {"chat.postMessage", chat_post},
      {"chat.update", chat_update},
      {"chat.delete", chat_delete},
      {"users.list", users_list},
      {"users.info", users_info},
      {"search.messages", search_messages}};
  for (const auto& [name, handler] : methods) router.add("slack.com", "GET|POST", std::string("/api/") + name, handler);
}

}  // namespace lagentry::sandbox
