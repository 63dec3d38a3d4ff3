// Pure functions: ADF, site selection, error mapping, cursors, times, JQL.
#include "adf.hpp"
#include "api.hpp"
#include "bitbucket.hpp"
#include "confluence.hpp"
#include "errors.hpp"
#include "jira.hpp"
#include "site.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

namespace json = boost::json;
using namespace atlassian;

BOOST_AUTO_TEST_SUITE(pure)

BOOST_AUTO_TEST_CASE(adf_from_plain_text) {
  auto doc = adf_from_text("First line\nsecond line\n\nSecond paragraph");
  BOOST_TEST(doc.at("type").as_string() == "doc");
  BOOST_TEST(doc.at("version").as_int64() == 1);
  const auto& paragraphs = doc.at("content").as_array();
  BOOST_REQUIRE_EQUAL(paragraphs.size(), 2u);
  BOOST_TEST(paragraphs.at(0) == json::parse(R"({"type":"paragraph","content":[{"type":"text","text":"First line"},
      {"type":"hardBreak"},{"type":"text","text":"second line"}]})"));
  BOOST_TEST(paragraphs.at(1).at("content").at(0).at("text").as_string() == "Second paragraph");
  BOOST_TEST(adf_from_text("").at("content").as_array().empty());
  BOOST_TEST(adf_from_text("\r\n\r\nx\r\n").at("content").as_array().size() == 1u);
  // And back to text.
  BOOST_TEST(adf_to_text(doc) == "First line\nsecond line\n\nSecond paragraph");
  BOOST_TEST(adf_to_text(json::value(nullptr)).empty());
}

// Jira keeps paragraphs and hard breaks; text read back from what Jira
// returns keeps them too, also inside lists, headings and code blocks.
BOOST_AUTO_TEST_CASE(adf_paragraphs_and_breaks_round_trip) {
  for (const char* text : {"line1\n\npara2", "a\nb\n\nc\nd\n\ne", "one"})
    BOOST_TEST(adf_to_text(adf_from_text(text)) == text);
  // As the Jira editor stores a heading, a list and a paragraph with a mention.
  const auto doc = json::parse(R"({"type":"doc","version":1,"content":[
      {"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Steps"}]},
      {"type":"bulletList","content":[
        {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"first"}]}]},
        {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"second"}]}]}]},
      {"type":"paragraph","content":[{"type":"text","text":"ask "},
        {"type":"mention","attrs":{"id":"557058:1","text":"@Alice"}},{"type":"hardBreak"},{"type":"text","text":"soon"}]},
      {"type":"paragraph","content":[]},
      {"type":"codeBlock","content":[{"type":"text","text":"make test"}]}]})");
  BOOST_TEST(adf_to_text(doc) == "Steps\n\nfirst\nsecond\n\nask @Alice\nsoon\n\nmake test");
}

BOOST_AUTO_TEST_CASE(site_selection) {
  const auto connection = json::parse(R"({"metadata":{"sites":[
      {"id":"11111111-2222-4333-8444-555555555555","name":"acme","url":"https://acme.atlassian.net"},
      {"id":"66666666-7777-4888-9999-000000000000","name":"beta","url":"https://beta.atlassian.net"}]}})");
  auto id_of = [&](std::string_view wanted) { return std::get<Site>(select_site(connection, wanted)).id; };
  BOOST_TEST(id_of("") == "11111111-2222-4333-8444-555555555555");  // the first is the default
  BOOST_TEST(id_of("beta") == "66666666-7777-4888-9999-000000000000");
  BOOST_TEST(id_of("BETA") == "66666666-7777-4888-9999-000000000000");
  BOOST_TEST(id_of("66666666-7777-4888-9999-000000000000") == "66666666-7777-4888-9999-000000000000");
  BOOST_TEST(id_of("https://beta.atlassian.net/") == "66666666-7777-4888-9999-000000000000");
  BOOST_TEST(id_of("beta.atlassian.net") == "66666666-7777-4888-9999-000000000000");
  auto unknown = std::get<Failure>(select_site(connection, "gamma"));
  BOOST_TEST(unknown.status == 400);
  BOOST_TEST(unknown.message.find("acme, beta") != std::string::npos, unknown.message);
  // Found by fuzz_atlassian_plugin: the id went into every URL as it was.
  const auto tricky = json::parse(R"({"metadata":{"sites":[{"id":"..","name":"dots"},{"id":"a/b?c","name":"slash"},
      {"id":"66666666-7777-4888-9999-000000000000","name":"beta"}]}})");
  BOOST_TEST(std::get<Site>(select_site(tricky, "")).id == "66666666-7777-4888-9999-000000000000");
  BOOST_TEST(std::get<Failure>(select_site(tricky, "dots")).status == 400);
  for (const char* none : {R"({})", R"({"metadata":{}})", R"({"metadata":{"sites":[]}})", "null",
                           R"({"metadata":{"sites":[{"id":"../../admin"}]}})"}) {
    auto failure = std::get<Failure>(select_site(json::parse(none), ""));
    BOOST_TEST(failure.status == 409, none);
    BOOST_TEST(failure.code == "no_site");
  }
}

BOOST_AUTO_TEST_CASE(ids_are_single_path_segments) {
  BOOST_TEST(path_segment("id", "EX-1") == "EX-1");
  BOOST_TEST(path_segment("id", "a?c#d") == "a%3Fc%23d");
  BOOST_TEST(path_segment("id", "...") == "...");
  // Found by fuzz_google_plugin: "." and ".." went into URLs as they were.
  for (const char* bad : {"", ".", "..", "a/b"}) BOOST_CHECK_THROW(path_segment("id", bad), lagentry::BadInput);
}

BOOST_AUTO_TEST_CASE(errors_in_each_products_shape) {
  auto jira = classify(404, json::parse(R"({"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}})"));
  BOOST_TEST(jira->status == 404);
  BOOST_TEST(jira->code == "not_found");
  BOOST_TEST(jira->message == "Issue does not exist or you do not have permission to see it.");
  auto fields = classify(400, json::parse(R"({"errorMessages":[],"errors":{"summary":"You must specify a summary of the issue."}})"));
  BOOST_TEST(fields->code == "invalid_request");
  BOOST_TEST(fields->message == "summary: You must specify a summary of the issue.");
  auto confluence = classify(404, json::parse(R"({"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":null}]})"));
  BOOST_TEST(confluence->message == "Not Found");
  auto bitbucket = classify(404, json::parse(R"({"type":"error","error":{"message":"Repository not found"}})"));
  BOOST_TEST(bitbucket->message == "Repository not found");
  auto gateway = classify(401, json::parse(R"({"code":401,"message":"Unauthorized"})"));
  BOOST_TEST(gateway->code == "unauthorized");
  auto scope = classify(401, json::parse(R"({"code":401,"message":"Unauthorized; scope does not match"})"));
  BOOST_TEST(scope->status == 403);
  BOOST_TEST(scope->code == "insufficient_scope");
  BOOST_TEST(classify(403, json::parse(R"({"type":"error","error":{"message":"Your credentials lack one or more required privilege scopes."}})"))->code == "insufficient_scope");
  BOOST_TEST(classify(403, nullptr)->code == "forbidden");
  BOOST_TEST(classify(409, nullptr)->code == "conflict");
  BOOST_TEST(classify(429, nullptr)->status == 429);
  BOOST_TEST(classify(503, nullptr)->status == 502);
  BOOST_TEST(classify(0, nullptr, "connection reset")->status == 504);
  BOOST_TEST(!classify(204, nullptr).has_value());
}

BOOST_AUTO_TEST_CASE(cursors) {
  BOOST_TEST(cursor_from_next_link("/wiki/api/v2/pages?limit=5&body-format=storage&cursor=eyJpZCI6MTJ9%3D%2B") == "eyJpZCI6MTJ9=+");
  BOOST_TEST(cursor_from_next_link("/wiki/api/v2/pages?limit=5").empty());
  BOOST_TEST(cursor_from_next_link("").empty());
  // A cursor that decodes to bytes a JSON string cannot hold (found by fuzz_atlassian_plugin).
  BOOST_CHECK_THROW(cursor_from_next_link("/wiki/api/v2/pages?cursor=bmV%FF4dDoy"), std::runtime_error);
  BOOST_TEST(bitbucket_cursor_url("https://api.bitbucket.org/2.0/repositories/ws?page=2") ==
             "https://api.bitbucket.org/2.0/repositories/ws?page=2");
  for (const char* bad : {"https://evil.example/2.0/x", "http://api.bitbucket.org/2.0/x", "https://api.bitbucket.org.evil/2.0",
                          "https://api.bitbucket.org/2.0/x@evil"})
    BOOST_CHECK_THROW(bitbucket_cursor_url(bad), lagentry::BadInput);
  BOOST_TEST(offset_cursor("40") == 40u);
  BOOST_CHECK_THROW(offset_cursor("4x"), lagentry::BadInput);
  BOOST_CHECK_THROW(offset_cursor(""), lagentry::BadInput);
}

// Issue #11: cursors were checked as string prefixes, so dot segments walked
// out of /2.0/ (and, through a normalising proxy, off api.bitbucket.org).
BOOST_AUTO_TEST_CASE(cursors_keep_the_api_origin_and_path) {
  for (const char* bad : {"https://api.bitbucket.org/2.0/../../evil.example/steal",
                          "https://api.bitbucket.org/2.0/%2e%2e/%2E%2E/evil.example/steal",
                          "https://api.bitbucket.org/2.0/./../../evil.example/steal",
                          "https://api.bitbucket.org/2.0/repositories/a%2F..%2F..%2Fx",
                          "https://api.bitbucket.org/2.0//user", "https://api.bitbucket.org:8443/2.0/user",
                          "https://user@api.bitbucket.org/2.0/user", "https://api.bitbucket.org/2.0/user#x",
                          "https://api.bitbucket.org/2.00/user", "https://API.bitbucket.org.evil.example/2.0/user",
                          "/2.0/user", "not a url"})
    BOOST_CHECK_THROW(bitbucket_cursor_url(bad), lagentry::BadInput);
  try {
    bitbucket_cursor_url("https://api.bitbucket.org/2.0/../x");
  } catch (const lagentry::BadInput& e) {
    BOOST_TEST(std::string(e.what()).find("'cursor'") != std::string::npos, e.what());
  }
  // Confluence: only the cursor of a next link travels on, and only from a link inside the API.
  for (const char* bad : {"https://evil.example/wiki/api/v2/pages?cursor=x", "/wiki/api/v2/../../x?cursor=x",
                          "/wiki/api/v2/%2e%2e/x?cursor=x", "/other/pages?cursor=x", "//evil.example/wiki/api/v2/pages?cursor=x"})
    BOOST_CHECK_THROW(cursor_from_next_link(bad), std::runtime_error);
  // Path segments built from parameters: never empty, "." or "..", whatever else they hold.
  for (const char* bad : {"", ".", "..", "a/../b", "..\\x"}) BOOST_CHECK_THROW(path_segment("workspace", bad), lagentry::BadInput);
  try {
    path_segment("repo", "..");
  } catch (const lagentry::BadInput& e) {
    BOOST_TEST(std::string(e.what()).find("'repo'") != std::string::npos, e.what());
  }
  BOOST_TEST(path_segment("id", "...") == "...");
  BOOST_TEST(path_segment("id", "%2e%2e") == "%252e%252e");
}

BOOST_AUTO_TEST_CASE(times_jql_and_text) {
  BOOST_TEST(utc_time(json::value("2024-05-01T09:00:00.000+0000")) == json::value("2024-05-01T09:00:00Z"));
  BOOST_TEST(utc_time(json::value("2024-05-01T01:30:00.000-0800")) == json::value("2024-05-01T09:30:00Z"));
  BOOST_TEST(utc_time(json::value("2024-03-01T00:30:00.000000+01:00")) == json::value("2024-02-29T23:30:00Z"));
  BOOST_TEST(utc_time(json::value("2024-05-01T09:00:00Z")) == json::value("2024-05-01T09:00:00Z"));
  BOOST_TEST(utc_time(json::value("yesterday")).is_null());
  BOOST_TEST(utc_time(json::value(nullptr)).is_null());

  BOOST_TEST(search_jql("login bug") == R"(text ~ "login bug")");
  BOOST_TEST(search_jql(R"(say "hi")") == R"(text ~ "say \"hi\"")");
  BOOST_TEST(search_jql("project = EX AND status = Done") == "project = EX AND status = Done");
  BOOST_TEST(search_jql("summary ~ deploy") == "summary ~ deploy");

  BOOST_TEST(storage_text("<p>Hi &amp; welcome</p><p>to <b>ops</b></p>") == "Hi & welcome to ops");
  BOOST_TEST(snippet_of("").is_null());
  BOOST_TEST(snippet_of(std::string(300, 'a')).as_string().size() == 203u);
}

BOOST_AUTO_TEST_SUITE_END()
