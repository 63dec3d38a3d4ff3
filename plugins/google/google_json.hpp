// Shared by the Gmail, Drive and Calendar operations: reading the input and
// responses documents, building fetch requests, items, pages and replies, and
// mapping Google's errors onto the unified error model (docs/connectors.md).
#pragma once

#include <lagentry/plugin.hpp>

#include "encoding.hpp"
#include "responses.hpp"
#include "unified.hpp"

#include <boost/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace google {
namespace json = boost::json;

// The unified documents' vocabulary, shared with the other plugins.
using lagentry::plugin_common::item;
using lagentry::plugin_common::json_request;
using lagentry::plugin_common::page;
using lagentry::plugin_common::path_segment;
using lagentry::plugin_common::percent_encode;
using lagentry::plugin_common::string_member;
using lagentry::plugin_common::string_or_null;

// The parts of the input document an operation reads.
struct Input {
  json::object params;      // query parameters and path captures, all strings
  json::value body;         // null when the call had no body
  json::object connection;  // non-secret connection metadata

  static Input parse(std::string_view text);  // throws BadInput

  std::string param(std::string_view key, std::string_view fallback = "") const;
  bool include_raw() const { return lagentry::plugin_common::include_raw(params); }
  // params.limit: 20 when absent, clamped to [1, cap]; a non-number is BadInput.
  int limit(int cap) const;
  // params.id (the path capture); BadInput when missing.
  std::string id() const;
  // The body as an object; BadInput otherwise.
  const json::object& body_object() const;
};

// The previous fetch's responses (the plugin takes them as a list, ABI 1.2).
using lagentry::plugin_common::Response;
using lagentry::plugin_common::responses_of;

// "k=v&k2=v2" with percent-encoded values; empty values are left out.
class Query {
 public:
  Query& add(std::string_view key, std::string_view value);
  std::string str() const { return text_.empty() ? "" : "?" + text_; }

 private:
  std::string text_;
};

// `state` is taken as an object: a json::value parameter would copy a state
// object (with every item of a list so far) into a temporary.
lagentry::Step fetch(json::array requests, const json::object& state);
// The state handed back by the host (a JSON object; empty on the first step).
json::object parse_state(std::string_view state);

lagentry::Step reply(int status, json::value body);

// The unified error model's fields for one reply.
struct ApiError {
  int status = 502;
  std::string code;
  std::string message;
  json::value details;
};
lagentry::Step error_reply(const ApiError& error);
// Maps a failed upstream response (docs/connectors.md, Errors). `scope` names
// the scope the operation needs, for the insufficient_scope message.
ApiError map_upstream_error(const Response& response, std::string_view scope);

// A list response ({"<key>":[...],"nextPageToken":..}) as a page.
json::object page_of(const json::object& listing, std::string_view key,
                     const std::function<json::object(const json::object&)>& to_item);
// The body of a successful response as an object; std::runtime_error (a
// plugin_error for the client) when Google answered something else.
json::object object_body(const Response& response);

// Performs `plan` one request per step (the state is the next index), stops at
// the first failure with the mapped error, and answers `finish(last response)`.
// The plan is rebuilt from the same input at every step, so it must be a pure
// function of the input.
using Finish = std::function<lagentry::Step(const Response&)>;
lagentry::Step sequence(const lagentry::Call& call, const std::vector<json::object>& plan, std::string_view scope,
                        const Finish& finish);

// Connector test: `probe` proves the connector's API answers, userinfo names
// the account (falling back to the connection's user when it cannot).
lagentry::Step test_step(const lagentry::Call& call, std::string probe_url, std::string_view scope);

}  // namespace google
