// Pure pieces of the connector runtime and the outbound client.
#include "core/net/http_client.hpp"
#include "core/net/origin_map.hpp"
#include "core/runtime/operation_runner.hpp"
#include "core/runtime/reply_body_check.hpp"

#include <boost/json/parse.hpp>

#include <cmath>
#include <boost/json/serialize.hpp>
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
  BOOST_TEST(runtime::responses_document({ok, broken}) ==
             R"([{"status":200,"headers":{"content-type":"application/json"},"body":"{}"},)"
             R"({"status":0,"headers":{},"body":"","error":"timed out"}])");
  BOOST_TEST(runtime::responses_document({}) == "[]");
}

// The responses document is written as text; it must be exactly what
// serializing the equivalent DOM gives, with bytes that are not UTF-8 as
// U+FFFD, so that it always parses.
BOOST_AUTO_TEST_CASE(responses_document_escapes_like_boost_json) {
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
  const std::vector<std::string> bodies{
      R"({"q":"say \"hi\"","path":"C:\\x"})",
      controls + "\x7f",
      std::string(1000, '\x01'),  // six bytes each when escaped: the writer needs several rounds
      "gr\xc3\xbc\xc3\x9f \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\xa7 \xe2\x80\xa8",
      std::string(70000, 'x'),
  };
  // Not UTF-8 (Latin-1, a cut sequence, an overlong, a surrogate, past U+10FFFF), and what the plugin reads.
  const std::vector<std::pair<std::string, std::string>> repaired{
      {"caf\xe9 \"au lait\"", "caf\xef\xbf\xbd \"au lait\""},
      {"cut \xe6\x97", "cut \xef\xbf\xbd\xef\xbf\xbd"},
      {"\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xff",
       "\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd"},
  };
  std::vector<runtime::UpstreamResponse> responses;
  boost::json::array expected;
  for (const auto& body : bodies) {
    runtime::UpstreamResponse r{200, {{"content-type", "text/plain; q=\"1\""}, {"x-odd", "tab\there"}}, body, ""};
    responses.push_back(r);
    expected.push_back(boost::json::object{
        {"status", r.status}, {"headers", {{"content-type", r.headers["content-type"]}, {"x-odd", r.headers["x-odd"]}}},
        {"body", r.body}});
  }
  for (const auto& [bytes, text] : repaired) {
    responses.push_back({200, {}, bytes, ""});
    expected.push_back(boost::json::object{{"status", 200}, {"headers", boost::json::object{}}, {"body", text}});
  }
  responses.push_back({0, {}, "", "refused: \"quoted\"\n"});
  expected.push_back(boost::json::object{{"status", 0}, {"headers", boost::json::object{}}, {"body", ""},
                                         {"error", "refused: \"quoted\"\n"}});
  const std::string document = runtime::responses_document(responses);
  BOOST_TEST(document == boost::json::serialize(expected));
  // It parses (the plugin's parser checks UTF-8), and every body reads back as expected.
  const boost::json::value parsed = boost::json::parse(document);
  for (std::size_t i = 0; i < bodies.size(); ++i) BOOST_TEST(parsed.as_array().at(i).at("body").as_string() == bodies[i]);
  for (std::size_t i = 0; i < repaired.size(); ++i)
    BOOST_TEST(parsed.as_array().at(bodies.size() + i).at("body").as_string() == repaired[i].second);
}

// The one-pass check must accept exactly what the DOM path accepts (the
// parser's verdict, then no non-finite number) and count the same items.
BOOST_AUTO_TEST_CASE(reply_body_check_agrees_with_the_dom_path) {
  const std::string deep_ok = std::string(32, '[') + std::string(32, ']');
  const std::string too_deep = std::string(33, '[') + std::string(33, ']');
  const std::vector<std::string> bodies = {
      R"({"items":[1,2,3],"next_cursor":null})", R"({"items":[[1],[2]],"x":{"items":[1,2,3,4]}})",
      R"({"a":{"items":[1]}})", "[1,2]", R"({"items":5})", R"("text")", "null", R"({"items":[]})",
      R"({"it\u0065ms":[1]})", R"({"items":[1],"items":[1,2]})", "1e99999", R"({"a":[-1e400]})", "1.5e308",
      "{\"a\":\"\xff\"}", "{\"a\":\"\xc3\xa9\"}", R"({"a":1} x)", R"({"a":)", "", " ", "{} ", " {}", "[1,]",
      "123456789012345678901234567890", "-0", "01", deep_ok, too_deep, R"({"a":"\ud800"})"};
  for (const auto& body : bodies) {
    boost::json::error_code ec;
    const boost::json::value dom = boost::json::parse(body, ec);
    bool finite = true;
    if (!ec && dom.is_double()) finite = std::isfinite(dom.get_double());
    if (!ec && dom.is_object() && dom.get_object().contains("a") && dom.at("a").is_array())
      for (const auto& v : dom.at("a").get_array()) finite = finite && (!v.is_double() || std::isfinite(v.get_double()));
    const auto facts = runtime::check_reply_body(body);
    BOOST_TEST(facts.has_value() == (!ec && finite), "body: " << body);
    if (!facts || ec) continue;
    const auto* items = dom.is_object() ? dom.get_object().if_contains("items") : nullptr;
    const int expected = items && items->is_array() ? static_cast<int>(items->get_array().size()) : -1;
    BOOST_TEST(facts->item_count == expected, "body: " << body);
  }
}

BOOST_AUTO_TEST_CASE(the_sdk_reply_shape_is_recognised_and_nothing_else) {
  const auto plain = runtime::plain_reply_shape(R"({"status":200,"body":{"items":[]}})");
  BOOST_REQUIRE(plain.has_value());
  BOOST_TEST(plain->status == 200);
  BOOST_TEST(plain->body == R"({"items":[]})");
  BOOST_TEST(runtime::plain_reply_shape(R"({"status":201,"body":null})")->body == "null");
  for (const std::string other : {R"({"body":{},"status":200})", R"({"status":99,"body":1})", R"({"status":2000,"body":1})",
                                  R"({"status":600,"body":1})", R"({"status": 200,"body":1})", R"({"status":200,"body":1)",
                                  R"({"status":200,"error":{}})", R"({"status":20,"body":1})", "", "{}"})
    BOOST_TEST(!runtime::plain_reply_shape(other).has_value(), other);
}

BOOST_AUTO_TEST_SUITE_END()
