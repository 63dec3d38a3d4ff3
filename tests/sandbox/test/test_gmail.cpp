// Gmail v1: pagination, q/labelIds filters, formats, send, labels, trash/delete.
#include "fixture.hpp"

#include <set>

using namespace sandbox_test;
namespace json = boost::json;

namespace {
const std::string kMessages = "/gmail.googleapis.com/gmail/v1/users/me/messages";

std::string gmail_token(const std::string& scope = "https://mail.google.com/") {
  return str(google_tokens(scope), "access_token");
}

std::string base64url(const std::string& in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    if (i + 1 < in.size()) out += kAlphabet[(n >> 6) & 63];
    if (i + 2 < in.size()) out += kAlphabet[n & 63];
  }
  return out;
}

std::size_t count(const std::string& token, const std::string& query) {
  return static_cast<std::size_t>(sandbox().get(kMessages + "?" + query, token).json().at("resultSizeEstimate").as_int64());
}
}  // namespace

BOOST_AUTO_TEST_SUITE(gmail)

BOOST_FIXTURE_TEST_CASE(list_pages_through_all_messages, Fresh) {
  auto token = gmail_token("https://www.googleapis.com/auth/gmail.readonly");
  std::set<std::string> ids;
  std::string page_token;
  int pages = 0;
  do {
    auto reply = sandbox().get(kMessages + "?maxResults=10" + (page_token.empty() ? "" : "&pageToken=" + url_encode(page_token)), token);
    BOOST_REQUIRE_EQUAL(reply.status, 200);
    auto body = reply.json().as_object();
    BOOST_TEST(body.at("resultSizeEstimate").as_int64() == 35);
    for (const auto& m : body.at("messages").as_array()) {
      BOOST_TEST(str(m, "id").size() == 16u);
      BOOST_TEST(!str(m, "threadId").empty());
      ids.insert(str(m, "id"));
    }
    page_token = str(body, "nextPageToken");
    ++pages;
  } while (!page_token.empty());
  BOOST_TEST(pages == 4);
  BOOST_TEST(ids.size() == 35u);

  auto none = sandbox().get(kMessages + "?q=" + url_encode("subject:nothing-like-this"), token).json().as_object();
  BOOST_TEST(!none.contains("messages"));
  BOOST_TEST(none.at("resultSizeEstimate").as_int64() == 0);
}

BOOST_FIXTURE_TEST_CASE(search_subset, Fresh) {
  auto token = gmail_token();
  BOOST_TEST(count(token, "q=" + url_encode("from:bob@example.com")) == 7u);
  BOOST_TEST(count(token, "q=" + url_encode("is:unread")) == 11u);
  BOOST_TEST(count(token, "q=" + url_encode("in:inbox")) == 32u);
  BOOST_TEST(count(token, "q=" + url_encode("label:work")) == 14u);
  BOOST_TEST(count(token, "q=" + url_encode("subject:invoice")) == 7u);
  BOOST_TEST(count(token, "q=" + url_encode("to:bob@example.com")) == 3u);  // Alice's replies
  BOOST_TEST(count(token, "q=" + url_encode("from:bob is:unread")) == 3u);
  BOOST_TEST(count(token, "q=Lunch") == 7u);
  BOOST_TEST(count(token, "labelIds=SENT") == 3u);
  BOOST_TEST(count(token, "labelIds=INBOX&labelIds=UNREAD") == 11u);
}

BOOST_FIXTURE_TEST_CASE(get_formats, Fresh) {
  auto token = gmail_token();
  auto id = str(sandbox().get(kMessages + "?maxResults=1", token).json().at("messages").as_array()[0], "id");
  auto full = sandbox().get(kMessages + "/" + id, token).json();
  BOOST_TEST(str(full, "internalDate").size() == 13u);
  BOOST_TEST(!str(full, "snippet").empty());
  const auto& payload = full.at("payload");
  BOOST_TEST(str(payload, "mimeType") == "multipart/alternative");
  BOOST_TEST(str(payload, "partId") == "");
  BOOST_TEST(payload.at("body").at("size").as_int64() == 0);
  const auto& part = payload.at("parts").as_array()[0];
  BOOST_TEST(str(part, "mimeType") == "text/plain");
  BOOST_TEST(str(part, "partId") == "0");
  BOOST_TEST(!str(part.at("body"), "data").empty());

  auto metadata = sandbox().get(kMessages + "/" + id + "?format=metadata&metadataHeaders=From&metadataHeaders=Subject", token).json();
  const auto& headers = metadata.at("payload").at("headers").as_array();
  BOOST_TEST(headers.size() == 2u);
  BOOST_TEST(!metadata.at("payload").as_object().contains("parts"));
  auto minimal = sandbox().get(kMessages + "/" + id + "?format=minimal", token).json().as_object();
  BOOST_TEST(!minimal.contains("payload"));
  BOOST_TEST(minimal.at("labelIds").as_array().size() >= 1u);
  auto raw = sandbox().get(kMessages + "/" + id + "?format=raw", token).json().as_object();
  BOOST_TEST(!str(raw, "raw").empty());
  BOOST_TEST(!raw.contains("payload"));

  auto missing = sandbox().get(kMessages + "/0000000000000000", token);
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(str(missing.json().at("error"), "status") == "NOT_FOUND");
}

BOOST_FIXTURE_TEST_CASE(send_and_read_back, Fresh) {
  auto token = gmail_token("https://www.googleapis.com/auth/gmail.send");
  const std::string mail = "From: alice@example.com\r\nTo: carol@example.org\r\nSubject: Sandbox hello\r\n\r\nHi Carol!\r\n";
  auto sent = sandbox().post_json(kMessages + "/send", json::object{{"raw", base64url(mail)}}, token);
  BOOST_REQUIRE_EQUAL(sent.status, 200);
  auto body = sent.json();
  BOOST_TEST(body.at("labelIds").as_array().size() == 1u);
  BOOST_TEST(body.at("labelIds").as_array()[0].as_string() == "SENT");
  BOOST_TEST(str(body, "threadId") == str(body, "id"));
  // gmail.send cannot read; a read token sees it.
  BOOST_TEST(sandbox().get(kMessages + "/" + str(body, "id"), token).status == 403);
  auto reader = gmail_token();
  auto got = sandbox().get(kMessages + "/" + str(body, "id"), reader).json();
  BOOST_TEST(str(got, "snippet") == "Hi Carol!");
  BOOST_TEST(count(reader, "q=" + url_encode("subject:\"Sandbox hello\"")) == 1u);
  BOOST_TEST(sandbox().post_json(kMessages + "/send", json::object{}, token).status == 400);
}

BOOST_FIXTURE_TEST_CASE(labels_modify_trash_delete, Fresh) {
  auto token = gmail_token();
  auto labels = sandbox().get("/gmail.googleapis.com/gmail/v1/users/me/labels", token).json().at("labels").as_array();
  BOOST_TEST(labels.size() == 10u);
  auto id = str(sandbox().get(kMessages + "?q=is:unread&maxResults=1", token).json().at("messages").as_array()[0], "id");
  auto modified = sandbox().post_json(kMessages + "/" + id + "/modify",
                                      json::object{{"addLabelIds", json::array{"STARRED"}}, {"removeLabelIds", json::array{"UNREAD"}}}, token);
  BOOST_REQUIRE_EQUAL(modified.status, 200);
  BOOST_TEST(count(token, "q=is:unread") == 10u);
  BOOST_TEST(sandbox().post_json(kMessages + "/" + id + "/modify", json::object{{"addLabelIds", json::array{"Nope"}}}, token).status == 400);
  BOOST_TEST(sandbox().post_json(kMessages + "/" + id + "/trash", json::object{}, token).status == 200);
  BOOST_TEST(count(token, "") == 34u);  // trash is hidden by default
  BOOST_TEST(count(token, "includeSpamTrash=true") == 35u);
  BOOST_TEST(sandbox().del(kMessages + "/" + id, token).status == 204);
  BOOST_TEST(sandbox().get(kMessages + "/" + id, token).status == 404);
  // Deleting needs the full mail scope.
  auto modify_only = gmail_token("https://www.googleapis.com/auth/gmail.modify");
  auto other = str(sandbox().get(kMessages + "?maxResults=1", token).json().at("messages").as_array()[0], "id");
  BOOST_TEST(sandbox().del(kMessages + "/" + other, modify_only).status == 403);
}

BOOST_AUTO_TEST_SUITE_END()
