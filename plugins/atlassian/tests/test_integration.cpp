// The Atlassian connectors end to end: the real host with the shipped
// plugins, connected through the real OAuth flows (Atlassian 3LO with the
// sites hook, and Bitbucket) to the provider sandbox.
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

std::string with_user(const std::string& target) {
  return target + (target.find('?') == std::string::npos ? "?" : "&") + kAs;
}
std::string connector(const std::string& name, const std::string& rest) {
  return with_user(kApi + "/connectors/" + name + rest);
}

struct Connected {
  SandboxProcess sandbox;
  HostProcess host{oauth_host(sandbox)};
  HttpClient api{host.port()};
  explicit Connected(const char* provider = "atlassian") { connect(host, sandbox, provider); }

  json::value ok(const std::string& target, int status = 200) {
    auto r = api.get(target);
    BOOST_REQUIRE_MESSAGE(r.status == status, target << " -> " << r.status << " " << r.body);
    return r.json();
  }
  // Follows next_cursor from `first` (a target ending in a query); returns every item id and the page count.
  std::pair<std::set<std::string>, int> all_pages(const std::string& first) {
    std::set<std::string> ids;
    std::string cursor;
    int pages = 0;
    do {
      auto page = ok(first + (cursor.empty() ? "" : "&cursor=" + cursor));
      for (const auto& item : page.at("items").as_array()) ids.insert(std::string(item.at("id").as_string()));
      const auto& next = page.at("next_cursor");
      cursor = next.is_null() ? "" : encode(next.as_string());
      ++pages;
    } while (!cursor.empty() && pages < 20);
    return {ids, pages};
  }
  static std::string encode(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
      else out += {'%', hex[c >> 4], hex[c & 15]};
    }
    return out;
  }
};

std::set<std::string> values_of(const json::value& page, const char* field) {
  std::set<std::string> out;
  for (const auto& item : page.at("items").as_array()) out.insert(std::string(item.at(field).as_string()));
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(integration)

BOOST_AUTO_TEST_CASE(jira_routes) {
  Connected c;
  auto projects = c.ok(with_user(kApi + "/jira/projects"));
  BOOST_TEST((values_of(projects, "key") == std::set<std::string>{"EX", "OPS"}));
  auto issues = c.ok(with_user(kApi + "/jira/projects/EX/issues"));
  BOOST_TEST(issues.at("items").as_array().size() == 7u);
  for (const auto& item : issues.at("items").as_array()) BOOST_TEST(item.at("key").as_string().starts_with("EX-"));
  auto mine = c.ok(with_user(kApi + "/jira/my-issues"));
  for (const auto& item : mine.at("items").as_array()) BOOST_TEST(item.at("assignee").as_string() == "Alice Example");
  auto test = c.ok(connector("jira-issues", "/test"));
  BOOST_TEST(test.at("account").as_string() == kUser);
}

BOOST_AUTO_TEST_CASE(jira_pagination_and_second_site) {
  Connected c;
  auto [issues, issue_pages] = c.all_pages(connector("jira-issues", "/items?limit=5"));
  BOOST_TEST(issues.size() == 12u);
  BOOST_TEST(issue_pages == 3);
  auto [projects, project_pages] = c.all_pages(connector("jira-projects", "/items?limit=1"));
  BOOST_TEST(projects.size() == 2u);
  BOOST_TEST(project_pages == 2);

  // The sandbox grants both sites; ?site= picks the second by name or id.
  auto beta = c.ok(connector("jira-projects", "/items?site=beta"));
  BOOST_TEST((values_of(beta, "key") == std::set<std::string>{"BETA"}));
  auto by_id = c.ok(connector("jira-issues", "/items?site=66666666-7777-4888-9999-000000000000"));
  BOOST_TEST(by_id.at("items").as_array().size() == 3u);
  auto unknown = c.api.get(connector("jira-issues", "/items?site=gamma"));
  BOOST_TEST(unknown.status == 400, unknown.body);
}

BOOST_AUTO_TEST_CASE(issue_create_get_update_search_delete) {
  Connected c;
  auto created = c.api.post_json(connector("jira-issues", "/items"),
                                 R"({"project":"OPS","summary":"Rotate the zebra keys","description":"Step one"})");
  BOOST_REQUIRE_MESSAGE(created.status == 201, created.body);
  const std::string key(created.json().at("key").as_string());
  BOOST_TEST(key.starts_with("OPS-"));
  BOOST_TEST(created.json().at("snippet").as_string() == "Step one");

  auto got = c.ok(connector("jira-issues", "/items/" + key));
  BOOST_TEST(got.at("title").as_string() == "Rotate the zebra keys");
  auto patched = c.api.request("PATCH", connector("jira-issues", "/items/" + key), R"({"summary":"Rotate zebra keys now"})",
                               {{"content-type", "application/json"}});
  BOOST_REQUIRE_MESSAGE(patched.status == 200, patched.body);
  BOOST_TEST(patched.json().at("title").as_string() == "Rotate zebra keys now");

  auto text = c.ok(connector("jira-issues", "/search?q=zebra"));
  BOOST_TEST((values_of(text, "key") == std::set<std::string>{key}));
  auto jql = c.ok(connector("jira-issues", "/search?q=project%20%3D%20OPS"));
  BOOST_TEST(jql.at("items").as_array().size() == 6u);

  auto deleted = c.api.request("DELETE", connector("jira-issues", "/items/" + key));
  BOOST_REQUIRE_MESSAGE(deleted.status == 200, deleted.body);
  BOOST_TEST(deleted.json().at("deleted").as_bool());
  auto gone = c.api.get(connector("jira-issues", "/items/" + key));
  BOOST_TEST(gone.status == 404, gone.body);
  BOOST_TEST(gone.error_code() == "not_found");

  auto invalid = c.api.post_json(connector("jira-issues", "/items"), R"({"project":"NOPE","summary":"x"})");
  BOOST_TEST(invalid.status == 400, invalid.body);
}

// "line1\n\npara2" came back "line1para2" (the sandbox dropped ADF blocks).
BOOST_AUTO_TEST_CASE(issue_description_keeps_paragraphs_and_line_breaks) {
  Connected c;
  auto created = c.api.post_json(connector("jira-issues", "/items"),
                                 R"({"project":"OPS","summary":"Paragraphs","description":"line1\nline2\n\npara2"})");
  BOOST_REQUIRE_MESSAGE(created.status == 201, created.body);
  const std::string key(created.json().at("key").as_string());
  auto got = c.ok(connector("jira-issues", "/items/" + key));
  BOOST_TEST(got.at("snippet").as_string() == "line1\nline2\n\npara2");
  BOOST_TEST(c.api.request("DELETE", connector("jira-issues", "/items/" + key)).status == 200);
}

BOOST_AUTO_TEST_CASE(confluence_pages) {
  Connected c;
  auto [pages, page_count] = c.all_pages(connector("confluence-pages", "/items?limit=3"));
  BOOST_TEST(pages.size() == 8u);
  BOOST_TEST(page_count == 3);
  auto beta = c.ok(connector("confluence-pages", "/items?site=beta"));
  BOOST_TEST(beta.at("items").as_array().size() == 2u);

  auto created = c.api.post_json(connector("confluence-pages", "/items"),
                                 R"({"space_id":"98765","title":"Zebra runbook","text":"Feed & water"})");
  BOOST_REQUIRE_MESSAGE(created.status == 201, created.body);
  const std::string id(created.json().at("id").as_string());
  auto got = c.ok(connector("confluence-pages", "/items/" + id));
  BOOST_TEST(got.at("snippet").as_string() == "Feed & water");
  BOOST_TEST(got.at("url").as_string().starts_with("https://acme.atlassian.net/wiki/"));
  BOOST_TEST(c.api.get(connector("confluence-pages", "/items/999999")).status == 404);
  BOOST_TEST(c.ok(connector("confluence-pages", "/test")).at("ok").as_bool());
}

BOOST_AUTO_TEST_CASE(bitbucket_repositories_and_pull_requests) {
  Connected c("bitbucket");
  auto [repos, repo_pages] = c.all_pages(connector("bitbucket-repositories", "/items?workspace=sandbox-team&limit=10"));
  BOOST_TEST(repos.size() == 25u);
  BOOST_TEST(repo_pages == 3);
  auto repo = c.ok(connector("bitbucket-repositories", "/items/sandbox-team:service-02"));
  BOOST_TEST(repo.at("title").as_string() == "service-02");

  auto open = c.ok(connector("bitbucket-pullrequests", "/items?workspace=sandbox-team&repo=service-01"));
  BOOST_TEST(open.at("items").as_array().size() == 9u);
  auto merged = c.ok(connector("bitbucket-pullrequests", "/items?workspace=sandbox-team&repo=service-01&state=MERGED"));
  BOOST_TEST(merged.at("items").as_array().size() == 3u);
  auto missing = c.api.get(connector("bitbucket-pullrequests", "/items?workspace=sandbox-team&repo=nope"));
  BOOST_TEST(missing.status == 404, missing.body);
  auto no_workspace = c.api.get(connector("bitbucket-repositories", "/items"));
  BOOST_TEST(no_workspace.status == 400, no_workspace.body);
  auto foreign = c.api.get(connector("bitbucket-repositories", "/items?workspace=x&cursor=https%3A%2F%2Fevil.example%2F"));
  BOOST_TEST(foreign.status == 400, foreign.body);
  BOOST_TEST(c.ok(connector("bitbucket-repositories", "/test")).at("account").as_string() == "Alice Example");
}

BOOST_AUTO_TEST_CASE(a_missing_scope_is_insufficient_scope) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "atlassian", kUser, "&scopes=read:jira-work%20offline_access");
  HttpClient api(host.port());
  BOOST_TEST(api.get(connector("jira-issues", "/items?limit=1")).status == 200);
  auto created = api.post_json(connector("jira-issues", "/items"), R"({"project":"EX","summary":"x"})");
  BOOST_TEST(created.status == 403, created.body);
  BOOST_TEST(created.error_code() == "insufficient_scope");
}

BOOST_AUTO_TEST_SUITE_END()
