// Jira, Confluence, Bitbucket and the Atlassian API gateway answer errors
// with real HTTP statuses, each in its own body shape; this maps them onto
// the unified error model (docs/connectors.md, "Errors").
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace atlassian {

struct Failure {
  int status = 502;
  std::string code;
  std::string message;
};

// The provider's own words: Jira errorMessages/errors, Confluence errors[],
// Bitbucket error.message, the gateway's message, OAuth error_description.
std::string provider_message(const boost::json::value& body);

// nullopt for a 2xx answer, else the failure it stands for.
std::optional<Failure> classify(int http_status, const boost::json::value& body, const std::string& transport_error = {});

// {"status":..,"error":{"code","message","details":{"provider_status","provider_error"}}}
std::string failure_reply(const Failure& failure, int http_status = 0, const boost::json::value& body = nullptr);

}  // namespace atlassian
