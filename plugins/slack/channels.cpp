#include "channels.hpp"

#include "encoding.hpp"

#include <boost/json.hpp>

namespace slack {

json::object channel_item(const Input& input, const json::object& channel) {
  const std::string id = text_at(channel, "id");
  json::value snippet = nullptr;
  for (const char* key : {"purpose", "topic"})
    if (const auto* v = channel.if_contains(key); v && v->is_object() && snippet.is_null())
      snippet = nullable_text(v->get_object(), "value");
  json::value created = nullptr;
  if (const auto* c = channel.if_contains("created"); c && c->is_int64())
    created = lagentry::plugin_common::rfc3339_from_epoch(c->get_int64());
  json::object item = make_item(input,
                                {id, "channel", nullable_text(channel, "name"), std::move(snippet),
                                 json::value("https://slack.com/app_redirect?channel=" + id), std::move(created)},
                                channel);
  for (const char* flag : {"is_private", "is_archived", "is_member"})
    if (const auto* v = channel.if_contains(flag)) item[flag] = *v;
  if (const auto* n = channel.if_contains("num_members")) item["num_members"] = *n;
  return item;
}

const Operation kChannelsList{
    [](const Input& input) {
      const std::string types = input.param("types");
      ApiCall call = paged_call("conversations.list", input, 1000, {{"types", types.empty() ? "public_channel" : types}});
      if (input.param("exclude_archived") == "true") call.args.emplace_back("exclude_archived", "true");
      return call;
    },
    [](const Input& input, const json::object& answer) {
      auto items = items_of(answer.if_contains("channels"), [&](const json::object& c) { return channel_item(input, c); });
      return page_reply(std::move(items), next_cursor(answer));
    }};

const Operation kChannelsGet{
    [](const Input& input) { return ApiCall{"conversations.info", {{"channel", input.required_param("id")}}}; },
    [](const Input& input, const json::object& answer) {
      return reply_json(channel_item(input, object_field(answer, "channel")));
    }};

const Operation kAuthTest{
    [](const Input&) { return ApiCall{"auth.test", {}}; },
    [](const Input&, const json::object& answer) {
      return reply_json(json::object{{"ok", true},
                                     {"account", text_at(answer, "user") + " @ " + text_at(answer, "team")},
                                     {"user_id", text_at(answer, "user_id")},
                                     {"team_id", text_at(answer, "team_id")}});
    }};

}  // namespace slack
