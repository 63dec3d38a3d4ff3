#include "unified.hpp"

#include "encoding.hpp"

#include <lagentry/plugin.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace lagentry::plugin_common {

json::object parse_input(std::string_view text) {
  json::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) throw lagentry::BadInput("the input is not a JSON object");
  return std::move(doc.get_object());
}

const json::object& object_member(const json::object& o, std::string_view key) {
  static const json::object empty;
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : empty;
}

json::object take_object(json::object& o, std::string_view key) {
  json::value* v = o.if_contains(key);
  if (!v || !v->is_object()) return {};
  return std::move(v->get_object());
}

std::string string_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

json::value string_or_null(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() && !v->get_string().empty() ? json::value(v->get_string()) : json::value(nullptr);
}

std::string required_param(const json::object& params, std::string_view key) {
  std::string value = string_member(params, key);
  if (value.empty()) throw lagentry::BadInput("the parameter '" + std::string(key) + "' is required");
  return value;
}

std::string path_segment(std::string_view name, std::string_view value) {
  // "/" and "\\" would be sent encoded, which the host refuses in paths.
  if (value.empty() || value == "." || value == ".." || value.find_first_of("/\\") != std::string_view::npos)
    throw lagentry::BadInput("the parameter '" + std::string(name) + "' must not be empty, '.' or '..', nor contain '/' or '\\'");
  return percent_encode(value);
}

std::size_t limit_param(const json::object& params, std::size_t fallback, std::size_t max) {
  const std::string text = string_member(params, "limit");
  if (text.empty()) return std::min(fallback, max);
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0)
    throw lagentry::BadInput("limit must be a positive whole number");
  return std::min(value, max);
}

bool include_raw(const json::object& params) { return string_member(params, "include_raw") == "true"; }

InputDocument::InputDocument(std::string_view text) {
  json::object doc = parse_input(text);
  params_ = take_object(doc, "params");
  body_ = take_object(doc, "body");
  if (auto* c = doc.if_contains("connection")) connection_ = std::move(*c);
}

json::object json_request(std::string_view method, std::string url, const json::value* body) {
  json::object r{{"method", method}, {"url", std::move(url)}, {"headers", {{"Accept", "application/json"}}}};
  if (body) {
    r["headers"].as_object()["Content-Type"] = "application/json";
    r["body"] = json::serialize(*body);
  }
  return r;
}

std::string fetch_document(json::array requests) {
  return json::serialize(json::object{{"requests", std::move(requests)}});
}

json::object item(std::string_view id, std::string_view type, json::value title, json::value snippet, json::value url,
                  json::value created_at, json::value updated_at) {
  return {{"id", id},
          {"type", type},
          {"title", std::move(title)},
          {"snippet", std::move(snippet)},
          {"url", std::move(url)},
          {"created_at", std::move(created_at)},
          {"updated_at", std::move(updated_at)}};
}

json::object page(json::array items, std::string_view next_cursor) {
  json::value next = next_cursor.empty() ? json::value(nullptr) : json::value(next_cursor);
  return {{"items", std::move(items)}, {"next_cursor", std::move(next)}};
}

// The envelopes are written as text around the serialized parts: building an
// object around them first would deep-copy the whole body just to print it.
// The text is what serializing {"status":N,...} gives, byte for byte.
std::string reply_json(const json::value& body, int status) {
  return "{\"status\":" + std::to_string(status) + ",\"body\":" + json::serialize(body) + "}";
}

std::string error_json(int status, std::string_view code, std::string_view message, const json::value& details) {
  std::string out = "{\"status\":" + std::to_string(status) + ",\"error\":{\"code\":" + json::serialize(code) +
                    ",\"message\":" + json::serialize(message);
  if (!details.is_null()) out += ",\"details\":" + json::serialize(details);
  return out + "}}";
}

json::object provider_details(int provider_status, json::value provider_error) {
  return {{"provider_status", provider_status}, {"provider_error", std::move(provider_error)}};
}

}  // namespace lagentry::plugin_common
