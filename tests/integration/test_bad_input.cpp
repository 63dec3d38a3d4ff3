// Malformed and hostile requests get a 4xx with the JSON error model, and the
// host keeps serving afterwards.
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"

#include <boost/test/unit_test.hpp>

using namespace lagentry::test;

namespace {
HostProcess& host() {
  static HostProcess instance([] {
    HostOptions options;
    options.plugins.push_back(test_plugin("echo_v1"));
    options.environment = {{"LAGENTRY_MAX_BODY_BYTES", "4096"}, {"LAGENTRY_MAX_HEADER_BYTES", "2048"},
                           {"LAGENTRY_READ_TIMEOUT_SECONDS", "2"}};
    return options;
  }());
  return instance;
}

void expect_error(const HttpResult& r, int status, const std::string& code) {
  BOOST_TEST(r.status == status, "status " << r.status << " body " << r.body);
  BOOST_TEST(r.error_code() == code, r.body);
  BOOST_TEST(r.header("content-type") == "application/json");
}

void expect_still_serving() {
  HttpClient client(host().port());
  BOOST_TEST(client.get("/healthz").status == 200);
  BOOST_TEST(host().running());
}
}  // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(malformed_json_and_wrong_media_type) {
  HttpClient client(host().port());
  expect_error(client.post_json("/api/v1/unified/echo/messages", "{\"text\": "), 400, "invalid_json");
  expect_error(client.post_json("/api/v1/unified/echo/messages", ""), 400, "invalid_json");
  expect_error(client.post_json("/api/v1/unified/echo/messages", std::string(200, '[') + std::string(200, ']')), 400,
               "invalid_json");  // nesting deeper than the parser allows
  expect_error(client.request("POST", "/api/v1/unified/echo/messages", "text=1",
                              {{"Content-Type", "application/x-www-form-urlencoded"}}),
               415, "unsupported_media_type");
  expect_still_serving();
}

BOOST_AUTO_TEST_CASE(unknown_things_are_404_and_wrong_methods_405) {
  HttpClient client(host().port());
  // Every path below /connectors/ names an unknown connector the same way (was unknown_provider here).
  expect_error(client.get("/api/v1/unified/connectors/no-such-provider/capabilities"), 404, "unknown_connector");
  expect_error(client.get("/api/v1/unified/no/such/thing"), 404, "not_found");
  expect_error(client.get("/no-such-page"), 404, "not_found");  // "/" is the landing page
  auto r = client.request("DELETE", "/api/v1/unified/connectors");
  expect_error(r, 405, "method_not_allowed");
  BOOST_TEST(r.header("allow") == "GET");
  expect_error(client.get("/api/v1/unified/echo/messages"), 405, "method_not_allowed");
}

// GET /auth/<word> answered 405 for any word, because DELETE /auth/{provider}
// exists: an unknown name is 404 like at every other method.
BOOST_AUTO_TEST_CASE(an_unknown_name_in_a_path_is_404_at_any_method) {
  HttpClient client(host().port());
  expect_error(client.get("/api/v1/unified/auth/bogus"), 404, "unknown_provider");
  expect_error(client.request("POST", "/api/v1/unified/auth/bogus/status"), 404, "unknown_provider");
  // DELETE and refresh answered not_connected for a provider that does not exist.
  expect_error(client.request("DELETE", "/api/v1/unified/auth/bogus?user_email=a@example.com"), 404, "unknown_provider");
  expect_error(client.request("POST", "/api/v1/unified/auth/bogus/refresh?user_email=a@example.com"), 404, "unknown_provider");
  // A known provider: the path exists, with DELETE only.
  auto known = client.get("/api/v1/unified/auth/echo");
  expect_error(known, 405, "method_not_allowed");
  BOOST_TEST(known.header("allow") == "DELETE");
  expect_error(client.request("PUT", "/api/v1/unified/connectors/no-such-connector/search"), 404, "unknown_connector");
  expect_error(client.request("PUT", "/api/v1/unified/connectors/no-such-connector/capabilities"), 404, "unknown_connector");
  auto search = client.request("PUT", "/api/v1/unified/connectors/echo-notes/search");
  expect_error(search, 405, "method_not_allowed");
  BOOST_TEST(search.header("allow") == "GET");
}

// user_email=not-an-email and a NUL byte in it were accepted (and could own a connection).
BOOST_AUTO_TEST_CASE(a_user_email_must_be_an_email_address) {
  HttpClient client(host().port());
  for (const char* bad : {"not-an-email", "a%00b@example.com", "@example.com", "alice@", "a@b@c", "al%20ice@example.com",
                          "alice@example..com", "%3Cscript%3E@example.com"}) {
    auto r = client.get(std::string("/api/v1/unified/auth/google/status?user_email=") + bad);
    BOOST_TEST(r.status == 400, bad << ": " << r.body);
    BOOST_TEST(r.error_code() == "invalid_request", bad);
  }
  BOOST_TEST(client.get("/api/v1/unified/connectors?user_email=alice%2Btag@example.com").status == 200);
  BOOST_TEST(client.get("/api/v1/unified/connectors/gmail/items?user_email=" + std::string(321, 'a') + "@x.io").status == 400);
}

BOOST_AUTO_TEST_CASE(path_tricks_are_refused) {
  HttpClient client(host().port());
  expect_error(client.get("/api/v1/unified/connectors/%2e%2e/capabilities"), 400, "invalid_path");
  expect_error(client.get("/api/v1/unified/connectors/a%2Fb/capabilities"), 400, "invalid_path");
  expect_error(client.get("/api/v1/unified/connectors/../connectors"), 400, "invalid_path");
  expect_error(client.get("/api/v1/unified/connectors/%00/capabilities"), 400, "invalid_path");
  expect_still_serving();
}

BOOST_AUTO_TEST_CASE(oversized_body_and_header) {
  HttpClient client(host().port());
  expect_error(client.post_json("/api/v1/unified/echo/messages", "\"" + std::string(10000, 'x') + "\""), 413,
               "payload_too_large");
  HttpClient client2(host().port());
  expect_error(client2.get("/healthz", {{"X-Big", std::string(4000, 'y')}}), 431, "header_too_large");
  expect_still_serving();
}

BOOST_AUTO_TEST_CASE(junk_http_gets_400_and_the_connection_closes) {
  HttpClient client(host().port());
  for (const std::string& junk : std::vector<std::string>{"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /healthz HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                                 std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)}) {
    std::string reply = client.raw_exchange(junk);
    BOOST_TEST(reply.rfind("HTTP/1.1 400", 0) == 0u, reply);
    BOOST_TEST(reply.find("\"code\":\"bad_request\"") != std::string::npos);
  }
  // A client that connects and says nothing is not answered, just timed out;
  // a client that vanishes mid-request does not disturb anyone.
  std::string partial = client.raw_exchange("POST /api/v1/unified/echo/messages HTTP/1.1\r\nContent-Length: 100\r\n\r\n{");
  (void)partial;
  expect_still_serving();
}

BOOST_AUTO_TEST_SUITE_END()
