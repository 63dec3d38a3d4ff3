#include "gmail.hpp"

#include "charset.hpp"

#include <algorithm>
#include <charconv>
#include <strings.h>

namespace google::gmail {

using lagentry::plugin_common::charset_of;
using lagentry::plugin_common::to_utf8;

namespace {
const std::string kMessages = "https://gmail.googleapis.com/gmail/v1/users/me/messages";
const std::string kLabels = "https://gmail.googleapis.com/gmail/v1/users/me/labels";
constexpr const char* kReadScope = "https://www.googleapis.com/auth/gmail.modify";
constexpr const char* kSendScope = "https://www.googleapis.com/auth/gmail.send";
constexpr const char* kDeleteScope = "https://mail.google.com/";  // permanent deletion needs full access
constexpr int kMaxLimit = 100;
// Metadata fetches per step; the host performs at most 64 requests in one step.
constexpr std::size_t kFanOut = 50;

std::string message_url(std::string_view id) { return kMessages + "/" + path_segment("id", id); }

// The headers a list shows; Gmail returns only these in format=metadata.
std::string metadata_url(std::string_view id) {
  return message_url(id) +
         "?format=metadata&metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date&metadataHeaders=To";
}

std::string header(const json::object& payload, std::string_view name) {
  const auto* headers = payload.if_contains("headers");
  if (!headers || !headers->is_array()) return {};
  for (const auto& h : headers->get_array()) {
    if (!h.is_object()) continue;
    const std::string key = string_member(h.get_object(), "name");
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), key.size()) == 0)
      return string_member(h.get_object(), "value");
  }
  return {};
}

json::value null_if_empty(const std::string& s) { return s.empty() ? json::value() : json::value(s); }

// A part of the given type, depth first.
const json::object* find_part(const json::object& part, std::string_view mime_type) {
  if (string_member(part, "mimeType") == mime_type) return &part;
  if (const auto* parts = part.if_contains("parts"); parts && parts->is_array())
    for (const auto& p : parts->get_array())
      if (p.is_object())
        if (const auto* found = find_part(p.get_object(), mime_type)) return found;
  return nullptr;
}

// `to`/`cc`: one address string, or a list of them.
std::vector<std::string> addresses(const json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  if (!v || v->is_null()) return {};
  if (v->is_string()) return {std::string(v->get_string())};
  if (!v->is_array()) throw lagentry::BadInput(std::string(key) + " must be a string or a list of strings");
  std::vector<std::string> out;
  for (const auto& a : v->get_array()) {
    if (!a.is_string()) throw lagentry::BadInput(std::string(key) + " must be a string or a list of strings");
    out.emplace_back(a.get_string());
  }
  return out;
}

std::string text_field(const json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  if (!v || v->is_null()) return {};
  if (!v->is_string()) throw lagentry::BadInput(std::string(key) + " must be a string");
  return std::string(v->get_string());
}

json::array label_ids(const json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  if (!v || v->is_null()) return {};
  if (!v->is_array() || !std::all_of(v->get_array().begin(), v->get_array().end(), [](auto& l) { return l.is_string(); }))
    throw lagentry::BadInput(std::string(key) + " must be a list of label ids");
  return v->get_array();
}

// internalDate: milliseconds since the epoch, as a string.
json::value created_at(const json::object& message) {
  const std::string text = string_member(message, "internalDate");
  long long millis = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), millis);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return nullptr;
  return json::value(lagentry::plugin_common::rfc3339_from_epoch(millis / 1000));
}
}  // namespace

// ---- items ----

json::object email_item(const json::object& message, bool include_raw) {
  static const json::object no_payload;
  const auto* p = message.if_contains("payload");
  const json::object& payload = p && p->is_object() ? p->get_object() : no_payload;
  const std::string id = string_member(message, "id");
  json::object out = item(id, "email", null_if_empty(header(payload, "Subject")), string_or_null(message, "snippet"),
                          json::string("https://mail.google.com/mail/u/0/#all/" + id), created_at(message), nullptr);
  out["from"] = null_if_empty(header(payload, "From"));
  out["to"] = null_if_empty(header(payload, "To"));
  out["thread_id"] = string_or_null(message, "threadId");
  const auto* labels = message.if_contains("labelIds");
  out["labels"] = labels && labels->is_array() ? *labels : json::array();
  if (include_raw) out["raw"] = message;
  return out;
}

std::string text_body(const json::object& payload) {
  const json::object* part = find_part(payload, "text/plain");
  if (!part) part = find_part(payload, "text/html");
  if (!part) return {};
  const auto* body = part->if_contains("body");
  if (!body || !body->is_object()) return {};
  const std::string bytes = base64_decode(string_member(body->get_object(), "data")).value_or("");
  // The part's bytes are in the charset its Content-Type declares (Latin-1
  // mail is common); the reply must be UTF-8.
  return to_utf8(bytes, charset_of(header(*part, "Content-Type")));
}

OutgoingEmail outgoing_email(const json::object& body) {
  OutgoingEmail email;
  email.to = addresses(body, "to");
  email.cc = addresses(body, "cc");
  email.subject = text_field(body, "subject");
  email.body = text_field(body, "body");
  email.in_reply_to = text_field(body, "in_reply_to");
  return email;
}

// ---- operations ----

lagentry::Step test(const lagentry::Call& call) { return test_step(call, kLabels, kReadScope); }

namespace {
// Step 1 lists ids; then the metadata of every id is fetched, kFanOut per
// step, the items so far riding in the state; the last step answers the page.
lagentry::Step list_with(const lagentry::Call& call, const Input& input, const std::string& q) {
  if (call.first_step()) {
    Query query;
    query.add("maxResults", std::to_string(input.limit(kMaxLimit))).add("pageToken", input.param("cursor")).add("q", q);
    return fetch(json::array{json_request("GET", kMessages + query.str())}, json::object{{"step", "ids"}});
  }
  json::object state = parse_state(call.state);
  const auto responses = responses_of(call);
  json::array items;
  json::array pending;
  if (string_member(state, "step") == "ids") {
    if (!responses.at(0).ok()) return error_reply(map_upstream_error(responses.at(0), kReadScope));
    const json::object listing = object_body(responses.at(0));
    if (const auto* messages = listing.if_contains("messages"); messages && messages->is_array())
      for (const auto& m : messages->get_array()) pending.emplace_back(string_member(m.as_object(), "id"));
    state = {{"step", "metadata"}, {"next", string_member(listing, "nextPageToken")}};
  } else {
    items = std::move(state.at("items").as_array());
    pending = std::move(state.at("pending").as_array());
    for (const auto& r : responses) {
      if (r.status == 404) continue;  // deleted between the listing and now
      if (!r.ok()) return error_reply(map_upstream_error(r, kReadScope));
      items.push_back(email_item(object_body(r), input.include_raw()));
    }
  }
  if (pending.empty()) return reply(200, page(std::move(items), string_member(state, "next")));
  json::array requests;
  const std::size_t count = std::min(kFanOut, pending.size());
  for (std::size_t i = 0; i < count; ++i) requests.push_back(json_request("GET", metadata_url(pending[i].as_string())));
  pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(count));
  state["items"] = std::move(items);
  state["pending"] = std::move(pending);
  return fetch(std::move(requests), state);
}
}  // namespace

lagentry::Step list(const lagentry::Call& call) {
  const Input input = Input::parse(call.input);
  return list_with(call, input, input.param("q"));
}

lagentry::Step search(const lagentry::Call& call) {
  const Input input = Input::parse(call.input);
  const std::string q = input.param("q");
  if (q.empty()) throw lagentry::BadInput("q is required");
  return list_with(call, input, q);
}

lagentry::Step get(const lagentry::Call& call) {
  const Input input = Input::parse(call.input);
  return sequence(call, {json_request("GET", message_url(input.id()) + "?format=full")}, kReadScope, [&](const Response& r) {
    const json::object message = object_body(r);
    json::object out = email_item(message, input.include_raw());
    if (const auto* payload = message.if_contains("payload"); payload && payload->is_object()) {
      out["cc"] = null_if_empty(header(payload->get_object(), "Cc"));
      out["body"] = text_body(payload->get_object());
    }
    return reply(200, std::move(out));
  });
}

// Send, then read the sent message back for a complete item. A failed
// read-back still answers 201 with what is known: the mail has left, and an
// error would make a client send it again.
lagentry::Step create(const lagentry::Call& call) {
  const Input input = Input::parse(call.input);
  const json::object& body = input.body_object();
  if (call.first_step()) {
    json::object send{{"raw", base64url_encode(build_rfc2822(outgoing_email(body)))}};
    if (std::string thread = text_field(body, "thread_id"); !thread.empty()) send["threadId"] = thread;
    const json::value payload = std::move(send);
    return fetch(json::array{json_request("POST", kMessages + "/send", &payload)}, json::object{{"step", "sent"}});
  }
  json::object state = parse_state(call.state);
  const auto responses = responses_of(call);
  if (string_member(state, "step") == "sent") {
    if (!responses.at(0).ok()) return error_reply(map_upstream_error(responses.at(0), kSendScope));
    const json::object sent = object_body(responses.at(0));
    return fetch(json::array{json_request("GET", metadata_url(string_member(sent, "id")))},
                 json::object{{"step", "read_back"}, {"sent", sent}});
  }
  if (responses.at(0).ok()) return reply(201, email_item(object_body(responses.at(0)), input.include_raw()));
  json::object out = email_item(state.at("sent").as_object(), input.include_raw());
  out["title"] = null_if_empty(text_field(body, "subject"));
  return reply(201, std::move(out));
}

// {"add_labels":[ids],"remove_labels":[ids]} and/or {"trash":true|false},
// then the message read back.
lagentry::Step update(const lagentry::Call& call) {
  const Input input = Input::parse(call.input);
  const json::object& body = input.body_object();
  const std::string id = input.id();
  std::vector<json::object> plan;
  json::array add = label_ids(body, "add_labels"), remove = label_ids(body, "remove_labels");
  if (!add.empty() || !remove.empty()) {
    const json::value modify = json::object{{"addLabelIds", std::move(add)}, {"removeLabelIds", std::move(remove)}};
    plan.push_back(json_request("POST", message_url(id) + "/modify", &modify));
  }
  if (const auto* trash = body.if_contains("trash")) {
    if (!trash->is_bool()) throw lagentry::BadInput("trash must be true or false");
    plan.push_back(json_request("POST", message_url(id) + (trash->get_bool() ? "/trash" : "/untrash")));
  }
  if (plan.empty()) throw lagentry::BadInput("nothing to update: give add_labels, remove_labels or trash");
  plan.push_back(json_request("GET", metadata_url(id)));
  return sequence(call, plan, kReadScope,
                  [&](const Response& r) { return reply(200, email_item(object_body(r), input.include_raw())); });
}

lagentry::Step remove(const lagentry::Call& call) {
  const std::string id = Input::parse(call.input).id();
  return sequence(call, {json_request("DELETE", message_url(id))}, kDeleteScope,
                  [&](const Response&) { return reply(200, json::object{{"id", id}, {"deleted", true}}); });
}

lagentry::Step labels(const lagentry::Call& call) {
  return sequence(call, {json_request("GET", kLabels)}, kReadScope, [](const Response& r) {
    json::object listing = object_body(r);
    json::value labels = json::array();
    if (auto* found = listing.if_contains("labels"); found && found->is_array()) labels = std::move(*found);
    return reply(200, json::object{{"labels", std::move(labels)}});
  });
}

}  // namespace google::gmail
