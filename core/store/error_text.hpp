// What a failed database call may say in a log line or an error body.
//
// SOCI's what() appends the statement and every bound value ("while
// executing "INSERT ..." with :1=..., :5="alice@example.com""): a sealed
// token, a key hash, an e-mail address. error_text() gives SOCI's own
// message without that context, and what() for anything else.
#pragma once

#include <exception>
#include <string>

namespace lagentry::store {

std::string error_text(const std::exception& e);

}  // namespace lagentry::store
