// Pure pieces of the connector runtime and the outbound client.
#include "core/net/http_client.hpp"
#include "core/net/origin_map.hpp"
#include "core/runtime/operation_runner.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace lagentry;

BOOST_AUTO_TEST_SUITE(connector_runtime)

BOOST_AUTO_TEST_CASE(origin_map_rewrites_exact_and_wildcard_origins) {
  auto map = net::OriginMap::parse(
      "https://gmail.googleapis.com=http://127.0.0.1:9000/gmail.googleapis.com/, *=https://127.0.0.1:9443/{host}");
  BOOST_TEST(map.rewrite("https://gmail.googleapis.com/gmail/v1/users/me/messages?maxResults=10").value() ==
             "http://127.0.0.1:9000/gmail.googleapis.com/gmail/v1/users/me/messages?maxResults=10");
  BOOST_TEST(map.rewrite("https://slack.com/api/conversations.list").value() ==
             "https://127.0.0.1:9443/slack.com/api/conversations.list");
  BOOST_TEST(map.rewrite("https://GMAIL.googleapis.com:443/x").value() == "http://127.0.0.1:9000/gmail.googleapis.com/x");
  auto none = net::OriginMap::parse("");
  BOOST_TEST(none.empty());
  BOOST_TEST(none.rewrite("https://slack.com/api/x").value() == "https://slack.com/api/x");
  BOOST_CHECK_THROW(net::OriginMap::parse("no-equals-sign"), std::invalid_argument);
  BOOST_CHECK_THROW(net::OriginMap::parse("https://a.test=ftp://b"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(retry_rules) {
  BOOST_TEST(net::is_idempotent("GET"));
  BOOST_TEST(net::is_idempotent("DELETE"));
  BOOST_TEST(!net::is_idempotent("POST"));
  BOOST_TEST(net::is_retryable_status(429));
  BOOST_TEST(net::is_retryable_status(503));
  BOOST_TEST(!net::is_retryable_status(500));  // a plain 500 is usually not transient
  BOOST_TEST(!net::is_retryable_status(404));
  BOOST_TEST(net::parse_retry_after("3").value().count() == 3);
  BOOST_TEST(!net::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
  BOOST_TEST(!net::parse_retry_after("-1").has_value());
}

BOOST_AUTO_TEST_CASE(fetch_requests_parse_and_responses_serialise) {
  auto requests = runtime::parse_fetch_requests(boost::json::parse(
      R"({"requests":[{"method":"POST","url":"https://x.test/a","headers":{"Content-Type":"application/json"},"body":"{}","auth":"user"},{"url":"https://x.test/b"}]})"));
  BOOST_REQUIRE_EQUAL(requests.size(), 2u);
  BOOST_TEST(requests[0].method == "POST");
  BOOST_TEST(requests[0].headers.at("Content-Type") == "application/json");
  BOOST_TEST(requests[0].auth == "user");
  BOOST_TEST(requests[1].method == "GET");
  BOOST_TEST(requests[1].auth == "connection");
  BOOST_CHECK_THROW(runtime::parse_fetch_requests(boost::json::parse(R"({"requests":[{"method":"GET"}]})")),
                    std::invalid_argument);
  BOOST_CHECK_THROW(runtime::parse_fetch_requests(boost::json::parse(R"({})")), std::invalid_argument);

  runtime::UpstreamResponse ok{200, {{"content-type", "application/json"}}, "{}", ""};
  runtime::UpstreamResponse broken{0, {}, "", "timed out"};
  auto array = runtime::responses_to_json({ok, broken});
  BOOST_TEST(array.at(0).at("status").as_int64() == 200);
  BOOST_TEST(array.at(1).at("error").as_string() == "timed out");
}

BOOST_AUTO_TEST_SUITE_END()
