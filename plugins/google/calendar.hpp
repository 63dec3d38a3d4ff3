// The Calendar connector (Calendar API v3 events on the primary calendar).
#pragma once

#include "google_json.hpp"

namespace google::calendar {

// Operations: calendar.test, .list (timeMin/timeMax passed through), .get,
// .create (the body is a Calendar event resource), .delete.
lagentry::Step test(const lagentry::Call& call);
lagentry::Step list(const lagentry::Call& call);
lagentry::Step get(const lagentry::Call& call);
lagentry::Step create(const lagentry::Call& call);
lagentry::Step remove(const lagentry::Call& call);

// Pure piece, exposed for tests.
json::object event_item(const json::object& event, bool include_raw);

}  // namespace google::calendar
