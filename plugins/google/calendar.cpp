#include "calendar.hpp"

namespace google::calendar {

namespace {
const std::string kEvents = "https://www.googleapis.com/calendar/v3/calendars/primary/events";
constexpr const char* kScope = "https://www.googleapis.com/auth/calendar.events";
constexpr int kMaxLimit = 2500;

std::string event_url(std::string_view id) { return kEvents + "/" + path_segment("id", id); }

// {"dateTime":".."} or, for all-day events, {"date":"YYYY-MM-DD"}.
json::value when(const json::object& event, std::string_view key) {
  const auto* v = event.if_contains(key);
  if (!v || !v->is_object()) return nullptr;
  json::value at = string_or_null(v->get_object(), "dateTime");
  return at.is_null() ? string_or_null(v->get_object(), "date") : at;
}
}  // namespace

json::object event_item(const json::object& event, bool include_raw) {
  json::object out = item(string_member(event, "id"), "event", string_or_null(event, "summary"),
                          string_or_null(event, "description"), string_or_null(event, "htmlLink"),
                          string_or_null(event, "created"), string_or_null(event, "updated"));
  out["start"] = when(event, "start");
  out["end"] = when(event, "end");
  out["status"] = string_or_null(event, "status");
  json::array attendees;
  if (const auto* list = event.if_contains("attendees"); list && list->is_array())
    for (const auto& a : list->get_array())
      if (a.is_object()) attendees.push_back(string_or_null(a.get_object(), "email"));
  out["attendees"] = std::move(attendees);
  if (include_raw) out["raw"] = event;
  return out;
}

lagentry::Step test(const lagentry::Call& call) { return test_step(call, kEvents + "?maxResults=1", kScope); }

// Incremental sync as Calendar does it: a full list's last page carries
// next_sync_token; listing with sync_token answers only what changed since
// (deleted events with status "cancelled"). Calendar refuses a time window or
// ordering with a sync token, and answers 410 fullSyncRequired when the token
// expired: 410 sync_token_expired, list again without it.
lagentry::Step list(const lagentry::Call& call) {
  const Input input = Input::parse(call.input);
  const std::string sync = input.param("sync_token");
  Query query;
  query.add("maxResults", std::to_string(input.limit(kMaxLimit))).add("pageToken", input.param("cursor"));
  if (sync.empty()) {
    // Recurring events expanded into instances, in time order: what an agent
    // asking "what is on my calendar" means (orderBy=startTime needs singleEvents).
    query.add("timeMin", input.param("timeMin"))
        .add("timeMax", input.param("timeMax"))
        .add("singleEvents", "true")
        .add("orderBy", "startTime");
  } else {
    if (!input.param("timeMin").empty() || !input.param("timeMax").empty())
      throw lagentry::BadInput("sync_token cannot be combined with timeMin or timeMax");
    query.add("syncToken", sync).add("singleEvents", "true");
  }
  return sequence(call, {json_request("GET", kEvents + query.str())}, kScope, [&](const Response& r) {
    const json::object listing = object_body(r);
    json::object page = page_of(listing, "items", [&](const json::object& event) { return event_item(event, input.include_raw()); });
    page["next_sync_token"] = string_or_null(listing, "nextSyncToken");
    return reply(200, std::move(page));
  });
}

lagentry::Step get(const lagentry::Call& call) {
  const Input input = Input::parse(call.input);
  return sequence(call, {json_request("GET", event_url(input.id()))}, kScope,
                  [&](const Response& r) { return reply(200, event_item(object_body(r), input.include_raw())); });
}

lagentry::Step create(const lagentry::Call& call) {
  const Input input = Input::parse(call.input);
  const json::object& body = input.body_object();
  if (!body.contains("start") || !body.contains("end")) throw lagentry::BadInput("start and end are required");
  const json::value event = body;
  return sequence(call, {json_request("POST", kEvents, &event)}, kScope,
                  [&](const Response& r) { return reply(201, event_item(object_body(r), input.include_raw())); });
}

lagentry::Step remove(const lagentry::Call& call) {
  const std::string id = Input::parse(call.input).id();
  return sequence(call, {json_request("DELETE", event_url(id))}, kScope,
                  [&](const Response&) { return reply(200, json::object{{"id", id}, {"deleted", true}}); });
}

}  // namespace google::calendar
