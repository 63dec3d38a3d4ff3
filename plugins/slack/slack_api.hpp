// The pieces every Slack operation shares: the input document, one Web API
// call as a fetch request, the unified item and page shapes, and the driver
// that runs "one call, then a reply" operations over the sans-I/O protocol.
#pragma once

#include <lagentry/plugin.hpp>

#include "unified.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slack {
namespace json = boost::json;

// The operation's input document (docs/connectors.md, "Input document").
using Input = lagentry::plugin_common::InputDocument;

// One Slack Web API method call. Reads go as GET with query arguments,
// writes (chat.*) as a JSON POST. Search needs the user token.
struct ApiCall {
  std::string method;
  std::vector<std::pair<std::string, std::string>> args;
  bool post_json = false;
  bool user_token = false;
};
std::string fetch_document(const ApiCall& call);
// A cursor-paged list method: `args`, then limit (20 unless given, capped at
// `max`) and the cursor when there is one.
ApiCall paged_call(std::string method, const Input& input, std::size_t max,
                   std::vector<std::pair<std::string, std::string>> args = {});

// The objects of a JSON array (absent or not an array: none) through `make`.
template <class Make>
json::array items_of(const json::value* list, Make make) {
  json::array items;
  if (list && list->is_array())
    for (const auto& v : list->get_array())
      if (v.is_object()) items.push_back(make(v.get_object()));
  return items;
}

// An operation made of one Web API call and a reply built from Slack's
// successful answer (already checked for "ok": true).
struct Operation {
  ApiCall (*call)(const Input&);
  std::string (*reply)(const Input&, const json::object& answer);
};
lagentry::Step run(const Operation& operation, const lagentry::Call& call);

// Unified item: the common fields (Slack objects have no update time), `raw`
// only when asked for.
struct ItemFields {
  std::string id, type;
  json::value title, snippet, url, created_at;
};
json::object make_item(const Input& input, ItemFields fields, const json::value& raw);

using lagentry::plugin_common::reply_json;
std::string page_reply(json::array items, const std::string& next_cursor);
// response_metadata.next_cursor of a list answer ("" on the last page).
std::string next_cursor(const json::object& answer);

// A Slack timestamp ("1512085950.000216") as RFC 3339 UTC; null when unreadable.
json::value ts_time(std::string_view ts);

// answer[key] as an object; throws (a plugin error) when Slack sent none.
const json::object& object_field(const json::object& answer, std::string_view key);

// Field accessors for Slack objects; "" / nullptr when absent.
inline std::string text_at(const json::object& o, std::string_view key) {
  return lagentry::plugin_common::string_member(o, key);
}
inline json::value nullable_text(const json::object& o, std::string_view key) {
  return lagentry::plugin_common::string_or_null(o, key);
}

}  // namespace slack
