#include "messages.hpp"

#include "slack_errors.hpp"

#include <boost/json.hpp>


namespace slack {

std::string message_id(std::string_view channel, std::string_view ts) {
  return std::string(channel) + ":" + std::string(ts);
}

std::pair<std::string, std::string> split_message_id(std::string_view id) {
  const auto colon = id.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == id.size())
    throw lagentry::BadInput("a Slack message id is '<channel>:<ts>', not '" + std::string(id) + "'");
  return {std::string(id.substr(0, colon)), std::string(id.substr(colon + 1))};
}

namespace {
json::object message_item(const Input& input, std::string channel, const json::object& message) {
  const std::string ts = text_at(message, "ts");
  if (const auto* c = message.if_contains("channel"); c && c->is_object()) channel = text_at(c->get_object(), "id");
  json::object item = make_item(input,
                                {message_id(channel, ts), "message", nullptr, nullable_text(message, "text"),
                                 nullable_text(message, "permalink"), ts_time(ts)},
                                message);
  item["channel"] = channel;
  item["ts"] = ts;
  item["text"] = text_at(message, "text");
  item["user"] = nullable_text(message, "user");
  item["thread_ts"] = nullable_text(message, "thread_ts");
  return item;
}

json::array messages_of(const Input& input, const std::string& channel, const json::value* list) {
  return items_of(list, [&](const json::object& m) { return message_item(input, channel, m); });
}

ApiCall post_call(const Input& input, std::string channel) {
  const std::string text = input.body_text("text");
  if (text.empty()) throw lagentry::BadInput("the body needs a non-empty 'text'");
  ApiCall call{"chat.postMessage", {{"channel", std::move(channel)}, {"text", text}}, true};
  if (auto thread = input.body_text("thread_ts"); !thread.empty()) call.args.emplace_back("thread_ts", thread);
  return call;
}

std::string posted_reply(const Input& input, const json::object& answer) {
  return reply_json(message_item(input, text_at(answer, "channel"), object_field(answer, "message")), 201);
}
}  // namespace

const Operation kMessagesList{
    [](const Input& input) {
      ApiCall call = paged_call("conversations.history", input, 999, {{"channel", input.required_param("channel")}});
      for (const char* bound : {"oldest", "latest"})
        if (auto value = input.param(bound); !value.empty()) call.args.emplace_back(bound, value);
      return call;
    },
    [](const Input& input, const json::object& answer) {
      return page_reply(messages_of(input, input.param("channel"), answer.if_contains("messages")), next_cursor(answer));
    }};

// Slack has no "get one message": history bounded to that ts, inclusive.
const Operation kMessagesGet{
    [](const Input& input) {
      auto [channel, ts] = split_message_id(input.required_param("id"));
      return ApiCall{"conversations.history",
                     {{"channel", channel}, {"latest", ts}, {"oldest", ts}, {"inclusive", "true"}, {"limit", "1"}}};
    },
    [](const Input& input, const json::object& answer) {
      auto [channel, ts] = split_message_id(input.param("id"));
      for (auto& item : messages_of(input, channel, answer.if_contains("messages")))
        if (item.at("ts") == json::value(ts)) return reply_json(item);
      return failure_reply({404, "not_found", "no message " + ts + " in channel " + channel}, 200, answer);
    }};

const Operation kMessagesCreate{
    [](const Input& input) {
      std::string channel = input.body_text("channel");
      if (channel.empty()) channel = input.param("channel");
      if (channel.empty()) throw lagentry::BadInput("the body needs a 'channel'");
      return post_call(input, channel);
    },
    posted_reply};

const Operation kChannelPost{[](const Input& input) { return post_call(input, input.required_param("id")); },
                             posted_reply};

const Operation kMessagesUpdate{
    [](const Input& input) {
      auto [channel, ts] = split_message_id(input.required_param("id"));
      const std::string text = input.body_text("text");
      if (text.empty()) throw lagentry::BadInput("the body needs a non-empty 'text'");
      return ApiCall{"chat.update", {{"channel", channel}, {"ts", ts}, {"text", text}}, true};
    },
    [](const Input& input, const json::object& answer) {
      json::object message = object_field(answer, "message");
      if (!message.contains("ts")) message["ts"] = text_at(answer, "ts");
      return reply_json(message_item(input, text_at(answer, "channel"), message));
    }};

const Operation kMessagesDelete{
    [](const Input& input) {
      auto [channel, ts] = split_message_id(input.required_param("id"));
      return ApiCall{"chat.delete", {{"channel", channel}, {"ts", ts}}, true};
    },
    [](const Input& input, const json::object&) {
      return reply_json(json::object{{"id", input.param("id")}, {"deleted", true}});
    }};

// search.messages pages by number; the cursor is the next page's number.
const Operation kMessagesSearch{
    [](const Input& input) {
      const std::string page = input.param("cursor");
      return ApiCall{"search.messages",
                     {{"query", input.required_param("q")},
                      {"count", std::to_string(input.limit(20, 100))},
                      {"page", page.empty() ? "1" : page}},
                     false,
                     true};
    },
    [](const Input& input, const json::object& answer) {
      static const json::object none;
      const auto* m = answer.if_contains("messages");
      const json::object& found = m && m->is_object() ? m->get_object() : none;
      std::string next;
      if (const auto* paging = found.if_contains("paging"); paging && paging->is_object()) {
        const auto& p = paging->get_object();
        const auto* page = p.if_contains("page");
        const auto* pages = p.if_contains("pages");
        if (page && pages && page->is_number() && pages->is_number() &&
            page->to_number<long long>() < pages->to_number<long long>())
          next = std::to_string(page->to_number<long long>() + 1);
      }
      return page_reply(messages_of(input, "", found.if_contains("matches")), next);
    }};

}  // namespace slack
