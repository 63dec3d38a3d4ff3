// Gmail v1 (gmail.googleapis.com/gmail/v1/users/me): messages list/get/send/
// modify/trash/delete and labels. Every view of a message is derived from its
// stored RFC 2822 text, so sent and seeded messages behave alike.
#include "google.hpp"
#include "mime.hpp"
#include "providers.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

namespace lagentry::sandbox {
namespace json = boost::json;

namespace {
constexpr const char* kFull = "https://mail.google.com/";
const std::string kBase = "/gmail/v1/users/{user}";

// The authenticated user's mailbox ("me" or her address); anything else is delegation.
std::optional<Response> wrong_user(const Request& request) {
  auto user = request.capture("user");
  if (user == "me" || user == kUserEmail) return std::nullopt;
  return google_error(403, "Delegation denied for " + std::string(kUserEmail), "forbidden");
}

// The error to answer when the token lacks all of the scopes or the mailbox is not hers.
std::optional<Response> denied(const State& state, const Request& request, std::initializer_list<const char*> scopes) {
  auto auth = google_authenticate(state, request, scopes);
  if (!auth.token) return auth.error;
  return wrong_user(request);
}

GmailMessage* find_message(State& state, const std::string& id) {
  for (auto& m : state.google.messages)
    if (m.id == id) return &m;
  return nullptr;
}

bool has_label(const GmailMessage& m, std::string_view label) {
  return std::find(m.labels.begin(), m.labels.end(), label) != m.labels.end();
}

std::string snippet(const MimePart& mime) {
  const auto* text = mime.first_text();
  if (!text) return {};
  std::string out;
  for (char c : text->body) {
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    if (!(c == ' ' && !out.empty() && out.back() == ' ')) out += c;
  }
  return trim(out).substr(0, 200);
}

// ---- search ----

// Splits q into terms, keeping "quoted phrases" together.
std::vector<std::string> terms(std::string_view q) {
  std::vector<std::string> out;
  std::string current;
  bool quoted = false;
  for (char c : q) {
    if (c == '"') quoted = !quoted;
    else if (c == ' ' && !quoted) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else current += c;
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

bool label_matches(const State& state, const GmailMessage& m, const std::string& wanted) {
  for (const auto& label : state.google.labels)
    if ((iequals(label.id, wanted) || iequals(label.name, wanted) ||
         iequals(lower(label.name), lower(wanted))) && has_label(m, label.id))
      return true;
  return false;
}

// One q term: from:, to:, subject:, is:, label:, in:, or a plain word.
bool term_matches(const State& state, const GmailMessage& m, const MimePart& mime, const std::string& term) {
  auto colon = term.find(':');
  const std::string op = colon == std::string::npos ? "" : lower(term.substr(0, colon));
  const std::string value = colon == std::string::npos ? term : term.substr(colon + 1);
  if (op == "from") return icontains(mime.header("From"), value);
  if (op == "to") return icontains(mime.header("To"), value) || icontains(mime.header("Cc"), value);
  if (op == "subject") return icontains(mime.header("Subject"), value);
  if (op == "is") {
    auto v = lower(value);
    if (v == "read") return !has_label(m, "UNREAD");
    return label_matches(state, m, v);  // unread, starred, important
  }
  if (op == "label" || op == "in") {
    if (lower(value) == "anywhere") return true;
    return label_matches(state, m, value);
  }
  const auto* text = mime.first_text();
  return icontains(mime.header("Subject"), term) || icontains(mime.header("From"), term) ||
         icontains(mime.header("To"), term) || (text && icontains(text->body, term));
}

Response list_messages(State& state, const Request& request) {
  if (auto error = denied(state, request, {kFull, "gmail.readonly", "gmail.modify", "gmail.metadata"})) return *error;
  const auto q = terms(request.query_param("q").value_or(""));
  const auto label_ids = all(request.query, "labelIds");
  bool include_spam_trash = request.query_param("includeSpamTrash").value_or("") == "true";
  for (const auto& t : q)
    if (icontains(t, "in:trash") || icontains(t, "in:spam") || icontains(t, "in:anywhere")) include_spam_trash = true;

  std::vector<const GmailMessage*> matching;
  for (const auto& m : state.google.messages) {
    if (!include_spam_trash && (has_label(m, "TRASH") || has_label(m, "SPAM"))) continue;
    if (!std::all_of(label_ids.begin(), label_ids.end(), [&](const std::string& l) { return has_label(m, l); })) continue;
    auto mime = parse_mime(m.raw);
    bool ok = std::all_of(q.begin(), q.end(), [&](const std::string& t) {
      const bool negated = t.size() > 1 && t[0] == '-';
      return term_matches(state, m, mime, negated ? t.substr(1) : t) != negated;
    });
    if (ok) matching.push_back(&m);
  }
  if (matching.empty()) return json_response(200, json::object{{"resultSizeEstimate", 0}});

  const std::size_t page_size = std::clamp<std::size_t>(to_size(request.query_param("maxResults"), 100), 1, 500);
  std::size_t offset = 0;
  if (auto token = request.query_param("pageToken")) {
    auto decoded = decode_cursor(*token);
    if (!decoded) return google_error(400, "Invalid pageToken", "invalidArgument");
    offset = std::min(*decoded, matching.size());
  }
  json::array messages;
  const std::size_t end = std::min(matching.size(), offset + page_size);
  for (auto i = offset; i < end; ++i)
    messages.push_back(json::object{{"id", matching[i]->id}, {"threadId", matching[i]->thread_id}});
  json::object body{{"messages", messages}};
  if (end < matching.size()) body["nextPageToken"] = encode_cursor(end);
  body["resultSizeEstimate"] = matching.size();
  return json_response(200, body);
}

json::array headers_json(const MimePart& part, const std::vector<std::string>& only) {
  json::array out;
  for (const auto& [name, value] : part.headers)
    if (only.empty() || std::any_of(only.begin(), only.end(), [&](const std::string& o) { return iequals(o, name); }))
      out.push_back(json::object{{"name", name}, {"value", value}});
  return out;
}

json::object payload_json(const MimePart& part, const std::string& part_id) {
  json::object out{{"partId", part_id}, {"mimeType", part.mime_type}, {"filename", ""}, {"headers", headers_json(part, {})}};
  if (part.parts.empty()) {
    out["body"] = json::object{{"size", part.body.size()}, {"data", base64_encode(part.body, true)}};
    return out;
  }
  out["body"] = json::object{{"size", 0}};
  json::array parts;
  for (std::size_t i = 0; i < part.parts.size(); ++i)
    parts.push_back(payload_json(part.parts[i], (part_id.empty() ? "" : part_id + ".") + std::to_string(i)));
  out["parts"] = parts;
  return out;
}

json::object labels_only(const GmailMessage& m) {
  json::array labels;
  for (const auto& l : m.labels) labels.emplace_back(l);
  return {{"id", m.id}, {"threadId", m.thread_id}, {"labelIds", labels}};
}

Response get_message(State& state, const Request& request) {
  if (auto error = denied(state, request, {kFull, "gmail.readonly", "gmail.modify", "gmail.metadata"})) return *error;
  const auto* m = find_message(state, request.capture("id"));
  if (!m) return google_not_found();
  const std::string format = request.query_param("format").value_or("full");
  if (format != "full" && format != "metadata" && format != "minimal" && format != "raw")
    return google_error(400, "Invalid value at 'format'", "invalidArgument");
  auto mime = parse_mime(m->raw);
  json::object out = labels_only(*m);
  out["snippet"] = snippet(mime);
  out["historyId"] = m->history_id;
  out["internalDate"] = std::to_string(m->internal_date);
  out["sizeEstimate"] = m->raw.size();
  if (format == "raw") out["raw"] = base64_encode(m->raw, true);
  if (format == "full") out["payload"] = payload_json(mime, "");
  if (format == "metadata")
    out["payload"] = json::object{{"partId", ""},
                                  {"mimeType", mime.mime_type},
                                  {"filename", ""},
                                  {"headers", headers_json(mime, all(request.query, "metadataHeaders"))}};
  return json_response(200, out);
}

std::string next_message_id(State& state) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", 0x18f4000000000000ULL + state.google.next_id++);
  return buf;
}

Response store_sent(State& state, const std::string& raw, const std::string& thread_id) {
  auto mime = parse_mime(raw);
  if (mime.header("To").empty() && mime.header("Cc").empty() && mime.header("Bcc").empty())
    return google_error(400, "Recipient address required", "invalidArgument");
  GmailMessage m;
  m.id = next_message_id(state);
  m.thread_id = thread_id.empty() ? m.id : thread_id;
  m.labels = {"SENT"};
  m.internal_date = now_millis();
  m.history_id = std::to_string(200000 + state.google.next_id);
  m.raw = raw;
  state.google.messages.insert(state.google.messages.begin(), m);
  return json_response(200, labels_only(m));
}

Response send_message(State& state, const Request& request) {
  if (auto error = denied(state, request, {kFull, "gmail.modify", "gmail.send", "gmail.compose"})) return *error;
  auto body = request.json();
  const auto* raw = body.is_object() ? body.as_object().if_contains("raw") : nullptr;
  std::optional<std::string> decoded;
  if (raw && raw->is_string()) decoded = base64_decode(raw->as_string());
  if (!decoded || decoded->empty())
    return google_error(400, "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
                        "invalidArgument");
  std::string thread;
  if (const auto* t = body.as_object().if_contains("threadId"); t && t->is_string()) thread = t->as_string();
  return store_sent(state, *decoded, thread);
}

// POST /upload/gmail/v1/users/me/messages/send with a message/rfc822 body.
Response upload_send(State& state, const Request& request) {
  if (auto error = denied(state, request, {kFull, "gmail.modify", "gmail.send", "gmail.compose"})) return *error;
  if (request.body.empty()) return google_error(400, "Media upload requires a message body", "invalidArgument");
  return store_sent(state, request.body, "");
}

bool label_exists(const State& state, const std::string& id) {
  return std::any_of(state.google.labels.begin(), state.google.labels.end(),
                     [&](const GmailLabel& l) { return l.id == id; });
}

void set_label(GmailMessage& m, const std::string& label, bool on) {
  auto it = std::find(m.labels.begin(), m.labels.end(), label);
  if (on && it == m.labels.end()) m.labels.push_back(label);
  if (!on && it != m.labels.end()) m.labels.erase(it);
}

Response modify_message(State& state, const Request& request) {
  if (auto error = denied(state, request, {kFull, "gmail.modify"})) return *error;
  auto* m = find_message(state, request.capture("id"));
  if (!m) return google_not_found();
  auto body = request.json();
  if (!body.is_object()) return google_error(400, "Invalid JSON payload received.", "invalidArgument");
  std::vector<std::pair<std::string, bool>> changes;
  for (auto [key, on] : {std::pair{"addLabelIds", true}, std::pair{"removeLabelIds", false}})
    if (const auto* ids = body.as_object().if_contains(key); ids && ids->is_array())
      for (const auto& id : ids->as_array()) {
        std::string label = id.is_string() ? std::string(id.as_string()) : "";
        if (!label_exists(state, label)) return google_error(400, "Invalid label: " + label, "invalidArgument");
        changes.emplace_back(label, on);
      }
  for (const auto& [label, on] : changes) set_label(*m, label, on);
  return json_response(200, labels_only(*m));
}

Response trash_message(State& state, const Request& request) {
  if (auto error = denied(state, request, {kFull, "gmail.modify"})) return *error;
  auto* m = find_message(state, request.capture("id"));
  if (!m) return google_not_found();
  const bool trash = request.path.ends_with("/trash");
  set_label(*m, "TRASH", trash);
  if (trash) set_label(*m, "INBOX", false);
  return json_response(200, labels_only(*m));
}

Response delete_message(State& state, const Request& request) {
  if (auto error = denied(state, request, {kFull})) return *error;  // permanent deletion needs the full-access scope
  auto& messages = state.google.messages;
  auto it = std::find_if(messages.begin(), messages.end(), [&](const GmailMessage& m) { return m.id == request.capture("id"); });
  if (it == messages.end()) return google_not_found();
  messages.erase(it);
  return empty_response(204);
}

Response list_labels(State& state, const Request& request) {
  if (auto error = denied(state, request, {kFull, "gmail.readonly", "gmail.modify", "gmail.labels", "gmail.metadata"})) return *error;
  json::array labels;
  for (const auto& l : state.google.labels) {
    json::object label{{"id", l.id}, {"name", l.name}, {"type", l.type}};
    label["messageListVisibility"] = l.type == "system" ? "hide" : "show";
    label["labelListVisibility"] = "labelShow";
    labels.push_back(label);
  }
  return json_response(200, json::object{{"labels", labels}});
}
}  // namespace

void add_gmail_routes(Router& router) {
  const std::string o = "gmail.googleapis.com";
  router.add(o, "GET", kBase + "/messages", list_messages);
  router.add(o, "POST", kBase + "/messages/send", send_message);
  router.add(o, "POST", "/upload" + kBase + "/messages/send", upload_send);
  router.add(o, "GET", kBase + "/messages/{id}", get_message);
  router.add(o, "DELETE", kBase + "/messages/{id}", delete_message);
  router.add(o, "POST", kBase + "/messages/{id}/modify", modify_message);
  router.add(o, "POST", kBase + "/messages/{id}/trash", trash_message);
  router.add(o, "POST", kBase + "/messages/{id}/untrash", trash_message);
  router.add(o, "GET", kBase + "/labels", list_labels);
}

}  // namespace lagentry::sandbox
