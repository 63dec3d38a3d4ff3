// A failure meant for the API client: HTTP status, stable code, message.
//
// Thrown anywhere below a request handler (OAuth engine, runtime, handlers);
// the router turns it into {"error":{"code","message","details"}}. Messages
// are written for API users and never contain secrets.
#pragma once

#include <boost/beast/http/status.hpp>
#include <boost/json/value.hpp>

#include <exception>
#include <string>

namespace lagentry {

struct ApiError : std::exception {
  ApiError(boost::beast::http::status status, std::string code, std::string message,
           boost::json::value details = nullptr)
      : status(status), code(std::move(code)), message(std::move(message)), details(std::move(details)) {}
  const char* what() const noexcept override { return message.c_str(); }

  boost::beast::http::status status;
  std::string code;
  std::string message;
  boost::json::value details;
};

}  // namespace lagentry
