// Slack answers most failures with HTTP 200 and {"ok":false,"error":".."};
// only rate limiting is a real 429. This maps both kinds onto the unified
// error model (docs/connectors.md, "Errors").
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace slack {

struct Failure {
  int status = 502;
  std::string code;
  std::string message;
};

// The failure an upstream answer stands for, or nullopt when it is a success
// (HTTP 200 with "ok": true). `body` is the parsed body (null when unparsable).
std::optional<Failure> classify(int http_status, const boost::json::value& body, const std::string& transport_error = {});

// {"status":..,"error":{"code","message","details":{"provider_status","provider_error"}}}
std::string failure_reply(const Failure& failure, int http_status, const boost::json::value& body);

}  // namespace slack
