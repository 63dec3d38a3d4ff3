// Slack's HTTP-200 errors and real HTTP failures onto the unified error model.
#include "slack_errors.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(ok_answers_are_not_failures) {
  BOOST_TEST(!slack::classify(200, json::parse(R"({"ok":true,"channels":[]})")).has_value());
}

// An expired or missing token can be refreshed; a revoked grant cannot.
BOOST_AUTO_TEST_CASE(token_errors_are_unauthorized_or_reauth_required) {
  for (const char* error : {"not_authed", "token_expired"}) {
    auto failure = slack::classify(200, json::object{{"ok", false}, {"error", error}});
    BOOST_REQUIRE(failure);
    BOOST_TEST(failure->status == 401, error);
    BOOST_TEST(failure->code == "unauthorized");
  }
  for (const char* error : {"invalid_auth", "token_revoked", "account_inactive"}) {
    auto failure = slack::classify(200, json::object{{"ok", false}, {"error", error}});
    BOOST_REQUIRE(failure);
    BOOST_TEST(failure->status == 401, error);
    BOOST_TEST(failure->code == "reauth_required", error);
  }
}

BOOST_AUTO_TEST_CASE(missing_scope_names_the_needed_scope) {
  auto failure = slack::classify(
      200, json::parse(R"({"ok":false,"error":"missing_scope","needed":"chat:write","provided":"channels:read"})"));
  BOOST_REQUIRE(failure);
  BOOST_TEST(failure->status == 403);
  BOOST_TEST(failure->code == "insufficient_scope");
  BOOST_TEST(failure->message.find("chat:write") != std::string::npos, failure->message);
}

BOOST_AUTO_TEST_CASE(not_found_rate_limit_and_others) {
  for (const char* error : {"channel_not_found", "message_not_found", "user_not_found"}) {
    auto failure = slack::classify(200, json::object{{"ok", false}, {"error", error}});
    BOOST_TEST(failure->status == 404, error);
    BOOST_TEST(failure->code == "not_found");
  }
  auto limited = slack::classify(200, json::parse(R"({"ok":false,"error":"ratelimited"})"));
  BOOST_TEST(limited->status == 429);
  BOOST_TEST(limited->code == "rate_limited");
  auto http429 = slack::classify(429, json::parse(R"({"ok":false,"error":"ratelimited"})"));
  BOOST_TEST(http429->status == 429);
  BOOST_TEST(slack::classify(200, json::parse(R"({"ok":false,"error":"no_text"})"))->status == 400);
  BOOST_TEST(slack::classify(200, json::parse(R"({"ok":false,"error":"not_allowed_token_type"})"))->code == "forbidden");
  BOOST_TEST(slack::classify(503, nullptr)->status == 502);
  BOOST_TEST(slack::classify(200, nullptr)->code == "upstream_error");  // not JSON
  auto transport = slack::classify(0, nullptr, "timed out");
  BOOST_TEST(transport->status == 504);
  BOOST_TEST(transport->code == "upstream_unavailable");
  BOOST_TEST(transport->message.find("timed out") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(reply_keeps_the_provider_error_in_details) {
  const auto body = json::parse(R"({"ok":false,"error":"channel_not_found"})");
  auto reply = json::parse(slack::failure_reply(*slack::classify(200, body), 200, body));
  BOOST_TEST(reply.at("status").as_int64() == 404);
  BOOST_TEST(reply.at("error").at("code").as_string() == "not_found");
  BOOST_TEST(reply.at("error").at("details").at("provider_status").as_int64() == 200);
  BOOST_TEST(reply.at("error").at("details").at("provider_error") == body);
}

BOOST_AUTO_TEST_SUITE_END()
