// Every Slack operation through the real plugin library and the host's real
// loader, with upstream answers in Slack's exact wire format.
#include "plugin_driver.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using slack_test::PluginDriver;
namespace json = boost::json;

namespace {
const std::string kHistory = R"({"ok":true,"messages":[
  {"type":"message","user":"U111","text":"hello","ts":"1512085950.000216","team":"T111"},
  {"type":"message","user":"U222","text":"reply","ts":"1512085940.000100","thread_ts":"1512085940.000100"}],
  "has_more":true,"pin_count":0,"response_metadata":{"next_cursor":"bmV4dF90czox"}})";

std::string url_of(const json::object& request) { return std::string(request.at("url").as_string()); }
}  // namespace

BOOST_AUTO_TEST_SUITE(operations)

BOOST_AUTO_TEST_CASE(manifest_declares_connectors_and_routes) {
  PluginDriver driver;
  const auto& manifest = driver.plugin().manifest();
  for (const char* name : {"slack-channels", "slack-messages", "slack-users"})
    BOOST_TEST(manifest.find_connector(name) != nullptr, name);
  BOOST_REQUIRE_EQUAL(manifest.routes.size(), 2u);
  BOOST_TEST(manifest.routes.at(1).path == "/slack/channels/{id}/messages");
  BOOST_TEST(manifest.routes.at(1).provider == "slack");
  auto unknown = driver.plugin().invoke("slack-nothing.list", "{}");
  BOOST_TEST(unknown.code == LG_ERR_UNKNOWN_OPERATION);
}

BOOST_AUTO_TEST_CASE(history_pages_with_slack_cursors) {
  PluginDriver driver;
  const std::string input = R"({"params":{"channel":"C111","limit":"2","cursor":"abc+/="},"body":null,"provider":"slack"})";
  auto request = driver.request("slack-messages.list", input);
  BOOST_TEST(request.at("method").as_string() == "GET");
  BOOST_TEST(request.at("auth").as_string() == "connection");
  BOOST_TEST(url_of(request) == "https://slack.com/api/conversations.history?channel=C111&limit=2&cursor=abc%2B%2F%3D");
  auto reply = driver.answer("slack-messages.list", input, {200, kHistory});
  BOOST_TEST(reply.at("status").as_int64() == 200);
  const auto& page = reply.at("body").as_object();
  BOOST_TEST(page.at("next_cursor").as_string() == "bmV4dF90czox");
  const auto& items = page.at("items").as_array();
  BOOST_REQUIRE_EQUAL(items.size(), 2u);
  const auto& first = items.at(0).as_object();
  BOOST_TEST(first.at("id").as_string() == "C111:1512085950.000216");
  BOOST_TEST(first.at("type").as_string() == "message");
  BOOST_TEST(first.at("snippet").as_string() == "hello");
  BOOST_TEST(first.at("created_at").as_string() == "2017-11-30T23:52:30Z");
  BOOST_TEST(first.at("user").as_string() == "U111");
  BOOST_TEST(!first.contains("raw"));
  BOOST_TEST(items.at(1).at("thread_ts").as_string() == "1512085940.000100");

  // The last page: an empty cursor is null; include_raw adds Slack's object.
  const std::string last = R"({"params":{"channel":"C111","include_raw":"true"}})";
  auto end = driver.run("slack-messages.list", last,
                        {200, R"({"ok":true,"messages":[{"type":"message","text":"x","ts":"1.000001"}],
                                  "has_more":false,"response_metadata":{"next_cursor":""}})"});
  BOOST_TEST(end.at("body").at("next_cursor").is_null());
  BOOST_TEST(end.at("body").at("items").at(0).at("raw").at("text").as_string() == "x");
}

BOOST_AUTO_TEST_CASE(list_needs_a_channel_and_valid_limit) {
  PluginDriver driver;
  auto missing = driver.plugin().invoke("slack-messages.list", R"({"params":{}})");
  BOOST_TEST(missing.code == LG_ERR_BAD_INPUT);
  BOOST_TEST(missing.json.find("channel") != std::string::npos);
  auto bad_limit = driver.plugin().invoke("slack-messages.list", R"({"params":{"channel":"C1","limit":"ten"}})");
  BOOST_TEST(bad_limit.code == LG_ERR_BAD_INPUT);
  auto capped = driver.request("slack-messages.list", R"({"params":{"channel":"C1","limit":"5000"}})");
  BOOST_TEST(url_of(capped).find("limit=999") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(post_message_route_and_create) {
  PluginDriver driver;
  const std::string input = R"({"params":{"id":"C111"},"body":{"text":"hi there","thread_ts":"1503435956.000100"}})";
  auto request = driver.request("slack.post_message", input);
  BOOST_TEST(request.at("method").as_string() == "POST");
  BOOST_TEST(url_of(request) == "https://slack.com/api/chat.postMessage");
  BOOST_TEST(request.at("headers").at("Content-Type").as_string().starts_with("application/json"));
  auto sent = json::parse(request.at("body").as_string());
  BOOST_TEST(sent.at("channel").as_string() == "C111");
  BOOST_TEST(sent.at("text").as_string() == "hi there");
  BOOST_TEST(sent.at("thread_ts").as_string() == "1503435956.000100");
  auto reply = driver.answer("slack.post_message", input,
                             {200, R"({"ok":true,"channel":"C111","ts":"1503435956.000247","message":{"type":"message",
                                      "text":"hi there","user":"U0KRQLJ9H","bot_id":"B111","ts":"1503435956.000247"}})"});
  BOOST_TEST(reply.at("status").as_int64() == 201);
  BOOST_TEST(reply.at("body").at("id").as_string() == "C111:1503435956.000247");
  BOOST_TEST(reply.at("body").at("channel").as_string() == "C111");

  auto create = driver.request("slack-messages.create", R"({"params":{},"body":{"channel":"C222","text":"x"}})");
  BOOST_TEST(json::parse(create.at("body").as_string()).at("channel").as_string() == "C222");
  BOOST_TEST(driver.plugin().invoke("slack-messages.create", R"({"params":{},"body":{"text":"x"}})").code ==
             LG_ERR_BAD_INPUT);
  BOOST_TEST(driver.plugin().invoke("slack.post_message", R"({"params":{"id":"C1"},"body":{}})").code ==
             LG_ERR_BAD_INPUT);
}

BOOST_AUTO_TEST_CASE(update_delete_and_get_by_composite_id) {
  PluginDriver driver;
  const std::string update = R"({"params":{"id":"C111:1503435956.000247"},"body":{"text":"edited"}})";
  auto request = driver.request("slack-messages.update", update);
  BOOST_TEST(url_of(request) == "https://slack.com/api/chat.update");
  auto sent = json::parse(request.at("body").as_string());
  BOOST_TEST(sent.at("ts").as_string() == "1503435956.000247");
  auto updated = driver.answer("slack-messages.update", update,
                               {200, R"({"ok":true,"channel":"C111","ts":"1503435956.000247","text":"edited",
                                        "message":{"type":"message","text":"edited","user":"U0BOT"}})"});
  BOOST_TEST(updated.at("body").at("id").as_string() == "C111:1503435956.000247");
  BOOST_TEST(updated.at("body").at("text").as_string() == "edited");

  const std::string remove = R"({"params":{"id":"C111:1503435956.000247"}})";
  BOOST_TEST(url_of(driver.request("slack-messages.delete", remove)) == "https://slack.com/api/chat.delete");
  auto deleted = driver.answer("slack-messages.delete", remove, {200, R"({"ok":true,"channel":"C111","ts":"1503435956.000247"})"});
  BOOST_TEST(deleted.at("body") == json::parse(R"({"id":"C111:1503435956.000247","deleted":true})"));

  const std::string get = R"({"params":{"id":"C111:1512085950.000216"}})";
  auto history = driver.request("slack-messages.get", get);
  BOOST_TEST(url_of(history).find("latest=1512085950.000216") != std::string::npos);
  BOOST_TEST(url_of(history).find("inclusive=true") != std::string::npos);
  auto found = driver.answer("slack-messages.get", get, {200, kHistory});
  BOOST_TEST(found.at("body").at("text").as_string() == "hello");
  auto gone = driver.run("slack-messages.get", get, {200, R"({"ok":true,"messages":[],"has_more":false})"});
  BOOST_TEST(gone.at("status").as_int64() == 404);

  BOOST_TEST(driver.plugin().invoke("slack-messages.delete", R"({"params":{"id":"nocolon"}})").code == LG_ERR_BAD_INPUT);
}

BOOST_AUTO_TEST_CASE(search_uses_the_user_token_and_page_cursor) {
  PluginDriver driver;
  const std::string input = R"({"params":{"q":"deploy today","limit":"2"}})";
  auto request = driver.request("slack-messages.search", input);
  BOOST_TEST(request.at("auth").as_string() == "user");
  BOOST_TEST(url_of(request) == "https://slack.com/api/search.messages?query=deploy%20today&count=2&page=1");
  auto reply = driver.answer("slack-messages.search", input, {200, R"({"ok":true,"query":"deploy today","messages":{
      "total":3,"paging":{"count":2,"total":3,"page":1,"pages":2},"matches":[
      {"type":"message","user":"U111","text":"deploy today?","ts":"1700000000.000100",
       "channel":{"id":"C0ENG","name":"eng"},"permalink":"https://x.slack.com/archives/C0ENG/p1700000000000100"}]}})"});
  const auto& page = reply.at("body").as_object();
  BOOST_TEST(page.at("next_cursor").as_string() == "2");
  const auto& item = page.at("items").at(0).as_object();
  BOOST_TEST(item.at("id").as_string() == "C0ENG:1700000000.000100");
  BOOST_TEST(item.at("url").as_string() == "https://x.slack.com/archives/C0ENG/p1700000000000100");
  auto next = driver.request("slack-messages.search", R"({"params":{"q":"x","cursor":"2"}})");
  BOOST_TEST(url_of(next).find("page=2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(channels_users_and_test) {
  PluginDriver driver;
  auto channels = driver.run("slack-channels.list", R"({"params":{}})", {200, R"({"ok":true,"channels":[{"id":"C111",
      "name":"general","is_channel":true,"is_private":false,"created":1421924831,"is_archived":false,
      "is_member":true,"topic":{"value":"","creator":"","last_set":0},"purpose":{"value":"Company-wide","creator":"",
      "last_set":0},"num_members":8}],"response_metadata":{"next_cursor":"dGVhbTpDMDYx"}})"});
  const auto& channel = channels.at("body").at("items").at(0).as_object();
  BOOST_TEST(channel.at("title").as_string() == "general");
  BOOST_TEST(channel.at("snippet").as_string() == "Company-wide");
  BOOST_TEST(channel.at("created_at").as_string() == "2015-01-22T11:07:11Z");
  BOOST_TEST(channel.at("num_members").as_int64() == 8);
  BOOST_TEST(channels.at("body").at("next_cursor").as_string() == "dGVhbTpDMDYx");

  auto info = driver.request("slack-channels.get", R"({"params":{"id":"C111"}})");
  BOOST_TEST(url_of(info) == "https://slack.com/api/conversations.info?channel=C111");

  auto users = driver.run("slack-users.list", R"({"params":{}})", {200, R"({"ok":true,"members":[{"id":"U111",
      "team_id":"T111","name":"alice","deleted":false,"real_name":"Alice","is_bot":false,"profile":{
      "real_name":"Alice","display_name":"alice","email":"alice@example.com"}}],"cache_ts":1700000000,
      "response_metadata":{"next_cursor":""}})"});
  const auto& user = users.at("body").at("items").at(0).as_object();
  BOOST_TEST(user.at("title").as_string() == "Alice");
  BOOST_TEST(user.at("email").as_string() == "alice@example.com");
  BOOST_TEST(users.at("body").at("next_cursor").is_null());
  BOOST_TEST(url_of(driver.request("slack-users.get", R"({"params":{"id":"U111"}})")) ==
             "https://slack.com/api/users.info?user=U111");

  auto test = driver.run("slack-users.test", "{}", {200, R"({"ok":true,"url":"https://myteam.slack.com/","team":"My Team",
      "user":"mybot","team_id":"T111","user_id":"U0KRQLJ9H","bot_id":"B111","is_enterprise_install":false})"});
  BOOST_TEST(test.at("body").at("ok").as_bool());
  BOOST_TEST(test.at("body").at("account").as_string() == "mybot @ My Team");
}

BOOST_AUTO_TEST_CASE(slack_errors_become_unified_errors) {
  PluginDriver driver;
  const std::string input = R"({"params":{"channel":"C404"}})";
  auto missing = driver.run("slack-messages.list", input, {200, R"({"ok":false,"error":"channel_not_found"})"});
  BOOST_TEST(missing.at("status").as_int64() == 404);
  BOOST_TEST(missing.at("error").at("code").as_string() == "not_found");
  auto scope = driver.run("slack-messages.list", input,
                          {200, R"({"ok":false,"error":"missing_scope","needed":"channels:history","provided":"users:read"})"});
  BOOST_TEST(scope.at("status").as_int64() == 403);
  BOOST_TEST(scope.at("error").at("message").as_string().find("channels:history") != std::string::npos);
  auto expired = driver.run("slack-messages.list", input, {200, R"({"ok":false,"error":"token_expired"})"});
  BOOST_TEST(expired.at("status").as_int64() == 401);
  BOOST_TEST(expired.at("error").at("code").as_string() == "unauthorized");
  auto limited = driver.run("slack-messages.list", input, {429, R"({"ok":false,"error":"ratelimited"})"});
  BOOST_TEST(limited.at("status").as_int64() == 429);
  auto down = driver.run("slack-messages.list", input, {0, ""});
  BOOST_TEST(down.at("status").as_int64() == 504);
}

BOOST_AUTO_TEST_SUITE_END()
