// The sandbox's own request/response model. The Beast server converts to and
// from it, so provider files never include Beast and build quickly.
#pragma once

#include "util.hpp"

#include <boost/json/value.hpp>

#include <map>
#include <string>

namespace lagentry::sandbox {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string origin;  // emulated host, first path segment: "gmail.googleapis.com"
  std::string path;    // rest of the path, no query: "/gmail/v1/users/me/messages"
  Params query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::map<std::string, std::string> captures;  // {name} segments of the matched route

  std::string header(const std::string& lower_name) const;
  std::string capture(const std::string& name) const;
  std::optional<std::string> query_param(std::string_view key) const { return first(query, key); }
  // "Bearer X" -> X; empty when absent.
  std::string bearer() const;
  // HTTP Basic credentials, when present and well-formed.
  std::optional<std::pair<std::string, std::string>> basic() const;
  Params form() const;                // application/x-www-form-urlencoded body
  boost::json::value json() const;    // null when the body is not JSON
  bool is_json() const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;
  // Fault injection: sleep first / drop the connection instead of answering.
  int delay_ms = 0;
  bool reset_connection = false;

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

Response json_response(int status, const boost::json::value& body);
Response text_response(int status, std::string text);
Response redirect_response(const std::string& location);
Response empty_response(int status);  // 204 and friends

}  // namespace lagentry::sandbox
