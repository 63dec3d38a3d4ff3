// Shared by the test suites: one sandbox process per test binary run, a
// per-test reset to the seeded state, and helpers that run OAuth flows.
#pragma once

#include "client.hpp"

#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

namespace sandbox_test {

inline const std::string kClientId = "sandbox-client-id";
inline const std::string kClientSecret = "sandbox-client-secret";
inline const std::string kRedirect = "http://localhost:8080/callback";
inline const std::string kAcme = "11111111-2222-4333-8444-555555555555";
inline const std::string kBeta = "66666666-7777-4888-9999-000000000000";

const Client& sandbox();

// Test-case fixture: POST /_sandbox/reset before each case.
struct Fresh {
  Fresh();
};

// GET an authorize URL; requires the 302 and returns the callback's parameters.
std::map<std::string, std::string> authorize(const std::string& path, const Fields& params);
// Runs authorize and returns the code (checks state came back).
std::string authorize_code(const std::string& path, const Fields& params);

// Complete flows returning the token response body.
boost::json::object google_tokens(const std::string& scopes, bool offline = true);
boost::json::object slack_tokens(const std::string& scopes, const std::string& user_scopes);
boost::json::object atlassian_tokens(const std::string& scopes);
boost::json::object bitbucket_tokens();

std::string str(const boost::json::value& v, std::string_view key);  // v[key] as a string

}  // namespace sandbox_test
