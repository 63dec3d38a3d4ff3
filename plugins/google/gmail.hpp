// The Gmail connector (Gmail API v1, users/me) and its provider routes.
#pragma once

#include "google_json.hpp"
#include "mime.hpp"

namespace google::gmail {

// Operations (docs/connectors.md): gmail.test, .list, .search, .get,
// .create (also the route POST /gmail/send), .update, .delete, .labels.
lagentry::Step test(const lagentry::Call& call);
lagentry::Step list(const lagentry::Call& call);
lagentry::Step search(const lagentry::Call& call);
lagentry::Step get(const lagentry::Call& call);
lagentry::Step create(const lagentry::Call& call);
lagentry::Step update(const lagentry::Call& call);
lagentry::Step remove(const lagentry::Call& call);
lagentry::Step labels(const lagentry::Call& call);

// Pure pieces, exposed for tests.
// A message resource (format metadata or full) as an email item.
json::object email_item(const json::object& message, bool include_raw);
// The first text/plain part of a `full` payload, decoded; text/html when
// there is no plain part; "" when neither.
std::string text_body(const json::object& payload);
// The create body {"to","subject","body","cc"?,"in_reply_to"?} as a message.
OutgoingEmail outgoing_email(const json::object& body);

}  // namespace google::gmail
