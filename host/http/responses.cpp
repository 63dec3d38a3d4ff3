#include "host/http/responses.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace lagentry::host {
namespace json = boost::json;

Response json_response(http::status status, const json::value& body) {
  return json_text_response(status, json::serialize(body));
}

Response json_text_response(http::status status, std::string json) {
  Response response{status, 11};
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.body() = std::move(json);
  response.body() += '\n';
  return response;
}

Response error_response(http::status status, std::string_view code, std::string_view message,
                        const json::value& details) {
  json::object error{{"code", code}, {"message", message}};
  if (!details.is_null()) error["details"] = details;
  return json_response(status, json::object{{"error", std::move(error)}});
}

Response error_response(const ApiError& error) {
  Response response = error_response(error.status, error.code, error.message, error.details);
  if (error.status == http::status::unauthorized) response.set(http::field::www_authenticate, "Bearer");
  if (error.status == http::status::too_many_requests && error.details.is_object())
    if (const auto* wait = error.details.as_object().if_contains("retry_after_seconds"); wait && wait->is_int64())
      response.set(http::field::retry_after, std::to_string(wait->get_int64()));
  return response;
}

json::value parse_json_body(const Request& request) {
  auto type = request[http::field::content_type];
  if (!type.empty() && type.find("json") == std::string_view::npos)
    throw ApiError(http::status::unsupported_media_type, "unsupported_media_type",
                   "request body must be application/json");
  if (request.body().empty()) throw ApiError(http::status::bad_request, "invalid_json", "request body is empty");
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 64;
  json::value value = json::parse(request.body(), ec, {}, options);
  if (ec) throw ApiError(http::status::bad_request, "invalid_json", "request body is not valid JSON: " + ec.message());
  return value;
}

}  // namespace lagentry::host
