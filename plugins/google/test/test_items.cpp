// Items built from Google's real wire formats, and Google errors mapped to
// the unified error model (docs/connectors.md).
#include "calendar.hpp"
#include "charset.hpp"
#include "drive.hpp"
#include "gmail.hpp"

#include <boost/test/unit_test.hpp>

using namespace google;

namespace {
json::object parse(std::string_view text) { return json::parse(text).as_object(); }

// Gmail messages.get, format=full, as documented (multipart/alternative).
constexpr std::string_view kFullMessage = R"({
  "id":"18c2f0a1b2c3d4e5","threadId":"18c2f0a1b2c3d4e5","labelIds":["UNREAD","INBOX"],"snippet":"Hi there",
  "historyId":"123456","internalDate":"1714564800000","sizeEstimate":2345,
  "payload":{"partId":"","mimeType":"multipart/alternative","filename":"",
    "headers":[{"name":"From","value":"Alice <a@example.com>"},{"name":"subject","value":"Hello"},
               {"name":"To","value":"bob@example.com"},{"name":"Cc","value":"carol@example.org"}],
    "body":{"size":0},
    "parts":[{"partId":"0","mimeType":"text/plain","filename":"","headers":[],"body":{"size":8,"data":"SGkgdGhlcmU"}},
             {"partId":"1","mimeType":"text/html","filename":"","headers":[],"body":{"size":15,"data":"PGI-SGk8L2I-"}}]}})";

ApiError mapped(int status, std::string body, std::string transport = "") {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.error = std::move(transport);
  return map_upstream_error(r, "https://www.googleapis.com/auth/gmail.modify");
}

std::string google_error(int code, const char* status, const char* reason) {
  return json::serialize(json::object{
      {"error", {{"code", code}, {"message", "upstream says no"}, {"status", status},
                 {"errors", json::array{json::object{{"domain", "global"}, {"reason", reason}, {"message", "no"}}}}}}});
}
}  // namespace

BOOST_AUTO_TEST_SUITE(items)

BOOST_AUTO_TEST_CASE(gmail_message_as_an_email_item) {
  const json::object item = gmail::email_item(parse(kFullMessage), false);
  BOOST_TEST(item.at("id") == "18c2f0a1b2c3d4e5");
  BOOST_TEST(item.at("type") == "email");
  BOOST_TEST(item.at("title") == "Hello");  // header names are case-insensitive
  BOOST_TEST(item.at("snippet") == "Hi there");
  BOOST_TEST(item.at("url") == "https://mail.google.com/mail/u/0/#all/18c2f0a1b2c3d4e5");
  BOOST_TEST(item.at("created_at") == "2024-05-01T12:00:00Z");
  BOOST_TEST(item.at("updated_at").is_null());
  BOOST_TEST(item.at("from") == "Alice <a@example.com>");
  BOOST_TEST(item.at("to") == "bob@example.com");
  BOOST_TEST(item.at("thread_id") == "18c2f0a1b2c3d4e5");
  BOOST_TEST(item.at("labels") == (json::array{"UNREAD", "INBOX"}));
  BOOST_TEST(!item.contains("raw"));
  BOOST_TEST(gmail::email_item(parse(kFullMessage), true).at("raw") == parse(kFullMessage));
}

BOOST_AUTO_TEST_CASE(gmail_minimal_message_has_nulls_not_gaps) {
  // What messages.send answers: no payload, no snippet, no date.
  const json::object item = gmail::email_item(parse(R"({"id":"abc","threadId":"abc","labelIds":["SENT"]})"), false);
  for (const char* key : {"title", "snippet", "created_at", "updated_at", "from", "to"}) BOOST_TEST(item.at(key).is_null(), key);
  BOOST_TEST(item.at("labels") == (json::array{"SENT"}));
  BOOST_TEST(gmail::email_item(parse(R"({"id":"x","internalDate":"soon"})"), false).at("created_at").is_null());
}

BOOST_AUTO_TEST_CASE(gmail_text_body_prefers_plain_text) {
  const json::object payload = parse(kFullMessage).at("payload").as_object();
  BOOST_TEST(gmail::text_body(payload) == "Hi there");
  json::object html_only = payload;
  html_only["parts"].as_array().erase(html_only["parts"].as_array().begin());
  BOOST_TEST(gmail::text_body(html_only) == "<b>Hi</b>");
  // A single-part message carries its data on the payload itself.
  BOOST_TEST(gmail::text_body(parse(R"({"mimeType":"text/plain","body":{"size":2,"data":"SGk"}})")) == "Hi");
  BOOST_TEST(gmail::text_body(parse(R"({"mimeType":"image/png","body":{"size":0}})")) == "");
}

// Regression: a Latin-1 part's bytes went into the reply as they were, the
// reply was not valid UTF-8 and the host answered 502.
BOOST_AUTO_TEST_CASE(gmail_text_body_is_utf8_whatever_the_part_charset) {
  auto part = [](const std::string& content_type, const std::string& data) {
    json::object p = parse(R"({"mimeType":"text/plain","headers":[]})");
    if (!content_type.empty())
      p["headers"].as_array().push_back(json::object{{"name", "Content-Type"}, {"value", content_type}});
    p["body"] = json::object{{"data", data}};
    return p;
  };
  BOOST_TEST(gmail::text_body(part("text/plain; charset=\"ISO-8859-1\"", "Y2Fm6Q")) == "caf\xC3\xA9");
  BOOST_TEST(gmail::text_body(part("text/plain; charset=iso-8859-1; format=flowed", "Y2Fm6Q")) == "caf\xC3\xA9");
  BOOST_TEST(gmail::text_body(part("text/plain; charset=windows-1252", "k3F1b3RlZJQ")) ==
             "\xE2\x80\x9Cquoted\xE2\x80\x9D");
  BOOST_TEST(gmail::text_body(part("text/plain; charset=UTF-8", "Y2Fmw6k")) == "caf\xC3\xA9");
  // Undeclared or mislabelled: invalid bytes become U+FFFD, never raw bytes.
  BOOST_TEST(gmail::text_body(part("", "Y2Fm6Q")) == "caf\xEF\xBF\xBD");
  BOOST_TEST(gmail::text_body(part("text/plain; charset=utf-8", "Y2Fm6SCA")) == "caf\xEF\xBF\xBD \xEF\xBF\xBD");
  BOOST_TEST(gmail::text_body(part("text/plain; charset=x-no-such-set", "Y2Fm6Q")) == "caf\xEF\xBF\xBD");
  // Every answer serializes to JSON that parses again.
  const std::string reply = json::serialize(json::value(gmail::text_body(part("", "Y2Fm6SCA"))));
  json::error_code ec;
  json::parse(reply, ec);
  BOOST_TEST(!ec);
}

// The eight-bytes-at-a-time ASCII scan hands every byte that is not ASCII to
// the decoder, wherever it falls in a word or in the tail.
BOOST_AUTO_TEST_CASE(utf8_check_finds_a_bad_byte_anywhere_after_ascii) {
  using lagentry::plugin_common::is_utf8;
  const std::string ascii(21, 'a');
  for (std::size_t at = 0; at <= ascii.size(); ++at) {
    const std::string before = ascii.substr(0, at), after = ascii.substr(at);
    BOOST_TEST(is_utf8(before + "\xC3\xA9" + after));           // é
    BOOST_TEST(is_utf8(before + "\xF0\x9F\x98\x80" + after));  // U+1F600
    BOOST_TEST(!is_utf8(before + "\xE9" + after));               // Latin-1 é
    BOOST_TEST(!is_utf8(before + "\xC3" + after));               // cut short by ASCII
    BOOST_TEST(!is_utf8(before + "\xC0\xAF" + after));          // overlong '/'
    BOOST_TEST(!is_utf8(before + "\xED\xA0\x80" + after));      // a surrogate
  }
  BOOST_TEST(is_utf8(ascii));
  BOOST_TEST(is_utf8(""));
  BOOST_TEST(!is_utf8(ascii + "\xE2\x82"));  // cut short by the end
}

// Regression: an upstream 1e999 became a double infinity that Boost.JSON
// writes as `Infinity`, which is not JSON.
BOOST_AUTO_TEST_CASE(numbers_no_double_can_hold_become_null) {
  google::Response response;
  response.body = R"({"a":1e999,"b":[-1e999,1.5],"c":{"d":1e308}})";
  const json::value v = response.json();
  BOOST_TEST(v.at("a").is_null());
  BOOST_TEST(v.at("b").at(0).is_null());
  BOOST_TEST(v.at("b").at(1).as_double() == 1.5);
  BOOST_TEST(v.at("c").at("d").as_double() == 1e308);
  json::error_code ec;
  json::parse(json::serialize(v), ec);
  BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_CASE(gmail_create_body_validation) {
  auto email = gmail::outgoing_email(parse(R"({"to":["a@x.com","b@x.com"],"cc":"c@x.com","subject":"S","body":"B"})"));
  BOOST_TEST(email.to.size() == 2u);
  BOOST_TEST(email.cc.at(0) == "c@x.com");
  BOOST_CHECK_THROW(gmail::outgoing_email(parse(R"({"to":5})")), lagentry::BadInput);
  BOOST_CHECK_THROW(gmail::outgoing_email(parse(R"({"to":["a@x.com",1]})")), lagentry::BadInput);
  BOOST_CHECK_THROW(gmail::outgoing_email(parse(R"({"to":"a@x.com","subject":{}})")), lagentry::BadInput);
}

BOOST_AUTO_TEST_CASE(drive_file_as_a_file_item) {
  const json::object file = parse(R"({"kind":"drive#file","id":"1AbC","name":"Q3.pdf","mimeType":"application/pdf",
    "createdTime":"2024-04-01T10:00:00.000Z","modifiedTime":"2024-04-02T11:00:00.000Z",
    "webViewLink":"https://drive.google.com/file/d/1AbC/view?usp=drivesdk"})");
  const json::object item = drive::file_item(file, false);
  BOOST_TEST(item.at("type") == "file");
  BOOST_TEST(item.at("title") == "Q3.pdf");
  BOOST_TEST(item.at("snippet").is_null());
  BOOST_TEST(item.at("url") == "https://drive.google.com/file/d/1AbC/view?usp=drivesdk");
  BOOST_TEST(item.at("created_at") == "2024-04-01T10:00:00.000Z");
  BOOST_TEST(item.at("updated_at") == "2024-04-02T11:00:00.000Z");
  BOOST_TEST(item.at("mime_type") == "application/pdf");
  // Without webViewLink (a narrow `fields`) the link is still known.
  BOOST_TEST(drive::file_item(parse(R"({"id":"1X","name":"a"})"), false).at("url") == "https://drive.google.com/file/d/1X/view");
  // A folder opens as a folder (it was /file/d/<id>/view).
  BOOST_TEST(drive::file_item(parse(R"({"id":"1F","name":"P","mimeType":"application/vnd.google-apps.folder"})"), false)
                 .at("url") == "https://drive.google.com/drive/folders/1F");
}

BOOST_AUTO_TEST_CASE(drive_search_query_escapes_quotes) {
  BOOST_TEST(drive::search_query("budget") == "name contains 'budget' and trashed = false");
  BOOST_TEST(drive::search_query("Bob's \\ plan") == R"(name contains 'Bob\'s \\ plan' and trashed = false)");
  // The classic injection stays inside the string literal.
  BOOST_TEST(drive::search_query("x' or name contains '") == R"(name contains 'x\' or name contains \'' and trashed = false)");
}

BOOST_AUTO_TEST_CASE(calendar_event_as_an_event_item) {
  const json::object event = parse(R"({"kind":"calendar#event","id":"abc123","status":"confirmed",
    "htmlLink":"https://www.google.com/calendar/event?eid=abc123","created":"2024-04-20T08:00:00.000Z",
    "updated":"2024-04-21T08:00:00.000Z","summary":"Standup","organizer":{"email":"alice@example.com","self":true},
    "start":{"dateTime":"2024-05-02T09:00:00-07:00","timeZone":"America/Los_Angeles"},"end":{"dateTime":"2024-05-02T09:15:00-07:00"},
    "attendees":[{"email":"bob@example.com","responseStatus":"needsAction"}]})");
  const json::object item = calendar::event_item(event, false);
  BOOST_TEST(item.at("type") == "event");
  BOOST_TEST(item.at("title") == "Standup");
  BOOST_TEST(item.at("url") == "https://www.google.com/calendar/event?eid=abc123");
  BOOST_TEST(item.at("created_at") == "2024-04-20T08:00:00.000Z");
  BOOST_TEST(item.at("start") == "2024-05-02T09:00:00-07:00");
  BOOST_TEST(item.at("attendees") == (json::array{"bob@example.com"}));
  const json::object all_day = calendar::event_item(parse(R"({"id":"o1","start":{"date":"2024-05-21"},"end":{"date":"2024-05-22"}})"), true);
  BOOST_TEST(all_day.at("start") == "2024-05-21");
  BOOST_TEST(all_day.at("title").is_null());
  BOOST_TEST(all_day.at("raw").at("id") == "o1");
}

BOOST_AUTO_TEST_CASE(pages_and_limits) {
  const json::object listing = parse(R"({"files":[{"id":"1"},{"id":"2"}],"nextPageToken":"tok"})");
  auto to_item = [](const json::object& f) { return drive::file_item(f, false); };
  const json::object p = page_of(listing, "files", to_item);
  BOOST_TEST(p.at("items").as_array().size() == 2u);
  BOOST_TEST(p.at("next_cursor") == "tok");
  BOOST_TEST(page_of(parse(R"({"kind":"drive#fileList"})"), "files", to_item).at("next_cursor").is_null());

  auto input = [](const char* limit) {
    return Input::parse(std::string(R"({"params":{"limit":")") + limit + R"("},"body":null})");
  };
  BOOST_TEST(Input::parse(R"({"params":{}})").limit(100) == 20);
  BOOST_TEST(input("500").limit(100) == 100);
  BOOST_TEST(input("0").limit(100) == 1);
  BOOST_TEST(input("7").limit(2500) == 7);
  BOOST_CHECK_THROW(input("ten").limit(100), lagentry::BadInput);
  BOOST_CHECK_THROW(input("5x").limit(100), lagentry::BadInput);
  BOOST_CHECK_THROW(Input::parse("[]"), lagentry::BadInput);
  BOOST_CHECK_THROW(Input::parse(R"({"params":{}})").id(), lagentry::BadInput);
}

BOOST_AUTO_TEST_CASE(query_values_are_percent_encoded) {
  Query q;
  q.add("q", "from:bob is:unread").add("pageToken", "").add("x", "a&b=c/é");
  BOOST_TEST(q.str() == "?q=from%3Abob%20is%3Aunread&x=a%26b%3Dc%2F%C3%A9");
  BOOST_TEST(Query().str() == "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(google_statuses_map_to_the_unified_codes) {
  struct Case {
    int upstream;
    int status;
    const char* code;
  };
  for (auto [upstream, status, code] : {Case{400, 400, "invalid_request"}, Case{401, 401, "unauthorized"},
                                        Case{404, 404, "not_found"}, Case{410, 404, "not_found"},
                                        Case{409, 409, "conflict"}, Case{429, 429, "rate_limited"},
                                        Case{500, 502, "upstream_error"}, Case{503, 502, "upstream_error"}}) {
    const ApiError e = mapped(upstream, google_error(upstream, "X", "x"));
    BOOST_TEST(e.status == status, upstream);
    BOOST_TEST(e.code == code, upstream);
    BOOST_TEST(e.details.at("provider_status") == upstream);
    BOOST_TEST(e.details.at("provider_error").at("error").at("message") == "upstream says no");
  }
}

BOOST_AUTO_TEST_CASE(forbidden_is_split_by_reason) {
  const ApiError scope = mapped(403, google_error(403, "PERMISSION_DENIED", "insufficientPermissions"));
  BOOST_TEST(scope.code == "insufficient_scope");
  BOOST_TEST(scope.message.find("https://www.googleapis.com/auth/gmail.modify") != std::string::npos, scope.message);
  BOOST_TEST(mapped(403, google_error(403, "PERMISSION_DENIED", "userRateLimitExceeded")).code == "rate_limited");
  BOOST_TEST(mapped(403, google_error(403, "PERMISSION_DENIED", "forbidden")).code == "forbidden");
  BOOST_TEST(mapped(403, google_error(403, "PERMISSION_DENIED", "forbidden")).status == 403);
}

// The reply envelopes are written as text around the serialized body: they
// must read exactly as serializing the envelope object would.
BOOST_AUTO_TEST_CASE(reply_envelopes_are_the_serialized_objects) {
  namespace common = lagentry::plugin_common;
  const json::value body = json::parse(R"({"labels":[{"id":"L\"1","name":"caf\u00e9 \n"}],"n":1.5,"none":null})");
  BOOST_TEST(common::reply_json(body, 201) == json::serialize(json::object{{"status", 201}, {"body", body}}));
  BOOST_TEST(common::reply_json(nullptr) == R"({"status":200,"body":null})");
  const json::value details = json::object{{"provider_status", 404}, {"provider_error", "<b>\"no\"</b>"}};
  BOOST_TEST(common::error_json(404, "not_found", "no \"such\" label\t\x01", details) ==
             json::serialize(json::object{
                 {"status", 404},
                 {"error", {{"code", "not_found"}, {"message", "no \"such\" label\t\x01"}, {"details", details}}}}));
  BOOST_TEST(common::error_json(502, "upstream_error", "down") ==
             R"({"status":502,"error":{"code":"upstream_error","message":"down"}})");
}

BOOST_AUTO_TEST_CASE(odd_bodies_and_transport_failures) {
  const ApiError text = mapped(502, "<html>Bad Gateway</html>");
  BOOST_TEST(text.code == "upstream_error");
  BOOST_TEST(text.details.at("provider_error") == "<html>Bad Gateway</html>");  // kept verbatim
  const ApiError oauth = mapped(400, R"({"error":"invalid_request","error_description":"Missing field"})");
  BOOST_TEST(oauth.code == "invalid_request");
  BOOST_TEST(oauth.message.find("Missing field") != std::string::npos);
  const ApiError down = mapped(0, "", "timed out");
  BOOST_TEST(down.status == 504);
  BOOST_TEST(down.code == "upstream_unavailable");
  BOOST_TEST(down.message.find("timed out") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
