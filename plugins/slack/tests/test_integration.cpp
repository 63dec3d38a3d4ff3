// The Slack connectors end to end: the real host with the shipped plugins,
// connected through the real OAuth flow to the provider sandbox.
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

std::string connector(const std::string& name, const std::string& rest) {
  return kApi + "/connectors/" + name + rest + (rest.find('?') == std::string::npos ? "?" : "&") + kAs;
}

struct Connected {
  SandboxProcess sandbox;
  HostProcess host{oauth_host(sandbox)};
  HttpClient api{host.port()};
  Connected() { connect(host, sandbox, "slack"); }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(integration)

BOOST_AUTO_TEST_CASE(channels_route_and_connector) {
  Connected c;
  auto route = c.api.get(kApi + "/slack/channels?" + kAs);
  BOOST_REQUIRE_MESSAGE(route.status == 200, route.body);
  std::set<std::string> ids;
  const auto channels = route.json();
  for (const auto& item : channels.at("items").as_array()) ids.insert(std::string(item.at("id").as_string()));
  BOOST_TEST(ids.count("C0GENERAL") == 1u);
  BOOST_TEST(ids.count("G0OPS") == 0u);  // public channels by default

  auto one = c.api.get(connector("slack-channels", "/items/C0ENG"));
  BOOST_REQUIRE_MESSAGE(one.status == 200, one.body);
  BOOST_TEST(one.json().at("type").as_string() == "channel");
  auto test = c.api.get(connector("slack-channels", "/test"));
  BOOST_TEST(test.status == 200, test.body);
  BOOST_TEST(test.json().at("ok").as_bool());

  auto users = c.api.get(connector("slack-users", "/items?limit=50"));
  BOOST_REQUIRE_MESSAGE(users.status == 200, users.body);
  BOOST_TEST(users.json().at("items").as_array().size() >= 5u);
}

BOOST_AUTO_TEST_CASE(history_pages_through_every_message) {
  Connected c;
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = c.api.get(connector("slack-messages", "/items?channel=C0GENERAL&limit=7" +
                                                          (cursor.empty() ? "" : "&cursor=" + cursor)));
    BOOST_REQUIRE_MESSAGE(page.status == 200, page.body);
    auto body = page.json();
    for (const auto& item : body.at("items").as_array()) seen.insert(std::string(item.at("id").as_string()));
    const auto& next = body.at("next_cursor");
    cursor = next.is_null() ? "" : std::string(next.as_string());
    ++pages;
  } while (!cursor.empty() && pages < 10);
  BOOST_TEST(seen.size() == 30u);
  BOOST_TEST(pages == 5);
}

BOOST_AUTO_TEST_CASE(post_get_update_delete_and_search) {
  Connected c;
  auto posted = c.api.post_json(kApi + "/slack/channels/C0RANDOM/messages?" + kAs, R"({"text":"zebra crossing"})");
  BOOST_REQUIRE_MESSAGE(posted.status == 201, posted.body);
  const std::string id(posted.json().at("id").as_string());
  BOOST_TEST(id.starts_with("C0RANDOM:"));

  auto reply = c.api.post_json(connector("slack-messages", "/items"),
                               R"({"channel":"C0RANDOM","text":"threaded zebra","thread_ts":")" + id.substr(9) + "\"}");
  BOOST_REQUIRE_MESSAGE(reply.status == 201, reply.body);
  BOOST_TEST(reply.json().at("thread_ts").as_string() == id.substr(9));

  auto got = c.api.get(connector("slack-messages", "/items/" + id));
  BOOST_REQUIRE_MESSAGE(got.status == 200, got.body);
  BOOST_TEST(got.json().at("text").as_string() == "zebra crossing");

  auto edited = c.api.request("PATCH", connector("slack-messages", "/items/" + id), R"({"text":"zebra edited"})",
                              {{"content-type", "application/json"}});
  BOOST_REQUIRE_MESSAGE(edited.status == 200, edited.body);
  BOOST_TEST(edited.json().at("text").as_string() == "zebra edited");

  auto found = c.api.get(connector("slack-messages", "/search?q=zebra"));  // the user token
  BOOST_REQUIRE_MESSAGE(found.status == 200, found.body);
  BOOST_TEST(found.json().at("items").as_array().size() == 2u);

  auto deleted = c.api.request("DELETE", connector("slack-messages", "/items/" + id));
  BOOST_REQUIRE_MESSAGE(deleted.status == 200, deleted.body);
  BOOST_TEST(deleted.json().at("deleted").as_bool());
  auto gone = c.api.get(connector("slack-messages", "/items/" + id));
  BOOST_TEST(gone.status == 404, gone.body);
}

BOOST_AUTO_TEST_CASE(errors_map_to_the_unified_model) {
  Connected c;
  auto missing = c.api.get(connector("slack-messages", "/items?channel=CNOPE"));
  BOOST_TEST(missing.status == 404, missing.body);
  BOOST_TEST(missing.error_code() == "not_found");
  auto no_channel = c.api.get(connector("slack-messages", "/items"));
  BOOST_TEST(no_channel.status == 400, no_channel.body);

  // One 429 is absorbed by the host's retry; a persistent one reaches the client.
  c.sandbox.control("POST", "faults", R"({"origin":"slack.com","status":429,"count":1})");
  BOOST_TEST(c.api.get(connector("slack-messages", "/items?channel=C0ENG")).status == 200);
  c.sandbox.control("POST", "faults", R"({"origin":"slack.com","status":429,"count":20,"retry_after":0})");
  auto limited = c.api.get(connector("slack-messages", "/items?channel=C0ENG"));
  BOOST_TEST(limited.status == 429, limited.body);
  BOOST_TEST(limited.error_code() == "rate_limited");
}

BOOST_AUTO_TEST_CASE(missing_scope_names_the_needed_scope) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "slack", kUser, "&scopes=channels:read");
  HttpClient api(host.port());
  auto posted = api.post_json(kApi + "/slack/channels/C0GENERAL/messages?" + kAs, R"({"text":"hi"})");
  BOOST_TEST(posted.status == 403, posted.body);
  BOOST_TEST(posted.error_code() == "insufficient_scope");
  BOOST_TEST(posted.body.find("chat:write") != std::string::npos, posted.body);
}

BOOST_AUTO_TEST_CASE(rotated_tokens_refresh_and_rerun) {
  SandboxProcess sandbox;
  sandbox.control("POST", "settings", R"({"slack_token_rotation":true})");
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "slack");
  HttpClient api(host.port());
  BOOST_TEST(api.get(connector("slack-messages", "/items?channel=C0ENG")).status == 200);
  // Slack says token_expired with HTTP 200: the plugin answers 401, the host
  // refreshes once and reruns the operation.
  sandbox.control("POST", "tokens/expire", R"({"all":true})");
  auto page = api.get(connector("slack-messages", "/items?channel=C0ENG"));
  BOOST_TEST(page.status == 200, page.body);
  BOOST_TEST(page.json().at("items").as_array().size() == 8u);
  BOOST_TEST(sandbox.grants("refresh_token") >= 1);
}

BOOST_AUTO_TEST_SUITE_END()
