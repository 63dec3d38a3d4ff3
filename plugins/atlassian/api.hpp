// What every Atlassian operation shares: the input document, the chosen
// site, one upstream request, the unified item and page shapes, and the
// driver that runs an operation as a short chain of stages over the
// sans-I/O protocol (the continuation state is the next stage's number).
#pragma once

#include "site.hpp"

#include <lagentry/plugin.hpp>

#include "encoding.hpp"
#include "unified.hpp"

#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace atlassian {
namespace json = boost::json;

using Input = lagentry::plugin_common::InputDocument;

// An operation's context: its input and, for Jira and Confluence, the site.
struct Context {
  Input input;
  Site site;
  std::string jira(std::string_view path) const;        // .../ex/jira/{cloudid}/rest/api/3/<path>
  std::string confluence(std::string_view path) const;  // .../ex/confluence/{cloudid}/wiki/api/v2/<path>
};

struct Request {
  std::string method = "GET";
  std::string url;
  json::value body = nullptr;  // sent as JSON when not null
};

// A successful upstream answer (failures never reach a stage).
struct Answer {
  int status = 200;
  json::value body;  // parsed JSON, null for an empty body
};

// A stage either asks for one more request or replies.
struct Next {
  std::optional<Request> fetch;
  std::string reply;
  static Next get(Request r) { return {std::move(r), {}}; }
  static Next answer(std::string reply_json) { return {std::nullopt, std::move(reply_json)}; }
};
using Stage = Next (*)(const Context&, const Answer&);  // stage 0 gets an empty Answer

struct Operation {
  std::array<Stage, 3> stages{};
  bool needs_site = true;  // Jira and Confluence need a cloud id; Bitbucket does not
};
lagentry::Step run(const Operation& operation, const lagentry::Call& call);

// Unified item: common fields plus `raw` when asked for.
struct ItemFields {
  std::string id, type;
  json::value title, snippet, url, created_at, updated_at;
};
json::object make_item(const Input& input, ItemFields fields, const json::value& raw);
using lagentry::plugin_common::reply_json;
std::string page_reply(json::array items, const std::string& next_cursor);

// ISO 8601 with an offset or fraction ("2024-05-01T09:00:00.000+0000",
// "...000000+00:00", "...Z") as RFC 3339 UTC seconds; null when unreadable.
json::value utc_time(const json::value& text);
// Encodes a query value or path segment (everything but unreserved characters).
using lagentry::plugin_common::percent_encode;
using lagentry::plugin_common::path_segment;
// The first `max` characters of `text` (on a UTF-8 boundary), or null when empty.
json::value snippet_of(std::string_view text, std::size_t max = 200);

// Accessors over provider objects: "" / null / empty object when absent.
std::string text_at(const json::value& o, std::string_view key);
json::value nullable_text(const json::value& o, std::string_view key);
const json::value& at(const json::value& o, std::string_view key);

}  // namespace atlassian
