#include "errors.hpp"

#include "unified.hpp"

#include <boost/json.hpp>

namespace atlassian {
namespace json = boost::json;
namespace common = lagentry::plugin_common;

namespace {
void add(std::string& out, const json::value& v) {
  if (!v.is_string() || v.get_string().empty()) return;
  if (!out.empty()) out += "; ";
  out += v.get_string();
}

bool mentions_scope(const std::string& message) { return message.find("scope") != std::string::npos; }
}  // namespace

std::string provider_message(const json::value& body) {
  if (!body.is_object()) return {};
  const auto& o = body.get_object();
  std::string out;
  if (const auto* messages = o.if_contains("errorMessages"); messages && messages->is_array())
    for (const auto& m : messages->get_array()) add(out, m);
  if (const auto* errors = o.if_contains("errors")) {
    if (errors->is_object())
      for (const auto& [field, message] : errors->get_object())
        if (message.is_string()) add(out, json::value(std::string(field) + ": " + std::string(message.get_string())));
    if (errors->is_array())
      for (const auto& e : errors->get_array())
        if (e.is_object()) {
          add(out, e.get_object().contains("detail") ? e.get_object().at("detail") : json::value());
          if (out.empty() && e.get_object().contains("title")) add(out, e.get_object().at("title"));
        }
  }
  if (const auto* error = o.if_contains("error"); error && error->is_object() && error->get_object().contains("message"))
    add(out, error->get_object().at("message"));
  for (const char* key : {"message", "error_description"})
    if (out.empty() && o.contains(key)) add(out, o.at(key));
  return out;
}

std::optional<Failure> classify(int http_status, const json::value& body, const std::string& transport_error) {
  if (http_status >= 200 && http_status < 300) return std::nullopt;
  if (http_status == 0)
    return Failure{504, "upstream_unavailable",
                   "the provider could not be reached" + (transport_error.empty() ? "" : ": " + transport_error)};
  std::string said = provider_message(body);
  const std::string message = said.empty() ? "the provider answered HTTP " + std::to_string(http_status) : said;
  switch (http_status) {
    case 400: return Failure{400, "invalid_request", message};
    case 401:
      // The gateway answers a token without the operation's scope with a 401.
      if (mentions_scope(said)) return Failure{403, "insufficient_scope", message};
      return Failure{401, "unauthorized", message};
    case 403: return Failure{403, mentions_scope(said) ? "insufficient_scope" : "forbidden", message};
    case 404: return Failure{404, "not_found", message};
    case 409: return Failure{409, "conflict", message};
    case 429: return Failure{429, "rate_limited", message};
    default:
      if (http_status >= 500) return Failure{502, "upstream_error", message};
      return Failure{400, "invalid_request", message};
  }
}

std::string failure_reply(const Failure& failure, int http_status, const json::value& body) {
  // No upstream answer (http_status 0, e.g. no site chosen): no details.
  json::value details = http_status != 0 ? json::value(common::provider_details(http_status, body)) : json::value();
  return common::error_json(failure.status, failure.code, failure.message, std::move(details));
}

}  // namespace atlassian
