// The unified contract's vocabulary (docs/connectors.md), shared by the
// in-tree plugins so the item, page and error documents are spelled once.
// Linked PRIVATE into each plugin and built with hidden visibility, so every
// plugin carries its own copy and none exports these symbols. It knows no
// provider: whatever is specific to one stays in that plugin's folder.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace lagentry::plugin_common {
namespace json = boost::json;

// ---- the input document ----

// The whole input document; lagentry::BadInput when it is not a JSON object.
json::object parse_input(std::string_view text);
// o[key] when it is an object, else an empty object (absent sections read as empty).
const json::object& object_member(const json::object& o, std::string_view key);
// o[key] moved out when it is an object, else an empty object: for documents
// parsed only to be taken apart, where a copy would be wasted.
json::object take_object(json::object& o, std::string_view key);
// o[key] when it is a string, else "".
std::string string_member(const json::object& o, std::string_view key);
// o[key] when it is a non-empty string, else null (the item fields' "may be null").
json::value string_or_null(const json::object& o, std::string_view key);
// params[key], lagentry::BadInput naming it when absent or empty.
std::string required_param(const json::object& params, std::string_view key);
// `value` percent-encoded as one URL path segment; lagentry::BadInput naming
// `name` when it is empty, "." or ".." (segments a server or proxy resolves
// away, taking the request to another path with the user's token) or holds
// "/" or "\" (sent encoded, which the host refuses in paths).
std::string path_segment(std::string_view name, std::string_view value);
// params.limit: `fallback` when absent, capped at `max`; lagentry::BadInput
// when it is not a positive whole number.
std::size_t limit_param(const json::object& params, std::size_t fallback, std::size_t max);
// Whether the caller asked for the provider's own object (params.include_raw).
bool include_raw(const json::object& params);

// The input document as an object-per-section reader (the Slack and Atlassian
// plugins' Input). Absent sections read as empty, so lookups never throw.
class InputDocument {
 public:
  explicit InputDocument(std::string_view text);  // lagentry::BadInput when not a JSON object
  // A query parameter or path capture; "" when absent.
  std::string param(std::string_view key) const { return string_member(params_, key); }
  std::string required_param(std::string_view key) const { return plugin_common::required_param(params_, key); }
  // params[key] as one encoded path segment (see path_segment); BadInput when absent.
  std::string segment(std::string_view key) const { return path_segment(key, required_param(key)); }
  std::size_t limit(std::size_t fallback, std::size_t max) const { return limit_param(params_, fallback, max); }
  bool include_raw() const { return plugin_common::include_raw(params_); }
  // The body object; {} when the call had none (or it is not an object).
  const json::value& body() const { return body_; }
  // A string field of the body; "" when absent.
  std::string body_text(std::string_view key) const { return string_member(body_.get_object(), key); }
  // Non-secret connection metadata; null when absent.
  const json::value& connection() const { return connection_; }

 private:
  json::object params_;
  json::value body_, connection_;
};

// ---- fetch requests (docs/plugin-abi.md) ----

// One request that speaks JSON: Accept always, the body serialized with its
// Content-Type when given. "auth" is left to its default, the connection's token.
json::object json_request(std::string_view method, std::string url, const json::value* body = nullptr);
// The fetch document: {"requests":[...]}.
std::string fetch_document(json::array requests);

// ---- items, pages and replies ----

// The seven fields every item has, in the documented order; callers add
// `raw` (when include_raw) and provider-specific fields beside them.
json::object item(std::string_view id, std::string_view type, json::value title, json::value snippet, json::value url,
                  json::value created_at, json::value updated_at);
// {"items":[...],"next_cursor":...}; an empty cursor is the last page (null).
json::object page(json::array items, std::string_view next_cursor);
// {"status":N,"body":...}
std::string reply_json(const json::value& body, int status = 200);
// {"status":N,"error":{"code","message","details"}}; details left out when null.
std::string error_json(int status, std::string_view code, std::string_view message,
                       const json::value& details = nullptr);
// The upstream answer kept in an error's details.
json::object provider_details(int provider_status, json::value provider_error);

}  // namespace lagentry::plugin_common
