// Drive v3 files and Calendar v3 events.
#include "fixture.hpp"

using namespace sandbox_test;
namespace json = boost::json;

namespace {
const std::string kFiles = "/www.googleapis.com/drive/v3/files";
const std::string kEvents = "/www.googleapis.com/calendar/v3/calendars/primary/events";
}  // namespace

BOOST_AUTO_TEST_SUITE(drive_calendar)

BOOST_FIXTURE_TEST_CASE(drive_list_query_fields_create, Fresh) {
  auto token = str(google_tokens("https://www.googleapis.com/auth/drive"), "access_token");
  std::size_t seen = 0;
  std::string page_token;
  int pages = 0;
  do {
    auto page = sandbox().get(kFiles + "?pageSize=10" + (page_token.empty() ? "" : "&pageToken=" + url_encode(page_token)), token).json();
    BOOST_TEST(str(page, "kind") == "drive#fileList");
    for (const auto& f : page.at("files").as_array()) {
      BOOST_TEST(f.as_object().size() == 4u);  // default: kind, id, name, mimeType
      ++seen;
    }
    page_token = str(page, "nextPageToken");
    ++pages;
  } while (!page_token.empty());
  BOOST_TEST(seen == 30u);
  BOOST_TEST(pages == 3);

  auto projected = sandbox().get(kFiles + "?pageSize=2&fields=" + url_encode("nextPageToken,files(id,name,modifiedTime)"), token).json();
  BOOST_TEST(projected.as_object().size() == 2u);
  BOOST_TEST(projected.at("files").as_array()[0].as_object().size() == 3u);
  BOOST_TEST(!str(projected.at("files").as_array()[0], "modifiedTime").empty());

  auto pdfs = sandbox().get(kFiles + "?q=" + url_encode("mimeType = 'application/pdf' and trashed = false"), token).json();
  BOOST_TEST(pdfs.at("files").as_array().size() == 7u);
  auto in_folder = sandbox().get(kFiles + "?q=" + url_encode("'1SbxFolderProjects' in parents"), token).json();
  BOOST_TEST(in_folder.at("files").as_array().size() == 7u);
  auto named = sandbox().get(kFiles + "?q=" + url_encode("name contains 'Budget'"), token).json();
  BOOST_TEST(named.at("files").as_array().size() == 7u);
  BOOST_TEST(sandbox().get(kFiles + "?q=" + url_encode("bogus ~ 1"), token).status == 400);

  auto created = sandbox().post_json(kFiles, json::object{{"name", "Notes"}, {"mimeType", "application/vnd.google-apps.document"}}, token);
  BOOST_REQUIRE_EQUAL(created.status, 200);
  auto id = str(created.json(), "id");
  auto got = sandbox().get(kFiles + "/" + id + "?fields=id,name,parents", token).json();
  BOOST_TEST(str(got, "name") == "Notes");
  BOOST_TEST(got.at("parents").as_array()[0].as_string() == "root");
  BOOST_TEST(sandbox().get(kFiles + "/nope", token).status == 404);
  // Web links as Drive gives them: folders and Docs have their own addresses (folders were /file/d/).
  auto folder = sandbox().get(kFiles + "/1SbxFolderProjects?fields=webViewLink", token).json();
  BOOST_TEST(str(folder, "webViewLink") == "https://drive.google.com/drive/folders/1SbxFolderProjects");
  auto doc = sandbox().get(kFiles + "/" + id + "?fields=webViewLink", token).json();
  BOOST_TEST(str(doc, "webViewLink").starts_with("https://docs.google.com/document/d/" + id + "/edit"));
  auto gmail = str(google_tokens("https://www.googleapis.com/auth/gmail.readonly"), "access_token");
  BOOST_TEST(sandbox().get(kFiles, gmail).status == 403);
}

BOOST_FIXTURE_TEST_CASE(calendar_window_pages_insert_delete, Fresh) {
  auto token = str(google_tokens("https://www.googleapis.com/auth/calendar"), "access_token");
  const std::string window = "timeMin=" + url_encode("2024-05-10T00:00:00Z") + "&timeMax=" + url_encode("2024-05-20T00:00:00+00:00");
  std::size_t seen = 0;
  std::string page_token;
  json::value last;
  do {
    last = sandbox().get(kEvents + "?" + window + "&maxResults=4&singleEvents=true&orderBy=startTime" +
                         (page_token.empty() ? "" : "&pageToken=" + url_encode(page_token)), token).json();
    BOOST_TEST(str(last, "kind") == "calendar#events");
    for (const auto& e : last.at("items").as_array()) {
      BOOST_TEST(str(e.at("start"), "dateTime").starts_with("2024-05-1"));
      ++seen;
    }
    page_token = str(last, "nextPageToken");
  } while (!page_token.empty());
  BOOST_TEST(seen == 10u);  // one standup a day
  BOOST_TEST(!str(last, "nextSyncToken").empty());

  auto all_day = sandbox().get(kEvents + "?q=Offsite", token).json();
  BOOST_TEST(all_day.at("items").as_array().size() == 4u);
  BOOST_TEST(str(all_day.at("items").as_array()[0].at("start"), "date") == "2024-05-21");

  auto inserted = sandbox().post_json(kEvents, json::object{{"summary", "Review"},
                                                            {"start", json::object{{"dateTime", "2024-06-01T10:00:00-07:00"}}},
                                                            {"end", json::object{{"dateTime", "2024-06-01T11:00:00-07:00"}}},
                                                            {"attendees", json::array{json::object{{"email", "bob@example.com"}}}}}, token);
  BOOST_REQUIRE_EQUAL(inserted.status, 200);
  auto event = inserted.json();
  BOOST_TEST(str(event.at("start"), "dateTime") == "2024-06-01T17:00:00Z");
  BOOST_TEST(str(event.at("attendees").as_array()[0], "responseStatus") == "needsAction");
  auto id = str(event, "id");
  auto fetched = sandbox().get(kEvents + "/" + id, token);  // events.get
  BOOST_REQUIRE_EQUAL(fetched.status, 200);
  BOOST_TEST(str(fetched.json(), "summary") == "Review");
  BOOST_TEST(sandbox().get(kEvents + "/nosuchevent", token).status == 404);
  BOOST_TEST(sandbox().del(kEvents + "/" + id, token).status == 204);
  BOOST_TEST(sandbox().del(kEvents + "/" + id, token).status == 410);
  BOOST_TEST(sandbox().get(kEvents + "/" + id, token).status == 410);
  BOOST_TEST(sandbox().get("/www.googleapis.com/calendar/v3/calendars/someone@else.com/events", token).status == 404);
}

// events.list gave a nextSyncToken but did not accept syncToken.
BOOST_FIXTURE_TEST_CASE(calendar_incremental_sync_and_410, Fresh) {
  auto token = str(google_tokens("https://www.googleapis.com/auth/calendar"), "access_token");
  auto full = sandbox().get(kEvents + "?maxResults=2500", token).json();
  BOOST_TEST(!full.as_object().contains("nextPageToken"));
  const std::string first = str(full, "nextSyncToken");
  BOOST_REQUIRE(!first.empty());
  auto unchanged = sandbox().get(kEvents + "?syncToken=" + url_encode(first), token).json();
  BOOST_TEST(unchanged.at("items").as_array().empty());
  BOOST_TEST(str(unchanged, "nextSyncToken") == first);

  auto inserted = sandbox().post_json(kEvents, json::object{{"summary", "Synced"},
                                                            {"start", json::object{{"dateTime", "2024-06-02T10:00:00Z"}}},
                                                            {"end", json::object{{"dateTime", "2024-06-02T11:00:00Z"}}}}, token);
  BOOST_REQUIRE_EQUAL(inserted.status, 200);
  const std::string id = str(inserted.json(), "id");
  auto changes = sandbox().get(kEvents + "?syncToken=" + url_encode(first), token).json();
  BOOST_REQUIRE_EQUAL(changes.at("items").as_array().size(), 1u);
  BOOST_TEST(str(changes.at("items").as_array()[0], "id") == id);
  const std::string second = str(changes, "nextSyncToken");
  BOOST_TEST(second != first);

  BOOST_TEST(sandbox().del(kEvents + "/" + id, token).status == 204);
  auto deleted = sandbox().get(kEvents + "?syncToken=" + url_encode(second), token).json();
  BOOST_REQUIRE_EQUAL(deleted.at("items").as_array().size(), 1u);
  BOOST_TEST(str(deleted.at("items").as_array()[0], "status") == "cancelled");

  auto expired = sandbox().get(kEvents + "?syncToken=not-a-token-we-gave", token);
  BOOST_TEST(expired.status == 410);
  BOOST_TEST(str(expired.json().at("error").at("errors").as_array()[0], "reason") == "fullSyncRequired");
  auto mixed = sandbox().get(kEvents + "?syncToken=" + url_encode(second) + "&timeMin=" + url_encode("2024-05-01T00:00:00Z"), token);
  BOOST_TEST(mixed.status == 400);
}

BOOST_AUTO_TEST_SUITE_END()
