// Slack Web API: cursor pagination, posting/editing/deleting, users, search.
#include "fixture.hpp"

using namespace sandbox_test;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(slack)

BOOST_FIXTURE_TEST_CASE(channels_and_history_pages, Fresh) {
  auto bot = str(slack_tokens("channels:read,channels:history", ""), "access_token");
  auto list = sandbox().get("/slack.com/api/conversations.list?limit=2", bot).json();
  BOOST_TEST(list.at("ok").as_bool());
  BOOST_TEST(list.at("channels").as_array().size() == 2u);
  auto cursor = str(list.at("response_metadata"), "next_cursor");
  BOOST_REQUIRE(!cursor.empty());
  auto rest = sandbox().get("/slack.com/api/conversations.list?limit=10&cursor=" + url_encode(cursor), bot).json();
  BOOST_TEST(rest.at("channels").as_array().size() == 2u);  // 4 public channels in all
  BOOST_TEST(str(rest.at("response_metadata"), "next_cursor") == "");
  auto with_private = sandbox().get("/slack.com/api/conversations.list?types=public_channel,private_channel&exclude_archived=true", bot).json();
  BOOST_TEST(with_private.at("channels").as_array().size() == 4u);

  auto info = sandbox().get("/slack.com/api/conversations.info?channel=C0GENERAL", bot).json();
  BOOST_TEST(str(info.at("channel"), "name") == "general");
  BOOST_TEST(str(sandbox().get("/slack.com/api/conversations.info?channel=C0NOPE", bot).json(), "error") == "channel_not_found");

  std::size_t seen = 0;
  std::string next;
  std::string previous_ts = "9999999999.999999";
  do {
    auto page = sandbox().get("/slack.com/api/conversations.history?channel=C0GENERAL&limit=8" +
                              (next.empty() ? "" : "&cursor=" + url_encode(next)), bot).json();
    BOOST_REQUIRE(page.at("ok").as_bool());
    for (const auto& m : page.at("messages").as_array()) {
      BOOST_TEST(str(m, "type") == "message");
      BOOST_TEST(str(m, "ts") < previous_ts);  // newest first
      previous_ts = str(m, "ts");
      ++seen;
    }
    next = str(page.at("response_metadata"), "next_cursor");
    BOOST_TEST(page.at("has_more").as_bool() == !next.empty());
  } while (!next.empty());
  BOOST_TEST(seen == 30u);
}

BOOST_FIXTURE_TEST_CASE(post_update_delete, Fresh) {
  auto bot = str(slack_tokens("chat:write,channels:history", ""), "access_token");
  auto posted = sandbox().post_json("/slack.com/api/chat.postMessage", json::object{{"channel", "C0ENG"}, {"text", "hello from a test"}}, bot).json();
  BOOST_REQUIRE(posted.at("ok").as_bool());
  const auto ts = str(posted, "ts");
  BOOST_TEST(str(posted, "channel") == "C0ENG");
  BOOST_TEST(str(posted.at("message"), "bot_id") == "B0BOT");
  auto latest = sandbox().get("/slack.com/api/conversations.history?channel=C0ENG&limit=1", bot).json();
  BOOST_TEST(str(latest.at("messages").as_array()[0], "text") == "hello from a test");

  // Form-encoded arguments work too.
  auto updated = sandbox().post_form("/slack.com/api/chat.update", {{"channel", "C0ENG"}, {"ts", ts}, {"text", "edited"}},
                                     {{"Authorization", "Bearer " + bot}}).json();
  BOOST_TEST(str(updated, "text") == "edited");
  BOOST_TEST(sandbox().post_json("/slack.com/api/chat.delete", json::object{{"channel", "C0ENG"}, {"ts", ts}}, bot).json().at("ok").as_bool());
  auto again = sandbox().post_json("/slack.com/api/chat.delete", json::object{{"channel", "C0ENG"}, {"ts", ts}}, bot).json();
  BOOST_TEST(str(again, "error") == "message_not_found");
  BOOST_TEST(str(sandbox().post_json("/slack.com/api/chat.postMessage", json::object{{"channel", "C0OLD"}, {"text", "x"}}, bot).json(), "error") == "is_archived");
  BOOST_TEST(str(sandbox().post_json("/slack.com/api/chat.postMessage", json::object{{"channel", "C0ENG"}}, bot).json(), "error") == "no_text");
}

BOOST_FIXTURE_TEST_CASE(users_and_search, Fresh) {
  auto tokens = slack_tokens("users:read,search:read", "search:read");
  auto bot = str(tokens, "access_token");
  auto user = str(tokens.at("authed_user"), "access_token");
  auto users = sandbox().get("/slack.com/api/users.list?limit=4", bot).json();
  BOOST_TEST(users.at("members").as_array().size() == 4u);
  BOOST_TEST(!str(users.at("response_metadata"), "next_cursor").empty());
  BOOST_TEST(str(users.at("members").as_array()[0].at("profile"), "email") == "alice@example.com");
  // users.info names one member.
  const std::string alice = str(users.at("members").as_array()[0], "id");
  auto info = sandbox().get("/slack.com/api/users.info?user=" + alice, bot).json();
  BOOST_REQUIRE(info.at("ok").as_bool());
  BOOST_TEST(str(info.at("user"), "id") == alice);
  BOOST_TEST(str(info.at("user").at("profile"), "email") == "alice@example.com");
  BOOST_TEST(str(sandbox().get("/slack.com/api/users.info?user=U0NOBODY", bot).json(), "error") == "user_not_found");

  // search.messages needs a user token.
  BOOST_TEST(str(sandbox().get("/slack.com/api/search.messages?query=deploy", bot).json(), "error") == "not_allowed_token_type");
  auto found = sandbox().get("/slack.com/api/search.messages?query=deploy", user).json();
  BOOST_REQUIRE(found.at("ok").as_bool());
  BOOST_TEST(found.at("messages").at("total").as_int64() == 13);  // 5 in #general + 8 in #engineering
  BOOST_TEST(found.at("messages").at("matches").as_array().size() == 13u);
  BOOST_TEST(!str(found.at("messages").at("matches").as_array()[0], "permalink").empty());
}

BOOST_AUTO_TEST_SUITE_END()
