#include "http.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace lagentry::sandbox {

std::string Request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::capture(const std::string& name) const {
  auto it = captures.find(name);
  return it == captures.end() ? std::string() : it->second;
}

std::string Request::bearer() const {
  auto value = header("authorization");
  if (value.size() > 7 && iequals(value.substr(0, 7), "bearer ")) return trim(value.substr(7));
  return {};
}

std::optional<std::pair<std::string, std::string>> Request::basic() const {
  auto value = header("authorization");
  if (value.size() <= 6 || !iequals(value.substr(0, 6), "basic ")) return std::nullopt;
  auto decoded = base64_decode(trim(value.substr(6)));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  // RFC 6749 2.3.1: id and secret are form-encoded before Basic encoding.
  return std::make_pair(percent_decode(decoded->substr(0, colon), true),
                        percent_decode(decoded->substr(colon + 1), true));
}

Params Request::form() const {
  if (!icontains(header("content-type"), "application/x-www-form-urlencoded")) return {};
  return parse_params(body);
}

bool Request::is_json() const { return icontains(header("content-type"), "json"); }

boost::json::value Request::json() const {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  return ec ? boost::json::value() : value;
}

Response json_response(int status, const boost::json::value& body) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  r.content_type = "application/json; charset=utf-8";
  return r;
}

Response text_response(int status, std::string text) {
  Response r;
  r.status = status;
  r.body = std::move(text);
  r.content_type = "text/plain; charset=utf-8";
  return r;
}

Response redirect_response(const std::string& location) {
  Response r = text_response(302, "");
  r.with_header("Location", location);
  return r;
}

Response empty_response(int status) {
  Response r;
  r.status = status;
  return r;
}

}  // namespace lagentry::sandbox
