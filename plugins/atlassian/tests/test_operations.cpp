// Atlassian operations through the real plugin library and the host's real
// loader, answered in Jira, Confluence and Bitbucket's exact wire formats.
#include "plugin_driver.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using atlassian_test::LoadedAtlassian;
using atlassian_test::site_input;
namespace json = boost::json;

namespace {
const std::string kAcmeJira = "https://api.atlassian.com/ex/jira/11111111-2222-4333-8444-555555555555/rest/api/3/";
const std::string kBetaJira = "https://api.atlassian.com/ex/jira/66666666-7777-4888-9999-000000000000/rest/api/3/";
const std::string kIssue = R"({"id":"10002","key":"EX-1","self":"https://api.atlassian.com/ex/jira/x/rest/api/3/issue/10002",
  "fields":{"summary":"Fix login","status":{"name":"Open"},"issuetype":{"name":"Bug"},"priority":{"name":"High"},
  "created":"2024-05-01T09:00:00.000+0000","updated":"2024-05-02T10:30:00.000+0100",
  "assignee":{"accountId":"5b10","displayName":"Alice Example"},"project":{"id":"10000","key":"EX"},
  "description":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Users cannot log in"}]}]}}})";
}  // namespace

BOOST_AUTO_TEST_SUITE(operations)

BOOST_AUTO_TEST_CASE(manifest_and_the_sites_hook) {
  LoadedAtlassian loaded;
  const auto& manifest = loaded.plugin->manifest();
  for (const char* name : {"jira-issues", "jira-projects", "confluence-pages", "bitbucket-repositories", "bitbucket-pullrequests"})
    BOOST_TEST(manifest.find_connector(name) != nullptr, name);
  BOOST_TEST(manifest.find_connector("bitbucket-repositories")->provider == "bitbucket");
  BOOST_TEST(manifest.find_connector("jira-issues")->provider == "atlassian");
  BOOST_TEST(manifest.routes.size() == 3u);
  auto sites = loaded.start("atlassian.sites", "{}");
  BOOST_TEST(sites.url() == "https://api.atlassian.com/oauth/token/accessible-resources");
  sites.answer(200, R"([{"id":"c1","name":"acme","url":"https://acme.atlassian.net","scopes":[],"avatarUrl":"x"}])");
  BOOST_TEST(sites.reply().at("body").at("sites").at(0).at("id").as_string() == "c1");
}

BOOST_AUTO_TEST_CASE(issue_list_pages_with_next_page_token) {
  LoadedAtlassian loaded;
  auto list = loaded.start("jira-issues.list", site_input(R"({"project":"EX","limit":"2","cursor":"CAEaAggD"})"));
  BOOST_TEST(list.request().at("method").as_string() == "POST");
  BOOST_TEST(list.url() == kAcmeJira + "search/jql");
  auto sent = list.sent_body();
  BOOST_TEST(sent.at("jql").as_string() == R"(project = "EX" ORDER BY created DESC)");
  BOOST_TEST(sent.at("maxResults").as_int64() == 2);
  BOOST_TEST(sent.at("nextPageToken").as_string() == "CAEaAggD");
  BOOST_TEST(sent.at("fields").as_array().size() > 3u);
  list.answer(200, R"({"isLast":false,"nextPageToken":"CAEaAggE","issues":[)" + kIssue + "]}");
  auto page = list.reply().at("body").as_object();
  BOOST_TEST(page.at("next_cursor").as_string() == "CAEaAggE");
  const auto& item = page.at("items").at(0).as_object();
  BOOST_TEST(item.at("id").as_string() == "10002");
  BOOST_TEST(item.at("key").as_string() == "EX-1");
  BOOST_TEST(item.at("title").as_string() == "Fix login");
  BOOST_TEST(item.at("snippet").as_string() == "Users cannot log in");
  BOOST_TEST(item.at("url").as_string() == "https://acme.atlassian.net/browse/EX-1");
  BOOST_TEST(item.at("created_at").as_string() == "2024-05-01T09:00:00Z");
  BOOST_TEST(item.at("updated_at").as_string() == "2024-05-02T09:30:00Z");
  BOOST_TEST(item.at("status").as_string() == "Open");
  BOOST_TEST(item.at("assignee").as_string() == "Alice Example");

  auto last = loaded.start("jira-issues.list", site_input("{}"));
  last.answer(200, R"({"isLast":true,"issues":[]})");
  BOOST_TEST(last.reply().at("body").at("next_cursor").is_null());
}

BOOST_AUTO_TEST_CASE(search_routes_and_the_site_param) {
  LoadedAtlassian loaded;
  auto text = loaded.start("jira-issues.search", site_input(R"({"q":"login bug","site":"beta"})"));
  BOOST_TEST(text.url() == kBetaJira + "search/jql");
  BOOST_TEST(text.sent_body().at("jql").as_string() == R"(text ~ "login bug")");
  auto jql = loaded.start("jira-issues.search", site_input(R"({"q":"status = Done"})"));
  BOOST_TEST(jql.sent_body().at("jql").as_string() == "status = Done");
  auto mine = loaded.start("jira.my_issues", site_input("{}"));
  BOOST_TEST(mine.sent_body().at("jql").as_string().starts_with("assignee = currentUser() AND resolution = Unresolved"));
  auto project = loaded.start("jira.project_issues", site_input(R"({"id":"OPS"})"));
  BOOST_TEST(project.sent_body().at("jql").as_string().starts_with(R"(project = "OPS")"));

  auto no_sites = loaded.start("jira-issues.list", R"({"params":{},"connection":{"metadata":{}}})");
  BOOST_TEST(no_sites.reply().at("status").as_int64() == 409);
  auto unknown = loaded.start("jira-issues.list", site_input(R"({"site":"gamma"})"));
  BOOST_TEST(unknown.reply().at("status").as_int64() == 400);
  BOOST_TEST(loaded.plugin->invoke("jira-issues.search", site_input("{}")).code == LG_ERR_BAD_INPUT);
}

BOOST_AUTO_TEST_CASE(create_update_delete_get_issue) {
  LoadedAtlassian loaded;
  auto create = loaded.start("jira-issues.create",
                             site_input("{}", R"({"project":"EX","summary":"New one","description":"Line one\nLine two"})"));
  BOOST_TEST(create.url() == kAcmeJira + "issue");
  auto fields = create.sent_body().at("fields");
  BOOST_TEST(fields.at("project").at("key").as_string() == "EX");
  BOOST_TEST(fields.at("issuetype").at("name").as_string() == "Task");
  BOOST_TEST(fields.at("description").at("type").as_string() == "doc");
  BOOST_TEST(fields.at("description").at("content").at(0).at("content").at(1).at("type").as_string() == "hardBreak");
  create.answer(201, R"({"id":"10002","key":"EX-1","self":"x"})");
  BOOST_TEST(create.url().starts_with(kAcmeJira + "issue/10002?fields="));
  create.answer(200, kIssue);
  BOOST_TEST(create.reply().at("status").as_int64() == 201);
  BOOST_TEST(create.reply().at("body").at("key").as_string() == "EX-1");

  auto update = loaded.start("jira-issues.update", site_input(R"({"id":"EX-1"})", R"({"summary":"Renamed"})"));
  BOOST_TEST(update.request().at("method").as_string() == "PUT");
  BOOST_TEST(update.url() == kAcmeJira + "issue/EX-1");
  BOOST_TEST(update.sent_body() == json::parse(R"({"fields":{"summary":"Renamed"}})"));
  update.answer(204, "");
  BOOST_TEST(update.request().at("method").as_string() == "GET");
  update.answer(200, kIssue);
  BOOST_TEST(update.reply().at("status").as_int64() == 200);

  auto remove = loaded.start("jira-issues.delete", site_input(R"({"id":"EX-1"})"));
  BOOST_TEST(remove.request().at("method").as_string() == "DELETE");
  remove.answer(204, "");
  BOOST_TEST(remove.reply().at("body") == json::parse(R"({"id":"EX-1","deleted":true})"));

  auto missing = loaded.start("jira-issues.get", site_input(R"({"id":"EX-99"})"));
  missing.answer(404, R"({"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}})");
  BOOST_TEST(missing.reply().at("status").as_int64() == 404);
  BOOST_TEST(missing.reply().at("error").at("details").at("provider_status").as_int64() == 404);

  auto invalid = loaded.start("jira-issues.create", site_input("{}", R"({"project":"EX","summary":" "})"));
  invalid.answer(400, R"({"errorMessages":[],"errors":{"summary":"You must specify a summary of the issue."}})");
  BOOST_TEST(invalid.reply().at("status").as_int64() == 400);
  BOOST_TEST(loaded.plugin->invoke("jira-issues.create", site_input("{}", R"({"summary":"x"})")).code == LG_ERR_BAD_INPUT);
  BOOST_TEST(loaded.plugin->invoke("jira-issues.update", site_input(R"({"id":"EX-1"})", "{}")).code == LG_ERR_BAD_INPUT);
}

BOOST_AUTO_TEST_CASE(projects_page_with_start_at) {
  LoadedAtlassian loaded;
  auto list = loaded.start("jira-projects.list", site_input(R"({"limit":"1","cursor":"1"})"));
  BOOST_TEST(list.url() == kAcmeJira + "project/search?startAt=1&maxResults=1");
  list.answer(200, R"({"self":"x","nextPage":"y","maxResults":1,"startAt":1,"total":3,"isLast":false,"values":[
      {"id":"10001","key":"OPS","name":"Operations","self":"z","projectTypeKey":"software","simplified":false,"style":"classic"}]})");
  auto page = list.reply().at("body");
  BOOST_TEST(page.at("next_cursor").as_string() == "2");
  BOOST_TEST(page.at("items").at(0).at("title").as_string() == "Operations");
  BOOST_TEST(page.at("items").at(0).at("url").as_string() == "https://acme.atlassian.net/browse/OPS");
  BOOST_TEST(loaded.plugin->invoke("jira-projects.list", site_input(R"({"cursor":"abc"})")).code == LG_ERR_BAD_INPUT);

  auto test = loaded.start("jira-projects.test", site_input("{}"));
  BOOST_TEST(test.url() == kAcmeJira + "myself");
  test.answer(200, R"({"accountId":"5b10","accountType":"atlassian","active":true,"displayName":"Alice Example",
                       "emailAddress":"alice@example.com","timeZone":"Europe/London"})");
  BOOST_TEST(test.reply().at("body").at("account").as_string() == "alice@example.com");
}

BOOST_AUTO_TEST_CASE(confluence_pages_with_link_cursors) {
  LoadedAtlassian loaded;
  const std::string base = "https://api.atlassian.com/ex/confluence/11111111-2222-4333-8444-555555555555/wiki/api/v2/";
  auto list = loaded.start("confluence-pages.list", site_input(R"({"limit":"1","cursor":"a+b/c="})"));
  BOOST_TEST(list.url() == base + "pages?limit=1&body-format=storage&cursor=a%2Bb%2Fc%3D");
  list.answer(200, R"({"results":[{"id":"123456","status":"current","title":"Runbook","spaceId":"98765",
      "createdAt":"2024-05-01T09:00:00.000Z","version":{"number":3,"createdAt":"2024-05-03T09:00:00.000Z"},
      "body":{"storage":{"representation":"storage","value":"<p>Hi</p>"}},
      "_links":{"webui":"/spaces/ENG/pages/123456/Runbook"}}],
      "_links":{"next":"/wiki/api/v2/pages?limit=1&cursor=eyJpZCI6MTJ9%3D","base":"https://acme.atlassian.net/wiki"}})");
  auto page = list.reply().at("body");
  BOOST_TEST(page.at("next_cursor").as_string() == "eyJpZCI6MTJ9=");
  const auto& item = page.at("items").at(0);
  BOOST_TEST(item.at("url").as_string() == "https://acme.atlassian.net/wiki/spaces/ENG/pages/123456/Runbook");
  BOOST_TEST(item.at("snippet").as_string() == "Hi");
  BOOST_TEST(item.at("updated_at").as_string() == "2024-05-03T09:00:00Z");

  auto create = loaded.start("confluence-pages.create", site_input("{}", R"({"space_id":"98765","title":"New","text":"a < b"})"));
  BOOST_TEST(create.url() == base + "pages");
  BOOST_TEST(create.sent_body().at("body").at("value").as_string() == "<p>a &lt; b</p>");
  create.answer(200, R"({"id":"9","status":"current","title":"New","spaceId":"98765","_links":{"webui":"/x"}})");
  BOOST_TEST(create.reply().at("status").as_int64() == 201);
  BOOST_TEST(loaded.plugin->invoke("confluence-pages.create", site_input("{}", R"({"title":"x"})")).code == LG_ERR_BAD_INPUT);

  auto get = loaded.start("confluence-pages.get", site_input(R"({"id":"404"})"));
  get.answer(404, R"({"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":null}]})");
  BOOST_TEST(get.reply().at("error").at("code").as_string() == "not_found");
}

BOOST_AUTO_TEST_CASE(bitbucket_pages_with_next_urls) {
  LoadedAtlassian loaded;
  const std::string input = R"({"params":{"workspace":"sandbox-team","limit":"10"},"provider":"bitbucket"})";
  auto list = loaded.start("bitbucket-repositories.list", input);  // no sites needed
  BOOST_TEST(list.url() == "https://api.bitbucket.org/2.0/repositories/sandbox-team?pagelen=10");
  list.answer(200, R"({"pagelen":10,"size":25,"page":1,"next":"https://api.bitbucket.org/2.0/repositories/sandbox-team?page=2&pagelen=10",
      "values":[{"type":"repository","full_name":"sandbox-team/service-01","name":"service-01","slug":"service-01",
      "description":"","is_private":true,"language":"go","created_on":"2024-01-01T00:00:00.000000+00:00",
      "updated_on":"2024-02-01T00:00:00.000000+00:00","links":{"html":{"href":"https://bitbucket.org/sandbox-team/service-01"}}}]})");
  auto page = list.reply().at("body");
  const std::string next(page.at("next_cursor").as_string());
  BOOST_TEST(next == "https://api.bitbucket.org/2.0/repositories/sandbox-team?page=2&pagelen=10");
  BOOST_TEST(page.at("items").at(0).at("id").as_string() == "sandbox-team:service-01");
  BOOST_TEST(page.at("items").at(0).at("full_name").as_string() == "sandbox-team/service-01");
  BOOST_TEST(page.at("items").at(0).at("snippet").is_null());
  BOOST_TEST(page.at("items").at(0).at("created_at").as_string() == "2024-01-01T00:00:00Z");
  auto second = loaded.start("bitbucket-repositories.list",
                             R"({"params":{"workspace":"sandbox-team","cursor":")" + next + R"("}})");
  BOOST_TEST(second.url() == next);
  BOOST_TEST(loaded.plugin->invoke("bitbucket-repositories.list",
                                   R"({"params":{"workspace":"w","cursor":"https://evil.example/steal"}})").code == LG_ERR_BAD_INPUT);

  auto prs = loaded.start("bitbucket-pullrequests.list",
                          R"({"params":{"workspace":"sandbox-team","repo":"service-01","state":"MERGED"}})");
  BOOST_TEST(prs.url() == "https://api.bitbucket.org/2.0/repositories/sandbox-team/service-01/pullrequests?state=MERGED&pagelen=20");
  prs.answer(200, R"({"pagelen":20,"size":1,"page":1,"values":[{"type":"pullrequest","id":7,"title":"Add cache",
      "state":"MERGED","author":{"display_name":"Alice Example"},"source":{"branch":{"name":"feature/cache"}},
      "destination":{"branch":{"name":"main"}},"created_on":"2024-01-01T00:00:00.000000+00:00",
      "updated_on":"2024-01-02T00:00:00.000000+00:00","links":{"self":{"href":"x"}}}]})");
  auto pr = prs.reply().at("body").at("items").at(0);
  BOOST_TEST(pr.at("id").as_string() == "7");
  BOOST_TEST(pr.at("url").as_string() == "https://bitbucket.org/sandbox-team/service-01/pull-requests/7");
  BOOST_TEST(pr.at("source_branch").as_string() == "feature/cache");
  BOOST_TEST(prs.reply().at("body").at("next_cursor").is_null());

  auto missing = loaded.start("bitbucket-repositories.get", R"({"params":{"id":"sandbox-team:nope"}})");
  BOOST_TEST(missing.url() == "https://api.bitbucket.org/2.0/repositories/sandbox-team/nope");
  missing.answer(404, R"({"type":"error","error":{"message":"Repository not found"}})");
  BOOST_TEST(missing.reply().at("error").at("message").as_string() == "Repository not found");
}

BOOST_AUTO_TEST_SUITE_END()
