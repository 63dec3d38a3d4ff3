// Jira v3, Confluence v2 (per site) and Bitbucket 2.0 APIs.
#include "fixture.hpp"

#include <boost/json/parse.hpp>

#include <set>

using namespace sandbox_test;
namespace json = boost::json;

namespace {
const std::string kJira = "/api.atlassian.com/ex/jira/" + kAcme + "/rest/api/3";
const std::string kWiki = "/api.atlassian.com/ex/confluence/" + kAcme + "/wiki/api/v2";
std::string atlassian_token() {
  return str(atlassian_tokens("read:jira-work write:jira-work read:jira-user read:page:confluence write:page:confluence"),
             "access_token");
}
}  // namespace

BOOST_AUTO_TEST_SUITE(atlassian)

BOOST_FIXTURE_TEST_CASE(jira_projects_and_search_pages, Fresh) {
  auto token = atlassian_token();
  auto projects = sandbox().get(kJira + "/project/search?startAt=0&maxResults=1", token).json();
  BOOST_TEST(projects.at("total").as_int64() == 2);
  BOOST_TEST(!projects.at("isLast").as_bool());
  BOOST_TEST(str(projects, "nextPage").starts_with("https://api.atlassian.com/ex/jira/" + kAcme));
  BOOST_TEST(str(projects.at("values").as_array()[0], "key") == "EX");
  BOOST_TEST(str(sandbox().get(kJira + "/project/OPS", token).json(), "name") == "Operations");
  BOOST_TEST(sandbox().get(kJira + "/project/NOPE", token).status == 404);

  // ids only without fields; pages via nextPageToken until isLast.
  std::set<std::string> ids;
  std::string next;
  int pages = 0;
  for (;;) {
    json::object query{{"jql", "project = EX ORDER BY created DESC"}, {"maxResults", 3}};
    if (!next.empty()) query["nextPageToken"] = next;
    auto page = sandbox().post_json(kJira + "/search/jql", query, token).json();
    for (const auto& issue : page.at("issues").as_array()) {
      BOOST_TEST(issue.as_object().size() == 1u);
      ids.insert(str(issue, "id"));
    }
    ++pages;
    if (page.at("isLast").as_bool()) break;
    next = str(page, "nextPageToken");
  }
  BOOST_TEST(ids.size() == 7u);
  BOOST_TEST(pages == 3);

  auto mine = sandbox().post_json(kJira + "/search/jql", json::object{{"jql", "assignee = currentUser() AND resolution = Unresolved"},
                                                                      {"fields", json::array{"summary", "status"}}}, token).json();
  const auto& issues = mine.at("issues").as_array();
  BOOST_TEST(issues.size() == 4u);
  BOOST_TEST(!str(issues[0].at("fields"), "summary").empty());
  BOOST_TEST(!str(issues[0].at("fields").at("status"), "name").empty());
  BOOST_TEST(!issues[0].at("fields").as_object().contains("assignee"));
  auto bad = sandbox().post_json(kJira + "/search/jql", json::object{{"jql", "bogus = 1"}}, token);
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(bad.json().at("errorMessages").as_array().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(jira_issue_lifecycle, Fresh) {
  auto token = atlassian_token();
  json::object fields{{"project", json::object{{"key", "EX"}}},
                      {"summary", "Created by a test"},
                      {"issuetype", json::object{{"name", "Task"}}},
                      {"description", json::object{{"type", "doc"}, {"version", 1}, {"content", json::array{json::object{{"type", "paragraph"}, {"content", json::array{json::object{{"type", "text"}, {"text", "Body"}}}}}}}}}};
  auto created = sandbox().post_json(kJira + "/issue", json::object{{"fields", fields}}, token);
  BOOST_REQUIRE_EQUAL(created.status, 201);
  auto key = str(created.json(), "key");
  BOOST_TEST(key == "EX-8");
  BOOST_TEST(str(created.json(), "self").starts_with("https://api.atlassian.com/ex/jira/"));
  auto got = sandbox().get(kJira + "/issue/" + key, token).json();
  BOOST_TEST(str(got.at("fields"), "summary") == "Created by a test");
  BOOST_TEST(str(got.at("fields").at("status"), "name") == "To Do");

  auto put = sandbox().put_json(kJira + "/issue/" + key, json::object{{"fields", json::object{{"summary", "Renamed"}}}}, token);
  BOOST_TEST(put.status == 204);
  BOOST_TEST(str(sandbox().get(kJira + "/issue/" + key + "?fields=summary", token).json().at("fields"), "summary") == "Renamed");
  auto invalid = sandbox().post_json(kJira + "/issue", json::object{{"fields", json::object{{"project", json::object{{"key", "NOPE"}}}}}}, token);
  BOOST_TEST(invalid.status == 400);
  BOOST_TEST(invalid.json().at("errors").as_object().contains("summary"));
  BOOST_TEST(sandbox().del(kJira + "/issue/" + key, token).status == 204);
  auto gone = sandbox().get(kJira + "/issue/" + key, token);
  BOOST_TEST(gone.status == 404);
  BOOST_TEST(gone.json().at("errorMessages").as_array()[0].as_string() ==
             "Issue does not exist or you do not have permission to see it.");
  BOOST_TEST(str(sandbox().get(kJira + "/myself", token).json(), "accountType") == "atlassian");
  // Read-only scope cannot write.
  auto reader = str(atlassian_tokens("read:jira-work"), "access_token");
  BOOST_TEST(sandbox().post_json(kJira + "/issue", json::object{{"fields", fields}}, reader).status == 401);
  // Unknown cloud id.
  BOOST_TEST(sandbox().get("/api.atlassian.com/ex/jira/00000000-0000-0000-0000-000000000000/rest/api/3/myself", token).status == 401);
}

// A description of two paragraphs came back as one text node "line1para2".
BOOST_FIXTURE_TEST_CASE(jira_descriptions_keep_paragraphs_and_hard_breaks, Fresh) {
  auto token = atlassian_token();
  const auto description = json::parse(R"({"type":"doc","version":1,"content":[
      {"type":"paragraph","content":[{"type":"text","text":"line1"},{"type":"hardBreak"},{"type":"text","text":"line2"}]},
      {"type":"paragraph","content":[{"type":"text","text":"para2"}]}]})");
  json::object fields{{"project", json::object{{"key", "EX"}}},
                      {"summary", "Two paragraphs"},
                      {"issuetype", json::object{{"name", "Task"}}},
                      {"description", description}};
  auto created = sandbox().post_json(kJira + "/issue", json::object{{"fields", fields}}, token);
  BOOST_REQUIRE_EQUAL(created.status, 201);
  auto got = sandbox().get(kJira + "/issue/" + str(created.json(), "key") + "?fields=description", token).json();
  BOOST_TEST(got.at("fields").at("description") == description);
}

BOOST_FIXTURE_TEST_CASE(confluence_pages, Fresh) {
  auto token = atlassian_token();
  auto first = sandbox().get(kWiki + "/pages?limit=3&body-format=storage", token);
  BOOST_REQUIRE_EQUAL(first.status, 200);
  auto body = first.json();
  BOOST_TEST(body.at("results").as_array().size() == 3u);
  BOOST_TEST(str(body.at("results").as_array()[0].at("body").at("storage"), "representation") == "storage");
  const auto next = str(body.at("_links"), "next");
  BOOST_TEST(next.starts_with("/wiki/api/v2/pages?"));
  BOOST_TEST(first.header("link").find("rel=\"next\"") != std::string::npos);
  BOOST_TEST(str(body.at("_links"), "base") == "https://acme.atlassian.net/wiki");
  // Follow next links to the end: 8 seeded pages.
  std::size_t total = 3;
  std::string link = next;
  while (!link.empty()) {
    auto page = sandbox().get("/api.atlassian.com/ex/confluence/" + kAcme + link, token).json();
    total += page.at("results").as_array().size();
    const auto* n = page.at("_links").as_object().if_contains("next");
    link = n ? std::string(n->as_string()) : "";
  }
  BOOST_TEST(total == 8u);

  auto created = sandbox().post_json(kWiki + "/pages", json::object{{"spaceId", "98765"},
                                                                    {"status", "current"},
                                                                    {"title", "New page"},
                                                                    {"body", json::object{{"representation", "storage"}, {"value", "<p>x</p>"}}}}, token);
  BOOST_REQUIRE_EQUAL(created.status, 200);
  auto id = str(created.json(), "id");
  BOOST_TEST(str(sandbox().get(kWiki + "/pages/" + id, token).json(), "title") == "New page");
  auto missing = sandbox().get(kWiki + "/pages/1", token);
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(str(missing.json().at("errors").as_array()[0], "code") == "NOT_FOUND");
}

BOOST_FIXTURE_TEST_CASE(bitbucket_pages, Fresh) {
  auto token = str(bitbucket_tokens(), "access_token");
  std::string url = "/api.bitbucket.org/2.0/repositories/sandbox-team";
  std::size_t repos = 0;
  int pages = 0;
  for (;;) {
    auto page = sandbox().get(url, token).json();
    BOOST_TEST(page.at("size").as_int64() == 25);
    repos += page.at("values").as_array().size();
    ++pages;
    const auto* next = page.as_object().if_contains("next");
    if (!next) break;
    std::string absolute(next->as_string());
    BOOST_REQUIRE(absolute.starts_with("https://api.bitbucket.org/2.0/"));
    url = "/api.bitbucket.org" + absolute.substr(std::string("https://api.bitbucket.org").size());
  }
  BOOST_TEST(repos == 25u);
  BOOST_TEST(pages == 3);
  auto prs = sandbox().get("/api.bitbucket.org/2.0/repositories/sandbox-team/service-01/pullrequests?pagelen=5", token).json();
  BOOST_TEST(prs.at("size").as_int64() == 9);  // OPEN ones
  BOOST_TEST(str(prs.at("values").as_array()[0], "type") == "pullrequest");
  BOOST_TEST(str(prs, "next").find("pagelen=5") != std::string::npos);
  auto missing = sandbox().get("/api.bitbucket.org/2.0/repositories/sandbox-team/nope", token);
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(str(missing.json(), "type") == "error");
}

BOOST_AUTO_TEST_SUITE_END()
