// Building responses: JSON bodies and the one error model.
//
// Every failure anywhere in the API answers
//   {"error":{"code":"<stable_snake_case>","message":"<for humans>"}}
// with the matching HTTP status (optionally "details" for upstream errors).
#pragma once

#include "core/api_error.hpp"
#include "host/http/http_types.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace lagentry::host {

using lagentry::ApiError;  // core/api_error.hpp

Response json_response(http::status status, const boost::json::value& body);
// The same for a body that is JSON text already.
Response json_text_response(http::status status, std::string json);
Response error_response(http::status status, std::string_view code, std::string_view message,
                        const boost::json::value& details = nullptr);
Response error_response(const ApiError& error);

// Parses a request body as JSON; throws ApiError 400 invalid_json (or 415
// when the content type is not JSON).
boost::json::value parse_json_body(const Request& request);

}  // namespace lagentry::host
