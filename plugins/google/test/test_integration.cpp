// The Google connectors end to end: the real host with the shipped plugins,
// connected through the real OAuth flow to the provider sandbox, which speaks
// Gmail v1, Drive v3 and Calendar v3 over loopback.
#include "google_json.hpp"

#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oauth_flow.hpp"
#include "tests/support/sandbox_process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <set>

namespace json = boost::json;
using namespace lagentry::test;

namespace {
const std::string kApi = "/api/v1/unified";
const std::string kAs = "user_email=" + kUser;
const std::map<std::string, std::string> kJson = {{"content-type", "application/json"}};

// /api/v1/unified/connectors/<name><rest>, acting for the test user.
std::string connector(const std::string& name, const std::string& rest) {
  return kApi + "/connectors/" + name + rest + (rest.find('?') == std::string::npos ? "?" : "&") + kAs;
}
std::string route(const std::string& rest) {
  return kApi + rest + (rest.find('?') == std::string::npos ? "?" : "&") + kAs;
}

// The OAuth test host with only this plugin: these tests stand on their own.
HostOptions google_host(const SandboxProcess& sandbox) {
  HostOptions options = oauth_host(sandbox);
  options.plugins = {product_plugin_dir() / "google.so"};
  return options;
}

struct Connected {
  SandboxProcess sandbox;
  HostProcess host{google_host(sandbox)};
  HttpClient api{host.port()};
  // Every verb, permanent delete included (the default grant leaves it out).
  Connected() { connect(host, sandbox, "google", kUser, "&connectors=gmail,drive,calendar"); }

  json::value ok(const HttpResult& r, int status = 200) {
    BOOST_REQUIRE_MESSAGE(r.status == status, r.status << " " << r.body << "\n" << host.log());
    return r.json();
  }
  json::value send(const std::string& body) { return ok(api.post_json(route("/gmail/send"), body), 201); }
  json::value patch(const std::string& target, const std::string& body) {
    return ok(api.request("PATCH", target, body, kJson));
  }
};

std::string text(const json::value& v) { return std::string(v.as_string()); }

std::set<std::string> ids_of(const json::value& page) {
  std::set<std::string> ids;
  for (const auto& item : page.at("items").as_array()) ids.insert(text(item.at("id")));
  return ids;
}

bool has_label(const json::value& item, const char* label) {
  const auto& labels = item.at("labels").as_array();
  return std::find(labels.begin(), labels.end(), json::value(label)) != labels.end();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(integration)

BOOST_AUTO_TEST_CASE(gmail_pages_through_all_35_messages) {
  Connected c;
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = c.ok(c.api.get(route("/gmail/emails?limit=10" + (cursor.empty() ? "" : "&cursor=" + google::percent_encode(cursor)))));
    for (const auto& item : page.at("items").as_array()) {
      BOOST_TEST(item.at("type") == "email");
      BOOST_TEST(item.at("title").is_string());
      BOOST_TEST(item.at("from").is_string());
      BOOST_TEST(text(item.at("created_at")).ends_with("Z"));
      BOOST_TEST(text(item.at("url")) == "https://mail.google.com/mail/u/0/#all/" + text(item.at("id")));
      BOOST_TEST(!item.as_object().contains("raw"));
      seen.insert(text(item.at("id")));
    }
    cursor = page.at("next_cursor").is_null() ? "" : text(page.at("next_cursor"));
    ++pages;
  } while (!cursor.empty() && pages < 10);
  BOOST_TEST(seen.size() == 35u);
  BOOST_TEST(pages == 4);

  // The connector endpoint: default page of 20, raw on request.
  auto first = c.ok(c.api.get(connector("gmail", "/items?include_raw=true")));
  BOOST_TEST(first.at("items").as_array().size() == 20u);
  BOOST_TEST(first.at("next_cursor").is_string());
  BOOST_TEST(first.at("items").at(0).at("raw").at("payload").is_object());
  // The list route takes q too.
  auto github = c.ok(c.api.get(route("/gmail/emails?q=" + google::percent_encode("from:noreply@github.com") + "&limit=50")));
  BOOST_TEST(!github.at("items").as_array().empty());
  for (const auto& item : github.at("items").as_array()) BOOST_TEST(text(item.at("from")).find("github.com") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(gmail_test_and_labels) {
  Connected c;
  auto test = c.ok(c.api.get(connector("gmail", "/test")));
  BOOST_TEST(test.at("ok").as_bool());
  BOOST_TEST(text(test.at("account")) == kUser);
  auto labels = c.ok(c.api.get(route("/gmail/labels")));
  std::set<std::string> names;
  for (const auto& l : labels.at("labels").as_array()) names.insert(text(l.at("name")));
  BOOST_TEST(names.count("INBOX") == 1u);
  BOOST_TEST(names.count("Work") == 1u);
}

BOOST_AUTO_TEST_CASE(gmail_send_then_find_and_read_it) {
  Connected c;
  auto sent = c.send(R"({"to":"bob@example.com","subject":"Quarterly zebra report","body":"Numbers are up.\nMore soon.",
                         "cc":["carol@example.org"]})");
  BOOST_TEST(sent.at("title") == "Quarterly zebra report");
  BOOST_TEST(has_label(sent, "SENT"));
  const std::string id = text(sent.at("id"));

  auto found = c.ok(c.api.get(connector("gmail", "/search?q=" + google::percent_encode("subject:zebra in:sent"))));
  BOOST_TEST(ids_of(found).count(id) == 1u);
  auto read = c.ok(c.api.get(connector("gmail", "/items/" + id)));
  BOOST_TEST(read.at("body") == "Numbers are up.\nMore soon.");
  BOOST_TEST(read.at("to") == "bob@example.com");
  BOOST_TEST(read.at("cc") == "carol@example.org");

  // The connector's create is the same send.
  auto created = c.ok(c.api.post_json(connector("gmail", "/items"), R"({"to":"dave@example.com","subject":"Hi","body":"x"})"), 201);
  BOOST_TEST(created.at("id") != sent.at("id"));

  // Header injection is refused before anything is sent.
  auto evil = c.api.post_json(route("/gmail/send"), R"({"to":"bob@example.com","subject":"Hi\r\nBcc: eve@evil.example","body":"x"})");
  BOOST_TEST(evil.status == 400, evil.body);
  BOOST_TEST(evil.error_code() == "invalid_request");
  auto no_one = c.api.post_json(route("/gmail/send"), R"({"subject":"Hi","body":"x"})");
  BOOST_TEST(no_one.status == 400, no_one.body);
}

BOOST_AUTO_TEST_CASE(gmail_labels_trash_and_delete) {
  Connected c;
  auto inbox = c.ok(c.api.get(connector("gmail", "/items?limit=1&q=in:inbox")));
  const std::string id = text(inbox.at("items").at(0).at("id"));
  const std::string item = connector("gmail", "/items/" + id);

  auto labelled = c.patch(item, R"({"add_labels":["Label_1","STARRED"],"remove_labels":["INBOX"]})");
  BOOST_TEST(has_label(labelled, "Label_1"));
  BOOST_TEST(has_label(labelled, "STARRED"));
  BOOST_TEST(!has_label(labelled, "INBOX"));
  auto work = c.ok(c.api.get(connector("gmail", "/search?q=label:Work")));
  BOOST_TEST(ids_of(work).count(id) == 1u);

  auto bad_label = c.api.request("PATCH", item, R"({"add_labels":["Label_404"]})", kJson);
  BOOST_TEST(bad_label.status == 400, bad_label.body);
  BOOST_TEST(bad_label.json().at("error").at("details").at("provider_status") == 400);

  auto trashed = c.patch(item, R"({"trash":true})");
  BOOST_TEST(has_label(trashed, "TRASH"));
  auto listed = c.ok(c.api.get(connector("gmail", "/items?limit=100")));
  BOOST_TEST(ids_of(listed).count(id) == 0u);  // the bin is not listed

  auto deleted = c.ok(c.api.request("DELETE", item));
  BOOST_TEST(deleted == json::parse(R"({"id":")" + id + R"(","deleted":true})"));
  auto gone = c.api.get(item);
  BOOST_TEST(gone.status == 404);
  BOOST_TEST(gone.error_code() == "not_found");
  BOOST_TEST(c.api.request("DELETE", item).status == 404);
}

BOOST_AUTO_TEST_CASE(drive_create_get_list_and_search) {
  Connected c;
  BOOST_TEST(text(c.ok(c.api.get(connector("drive", "/test"))).at("account")) == kUser);
  auto created = c.ok(c.api.post_json(connector("drive", "/items"),
                                      R"({"name":"Zebra migration plan","mimeType":"application/vnd.google-apps.document"})"),
                      201);
  BOOST_TEST(created.at("type") == "file");
  BOOST_TEST(created.at("title") == "Zebra migration plan");
  const std::string id = text(created.at("id"));

  auto got = c.ok(c.api.get(connector("drive", "/items/" + id)));
  BOOST_TEST(got.at("mime_type") == "application/vnd.google-apps.document");
  BOOST_TEST(got.at("created_at").is_string());
  BOOST_TEST(text(got.at("url")).find(id) != std::string::npos);

  auto found = c.ok(c.api.get(connector("drive", "/search?q=zebra")));
  BOOST_TEST(ids_of(found) == std::set<std::string>{id});
  BOOST_TEST(c.ok(c.api.get(connector("drive", "/search?q=" + google::percent_encode("it's")))).at("items").is_array());

  // 30 seeded entries, one in the bin, plus ours: two pages of 20.
  auto first = c.ok(c.api.get(connector("drive", "/items")));
  BOOST_TEST(first.at("items").as_array().size() == 20u);
  auto second = c.ok(c.api.get(connector("drive", "/items?cursor=" + google::percent_encode(text(first.at("next_cursor"))))));
  BOOST_TEST(second.at("items").as_array().size() == 10u);
  BOOST_TEST(second.at("next_cursor").is_null());

  auto missing = c.api.get(connector("drive", "/items/1NoSuchFile"));
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(missing.error_code() == "not_found");
}

// Folders linked to /file/d/<id>/view; Drive opens them at /drive/folders/<id>.
BOOST_AUTO_TEST_CASE(drive_folder_links_open_the_folder) {
  Connected c;
  auto folder = c.ok(c.api.post_json(connector("drive", "/items"),
                                     R"({"name":"Zebra folder","mimeType":"application/vnd.google-apps.folder"})"),
                     201);
  const std::string id = text(folder.at("id"));
  const std::string folder_url = "https://drive.google.com/drive/folders/" + id;
  BOOST_TEST(text(folder.at("url")) == folder_url);
  BOOST_TEST(text(c.ok(c.api.get(connector("drive", "/items/" + id))).at("url")) == folder_url);
}

// Calendar sync tokens through the connector: next_sync_token on the last
// page, sync_token lists the changes, an unknown one is 410 sync_token_expired.
BOOST_AUTO_TEST_CASE(calendar_sync_tokens) {
  Connected c;
  std::string cursor, sync;
  do {
    auto page = c.ok(c.api.get(connector("calendar", "/items?limit=1000" + (cursor.empty() ? "" : "&cursor=" + google::percent_encode(cursor)))));
    cursor = page.at("next_cursor").is_string() ? text(page.at("next_cursor")) : "";
    if (cursor.empty()) sync = text(page.at("next_sync_token"));
  } while (!cursor.empty());
  BOOST_REQUIRE(!sync.empty());
  auto created = c.ok(c.api.post_json(connector("calendar", "/items"),
                                      R"({"summary":"Zebra review","start":{"dateTime":"2024-06-05T15:00:00Z"},
                                          "end":{"dateTime":"2024-06-05T15:30:00Z"}})"),
                      201);
  auto changes = c.ok(c.api.get(connector("calendar", "/items?sync_token=" + google::percent_encode(sync))));
  BOOST_TEST(ids_of(changes) == std::set<std::string>{text(created.at("id"))});
  BOOST_TEST(changes.at("next_sync_token").is_string());
  auto expired = c.api.get(connector("calendar", "/items?sync_token=expired-token"));
  BOOST_TEST(expired.status == 410, expired.body);
  BOOST_TEST(expired.error_code() == "sync_token_expired");
  auto mixed = c.api.get(connector("calendar", "/items?sync_token=x&timeMin=2024-05-01T00:00:00Z"));
  BOOST_TEST(mixed.status == 400, mixed.body);
}

BOOST_AUTO_TEST_CASE(calendar_insert_list_and_delete) {
  Connected c;
  BOOST_TEST(c.ok(c.api.get(connector("calendar", "/test"))).at("ok").as_bool());
  auto created = c.ok(c.api.post_json(connector("calendar", "/items"),
                                      R"({"summary":"Zebra sync","description":"Weekly",
                                          "start":{"dateTime":"2024-06-03T15:00:00Z"},"end":{"dateTime":"2024-06-03T15:30:00Z"},
                                          "attendees":[{"email":"bob@example.com"}]})"),
                      201);
  BOOST_TEST(created.at("type") == "event");
  BOOST_TEST(created.at("title") == "Zebra sync");
  BOOST_TEST(created.at("attendees") == (json::array{"bob@example.com"}));
  const std::string id = text(created.at("id"));

  const std::string june_3 = "/items?timeMin=2024-06-03T00:00:00Z&timeMax=2024-06-04T00:00:00Z";
  BOOST_TEST(ids_of(c.ok(c.api.get(connector("calendar", june_3)))) == std::set<std::string>{id});
  // May has a standup every day and four all-day offsites: pages of 20.
  auto may = c.ok(c.api.get(connector("calendar", "/items?timeMin=2024-05-01T00:00:00Z&timeMax=2024-06-01T00:00:00Z")));
  BOOST_TEST(may.at("items").as_array().size() == 20u);
  BOOST_TEST(may.at("items").at(0).at("title") == "Standup");
  BOOST_TEST(may.at("next_cursor").is_string());

  auto deleted = c.ok(c.api.request("DELETE", connector("calendar", "/items/" + id)));
  BOOST_TEST(deleted.at("deleted").as_bool());
  BOOST_TEST(c.ok(c.api.get(connector("calendar", june_3))).at("items").as_array().empty());
  auto again = c.api.request("DELETE", connector("calendar", "/items/" + id));  // Calendar answers 410 Gone
  BOOST_TEST(again.status == 404, again.body);
  BOOST_TEST(again.json().at("error").at("details").at("provider_status") == 410);

  auto no_end = c.api.post_json(connector("calendar", "/items"), R"({"summary":"x","start":{"dateTime":"2024-06-03T15:00:00Z"}})");
  BOOST_TEST(no_end.status == 400);
}

BOOST_AUTO_TEST_CASE(rate_limit_then_success) {
  Connected c;
  c.sandbox.control("POST", "faults", R"({"origin":"gmail.googleapis.com","status":429,"count":1,"retry_after":1})");
  auto labels = c.api.get(route("/gmail/labels"));
  BOOST_TEST(labels.status == 200, labels.body);  // the host waited Retry-After and retried
  BOOST_TEST(c.sandbox.control("GET", "stats").at("faults_injected") == 1);
}

BOOST_AUTO_TEST_CASE(upstream_500_is_upstream_error) {
  Connected c;
  c.sandbox.control("POST", "faults", R"({"origin":"www.googleapis.com","path_prefix":"/drive","status":500,"count":1})");
  auto failed = c.api.get(connector("drive", "/items"));
  BOOST_TEST(failed.status == 502, failed.body);
  BOOST_TEST(failed.error_code() == "upstream_error");
  BOOST_TEST(failed.json().at("error").at("details").at("provider_status") == 500);
  BOOST_TEST(c.api.get(connector("drive", "/items")).status == 200);  // the fault is spent
}

BOOST_AUTO_TEST_CASE(expired_token_is_refreshed_once) {
  Connected c;
  BOOST_TEST(c.sandbox.control("POST", "tokens/expire", R"({"all":true})").at("expired").as_int64() >= 1);
  auto page = c.api.get(connector("gmail", "/items?limit=5"));
  BOOST_TEST(page.status == 200, page.body);
  BOOST_TEST(page.json().at("items").as_array().size() == 5u);
  BOOST_TEST(c.sandbox.grants("refresh_token") == 1);
  BOOST_TEST(c.api.get(connector("calendar", "/items?limit=1")).status == 200);
  BOOST_TEST(c.sandbox.grants("refresh_token") == 1);  // the new token serves every connector
}

BOOST_AUTO_TEST_SUITE_END()
