// Shared by the Atlassian files (3LO OAuth, Jira, Confluence): the API
// gateway's error shape and the token/scope/site check.
#pragma once

#include "router.hpp"

#include <initializer_list>

namespace lagentry::sandbox {

inline constexpr const char* kAtlassianAccountId = "5b10ac8d82e05b22cc7d4ef5";
inline constexpr const char* kAtlassianApi = "https://api.atlassian.com";

// The gateway's {"code":401,"message":"Unauthorized"}.
Response atlassian_gateway_error(int code, const std::string& message);

struct AtlassianAuth {
  const Token* token = nullptr;
  AtlassianSite* site = nullptr;  // the {cloudid} of the path, when the route has one
  Response error;
};
// Valid token with one of the scopes (none given: any), whose grant covers
// the {cloudid} capture when the route has one.
AtlassianAuth atlassian_authenticate(State& state, const Request& request, std::initializer_list<const char*> any_scope);

// Jira renders times as "2024-05-01T09:00:00.000+0000".
std::string jira_time(std::int64_t epoch);

}  // namespace lagentry::sandbox
