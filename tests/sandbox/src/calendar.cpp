// Calendar v3 events (www.googleapis.com/calendar/v3/calendars/{id}/events):
// list with timeMin/timeMax/maxResults/pageToken, get, insert, delete; and
// incremental sync: the last page of a list carries nextSyncToken, a list
// with syncToken answers what changed since (deleted events as "cancelled"),
// and a token the sandbox did not give out (or from before a reset) answers
// 410 fullSyncRequired, as Calendar does for an expired one.
#include "google.hpp"
#include "providers.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

namespace lagentry::sandbox {
namespace json = boost::json;

namespace {
const std::string kEvents = "/calendar/v3/calendars/{calendar}/events";

// Only Alice's primary calendar exists.
bool known_calendar(const Request& request) {
  auto id = request.capture("calendar");
  return id == "primary" || id == kUserEmail;
}

json::object when(const CalendarEvent& e, std::int64_t t) {
  if (e.all_day) return {{"date", rfc3339(t).substr(0, 10)}};
  return {{"dateTime", rfc3339(t)}, {"timeZone", "UTC"}};
}

json::object event_json(const CalendarEvent& e) {
  json::array attendees;
  for (const auto& a : e.attendees) attendees.push_back(json::object{{"email", a}, {"responseStatus", "needsAction"}});
  json::object out{{"kind", "calendar#event"},
                   {"id", e.id},
                   {"status", "confirmed"},
                   {"htmlLink", "https://www.google.com/calendar/event?eid=" + e.id},
                   {"created", rfc3339(e.created)},
                   {"updated", rfc3339(e.updated)},
                   {"summary", e.summary},
                   {"organizer", json::object{{"email", kUserEmail}, {"self", true}}},
                   {"creator", json::object{{"email", kUserEmail}, {"self", true}}},
                   {"start", when(e, e.start)},
                   {"end", when(e, e.end)}};
  if (!e.description.empty()) out["description"] = e.description;
  if (!attendees.empty()) out["attendees"] = attendees;
  return out;
}

// {"dateTime":".."} or {"date":"YYYY-MM-DD"} -> epoch seconds.
std::optional<std::int64_t> parse_when(const json::value* v, bool& all_day) {
  if (!v || !v->is_object()) return std::nullopt;
  const auto& o = v->as_object();
  if (const auto* dt = o.if_contains("dateTime"); dt && dt->is_string()) return parse_rfc3339(dt->as_string());
  if (const auto* d = o.if_contains("date"); d && d->is_string()) {
    all_day = true;
    return parse_rfc3339(std::string(d->as_string()) + "T00:00:00Z");
  }
  return std::nullopt;
}

std::string sync_token(const State& state) { return "sbx-sync-" + std::to_string(state.google.calendar_changes); }

// The change number a sync token names, or nullopt when it is not one of ours.
std::optional<std::uint64_t> sync_point(const State& state, std::string_view token) {
  constexpr std::string_view kPrefix = "sbx-sync-";
  if (!token.starts_with(kPrefix)) return std::nullopt;
  const std::string digits(token.substr(kPrefix.size()));
  if (digits.empty() || digits.size() > 19 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const std::uint64_t point = std::stoull(digits);
  if (point > state.google.calendar_changes) return std::nullopt;
  return point;
}

Response list_events(State& state, const Request& request) {
  auto auth = google_authenticate(state, request, {"calendar", "calendar.readonly", "calendar.events", "calendar.events.readonly"});
  if (!auth.token) return auth.error;
  if (!known_calendar(request)) return google_not_found("Not Found");
  std::vector<json::object> entries;
  if (auto token = request.query_param("syncToken")) {
    // Calendar refuses the restrictions a sync cannot honour.
    for (const char* name : {"timeMin", "timeMax", "q", "orderBy", "updatedMin", "iCalUID"})
      if (request.query_param(name)) return google_error(400, "Invalid sync token parameter combination.", "invalid");
    const auto since = sync_point(state, *token);
    if (!since) return google_error(410, "Sync token is no longer valid, a full sync is required.", "fullSyncRequired", "calendar");
    std::vector<const CalendarEvent*> changed;
    for (const auto& e : state.google.events)
      if (e.changed > *since) changed.push_back(&e);
    std::stable_sort(changed.begin(), changed.end(), [](auto* a, auto* b) { return a->changed < b->changed; });
    for (const auto* e : changed) entries.push_back(event_json(*e));
    for (const auto& d : state.google.deleted_events)
      if (d.changed > *since) entries.push_back(json::object{{"kind", "calendar#event"}, {"id", d.id}, {"status", "cancelled"}});
  } else {
    std::optional<std::int64_t> min, max;
    if (auto v = request.query_param("timeMin"); v && !(min = parse_rfc3339(*v)))
      return google_error(400, "Bad Request", "badRequest");
    if (auto v = request.query_param("timeMax"); v && !(max = parse_rfc3339(*v)))
      return google_error(400, "Bad Request", "badRequest");
    const auto text = request.query_param("q");
    std::vector<const CalendarEvent*> matching;
    for (const auto& e : state.google.events) {
      if (min && e.end <= *min) continue;  // timeMin bounds the end, timeMax the start
      if (max && e.start >= *max) continue;
      if (text && !icontains(e.summary, *text) && !icontains(e.description, *text)) continue;
      matching.push_back(&e);
    }
    std::stable_sort(matching.begin(), matching.end(), [](auto* a, auto* b) { return a->start < b->start; });
    for (const auto* e : matching) entries.push_back(event_json(*e));
  }
  const std::size_t max_results = std::clamp<std::size_t>(to_size(request.query_param("maxResults"), 250), 1, 2500);
  std::size_t offset = 0;
  if (auto token = request.query_param("pageToken")) {
    auto decoded = decode_cursor(*token);
    if (!decoded) return google_error(400, "Invalid page token", "invalid");
    offset = std::min(*decoded, entries.size());
  }
  const std::size_t end = std::min(entries.size(), offset + max_results);
  json::array items;
  for (auto i = offset; i < end; ++i) items.push_back(entries[i]);
  json::object out{{"kind", "calendar#events"}, {"summary", kUserEmail}, {"timeZone", "UTC"},
                   {"updated", rfc3339(now_seconds())}, {"accessRole", "owner"}};
  if (end < entries.size()) out["nextPageToken"] = encode_cursor(end);
  else out["nextSyncToken"] = sync_token(state);  // last page carries it
  out["items"] = items;
  return json_response(200, out);
}

Response insert_event(State& state, const Request& request) {
  auto auth = google_authenticate(state, request, {"calendar", "calendar.events"});
  if (!auth.token) return auth.error;
  if (!known_calendar(request)) return google_not_found("Not Found");
  auto body = request.json();
  if (!body.is_object()) return google_error(400, "Bad Request", "badRequest");
  const auto& o = body.as_object();
  CalendarEvent e;
  bool all_day = false;
  auto start = parse_when(o.if_contains("start"), all_day);
  auto end = parse_when(o.if_contains("end"), all_day);
  if (!start || !end) return google_error(400, "Missing end time.", "required");
  if (*end < *start) return google_error(400, "The specified time range is empty.", "timeRangeEmpty");
  e.start = *start;
  e.end = *end;
  e.all_day = all_day;
  if (const auto* v = o.if_contains("summary"); v && v->is_string()) e.summary = v->as_string();
  if (const auto* v = o.if_contains("description"); v && v->is_string()) e.description = v->as_string();
  if (const auto* v = o.if_contains("attendees"); v && v->is_array())
    for (const auto& a : v->as_array())
      if (a.is_object() && a.as_object().contains("email") && a.as_object().at("email").is_string())
        e.attendees.emplace_back(a.as_object().at("email").as_string());
  e.id = "sbxevent" + std::to_string(state.google.next_id++);
  e.created = e.updated = now_seconds();
  e.changed = ++state.google.calendar_changes;
  state.google.events.push_back(e);
  return json_response(200, event_json(e));
}

// A deleted event answers 410 Gone, an unknown one 404 (as Calendar does).
Response missing_event(const State& state, const std::string& id) {
  const auto& deleted = state.google.deleted_events;
  if (std::any_of(deleted.begin(), deleted.end(), [&](const CancelledEvent& d) { return d.id == id; }))
    return google_error(410, "Resource has been deleted", "deleted");
  return google_not_found("Not Found");
}

Response get_event(State& state, const Request& request) {
  auto auth = google_authenticate(state, request, {"calendar", "calendar.readonly", "calendar.events", "calendar.events.readonly"});
  if (!auth.token) return auth.error;
  if (!known_calendar(request)) return google_not_found("Not Found");
  const auto id = request.capture("id");
  const auto& events = state.google.events;
  auto it = std::find_if(events.begin(), events.end(), [&](const CalendarEvent& e) { return e.id == id; });
  if (it == events.end()) return missing_event(state, std::string(id));
  return json_response(200, event_json(*it));
}

Response delete_event(State& state, const Request& request) {
  auto auth = google_authenticate(state, request, {"calendar", "calendar.events"});
  if (!auth.token) return auth.error;
  if (!known_calendar(request)) return google_not_found("Not Found");
  auto& events = state.google.events;
  const auto id = request.capture("id");
  auto it = std::find_if(events.begin(), events.end(), [&](const CalendarEvent& e) { return e.id == id; });
  if (it == events.end()) return missing_event(state, std::string(id));
  events.erase(it);
  state.google.deleted_events.push_back(CancelledEvent{std::string(id), ++state.google.calendar_changes});
  return empty_response(204);
}
}  // namespace

void add_calendar_routes(Router& router) {
  router.add("www.googleapis.com", "GET", kEvents, list_events);
  router.add("www.googleapis.com", "POST", kEvents, insert_event);
  router.add("www.googleapis.com", "GET", kEvents + "/{id}", get_event);
  router.add("www.googleapis.com", "DELETE", kEvents + "/{id}", delete_event);
}

}  // namespace lagentry::sandbox
