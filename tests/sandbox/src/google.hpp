// Shared by the Google files (OAuth, Gmail, Drive, Calendar): the error
// envelope and bearer-token checks.
#pragma once

#include "router.hpp"

#include <initializer_list>

namespace lagentry::sandbox {

inline constexpr const char* kGoogleUserId = "108234567890123456789";
inline constexpr int kGoogleTokenTtl = 3599;

// {"error":{"code":..,"message":..,"status":..,"errors":[{"domain","reason","message"}]}}
Response google_error(int code, const std::string& message, const std::string& reason,
                      const std::string& domain = "global");
Response google_not_found(const std::string& message = "Requested entity was not found.");

// Outcome of a bearer check: token set, or the error to answer.
struct GoogleAuth {
  const Token* token = nullptr;
  Response error;
};
// Needs one of the scopes, named without "https://www.googleapis.com/auth/"
// ("gmail.readonly"), or in full ("https://mail.google.com/").
GoogleAuth google_authenticate(const State& state, const Request& request, std::initializer_list<const char*> any_scope);

void add_google_oauth_routes(Router& router);
void add_gmail_routes(Router& router);
void add_drive_routes(Router& router);
void add_calendar_routes(Router& router);

}  // namespace lagentry::sandbox
