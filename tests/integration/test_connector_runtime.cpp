// The connector runtime with a test plugin against the sandbox: token
// injection, refresh on 401, retries on 429, error mapping, validation and
// the activity log.
#include "tests/support/oauth_flow.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

using namespace lagentry::test;

namespace {
HostOptions probe_host(const SandboxProcess& sandbox) {
  HostOptions options = oauth_host(sandbox);
  options.plugins = {test_plugin("probe")};
  return options;
}
const std::string kLabels = "/api/v1/unified/connectors/probe-labels/items?user_email=" + kUser;
}  // namespace

BOOST_AUTO_TEST_SUITE(connector_runtime_api)

BOOST_AUTO_TEST_CASE(items_refresh_retries_and_activity) {
  SandboxProcess sandbox;
  HostProcess host(probe_host(sandbox));
  connect(host, sandbox, "probe");
  HttpClient api(host.port());

  auto list = api.get(kLabels);
  BOOST_REQUIRE_MESSAGE(list.status == 200, list.body);
  auto body = list.json();
  BOOST_TEST(body.at("items").as_array().size() > 3u);
  BOOST_TEST(body.at("next_cursor").is_null());
  BOOST_TEST(api.get("/api/v1/unified/connectors/probe-labels/test?user_email=" + kUser).status == 200);

  // The provider revoked the access token early: one refresh, one retry, success.
  sandbox.control("POST", "tokens/expire", R"({"all":true})");
  auto after_expiry = api.get(kLabels);
  BOOST_TEST(after_expiry.status == 200, after_expiry.body);
  BOOST_TEST(sandbox.grants("refresh_token") == 1);

  // 429 with Retry-After, then success: the host retries the idempotent GET.
  sandbox.control("POST", "faults", R"({"origin":"gmail.googleapis.com","status":429,"count":1,"retry_after":1})");
  BOOST_TEST(api.get(kLabels).status == 200);
  // Persistent 503s: retries run out and the plugin maps it to 502.
  sandbox.control("POST", "faults", R"({"origin":"gmail.googleapis.com","status":503,"count":5})");
  auto outage = api.get(kLabels);
  BOOST_TEST(outage.status == 502);
  BOOST_TEST(outage.error_code() == "upstream_error");
  BOOST_TEST(outage.json().at("error").at("details").at("provider_status").as_int64() == 503);
  sandbox.control("DELETE", "faults");

  host.stop();
  soci::session sql(soci::sqlite3, "db=" + host.database_path().string());
  int with_items = 0, errors = 0;
  sql << "SELECT COUNT(*) FROM activity_log WHERE connector = 'probe-labels' AND action = 'probe-labels.list'"
         " AND status = 'ok' AND item_count > 3 AND latency_ms >= 0",
      soci::into(with_items);
  sql << "SELECT COUNT(*) FROM activity_log WHERE connector = 'probe-labels' AND status = 'upstream_error' AND http_status = 502",
      soci::into(errors);
  BOOST_TEST(with_items == 3);
  BOOST_TEST(errors == 1);
}

// One event loop per I/O thread (host/http/io_shards.hpp): connections are
// spread over them and each keeps its upstream connections; concurrent
// clients on every loop all get their answers, and SIGTERM drains
// connections left open on several loops and exits cleanly.
BOOST_AUTO_TEST_CASE(every_io_thread_serves_proxied_calls_and_drains) {
  SandboxProcess sandbox;
  HostOptions options = probe_host(sandbox);
  options.environment["LAGENTRY_THREADS"] = "3";
  HostProcess host(options);
  connect(host, sandbox, "probe");
  BOOST_TEST(host.log().find("3 I/O threads") != std::string::npos);

  constexpr int kClients = 6, kCalls = 10;
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int c = 0; c < kClients; ++c) clients.push_back(std::make_unique<HttpClient>(host.port()));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (auto& client : clients)
    threads.emplace_back([&ok, &client] {
      for (int i = 0; i < kCalls; ++i)
        if (client->get(kLabels).status == 200) ++ok;
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(ok == kClients * kCalls);

  // The clients' keep-alive connections are still open, on every loop.
  BOOST_TEST(host.stop(SIGTERM) == 0);
  BOOST_TEST(host.log().find("draining " + std::to_string(kClients) + " connections") != std::string::npos, host.log());
  soci::session sql(soci::sqlite3, "db=" + host.database_path().string());
  int calls = 0;
  sql << "SELECT COUNT(*) FROM activity_log WHERE action = 'probe-labels.list' AND status = 'ok'", soci::into(calls);
  BOOST_TEST(calls == kClients * kCalls);
}

// A light load is packed onto one I/O thread (host/http/shard_balance.hpp):
// two keep-alive clients, one request each at a time, start on two threads
// and end up on one, moved between requests. Every request is sent as a
// pipelined pair, so a move happens with the second request already read
// into the buffer the new thread takes over: both are answered, in order.
BOOST_AUTO_TEST_CASE(a_light_load_moves_onto_one_io_thread_and_pipelined_requests_follow) {
  namespace beast = boost::beast;
  namespace bhttp = beast::http;
  using tcp = boost::asio::ip::tcp;
  SandboxProcess sandbox;
  HostOptions options = probe_host(sandbox);
  options.environment["LAGENTRY_THREADS"] = "2";
  HostProcess host(options);
  connect(host, sandbox, "probe");

  boost::asio::io_context io;
  struct Client {
    tcp::socket socket;
    beast::flat_buffer buffer;
  };
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 2; ++i) {
    clients.push_back(std::make_unique<Client>(Client{tcp::socket(io), {}}));
    clients.back()->socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), host.port()));
  }
  const std::string one = "GET " + kLabels + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                          kTestApiKey + "\r\n\r\n";
  auto moves = [&] {
    HttpClient api(host.port());
    const std::string text = api.get("/metrics").body;
    const std::string_view line = "\nlagentry_connection_moves_total ";
    const auto at = text.find(line);
    return at == std::string::npos ? -1 : std::stoi(text.substr(at + line.size()));
  };
  int answered = 0, pairs = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  // Light: the clients take turns, so at most one request is in flight.
  while (std::chrono::steady_clock::now() < until && (pairs < 40 || moves() < 1)) {
    for (auto& client : clients) {
      boost::asio::write(client->socket, boost::asio::buffer(one + one));
      for (int i = 0; i < 2; ++i) {
        bhttp::response<bhttp::string_body> response;
        bhttp::read(client->socket, client->buffer, response);
        if (response.result_int() == 200 && response.body().find("\"items\"") != std::string::npos) ++answered;
      }
    }
    ++pairs;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_TEST(answered == pairs * 4);
  BOOST_TEST(moves() >= 1);
}

BOOST_AUTO_TEST_CASE(requests_are_validated_before_any_upstream_call) {
  SandboxProcess sandbox;
  HostProcess host(probe_host(sandbox));
  HttpClient api(host.port());
  auto expect = [&](const std::string& target, int status, const std::string& code, const std::string& method = "GET") {
    auto r = api.request(method, target, method == "POST" ? "{}" : "", {{"Content-Type", "application/json"}});
    BOOST_TEST(r.status == status, target << " -> " << r.status << " " << r.body);
    BOOST_TEST(r.error_code() == code, target);
  };
  expect("/api/v1/unified/connectors/nope/items?user_email=" + kUser, 404, "unknown_connector");
  expect("/api/v1/unified/connectors/probe-labels/items", 400, "invalid_request");  // no user_email
  expect(kLabels + "&limit=0", 400, "invalid_request");
  expect(kLabels + "&limit=ten", 400, "invalid_request");
  expect("/api/v1/unified/connectors/probe-labels/items?user_email=" + kUser, 405, "unsupported_operation", "POST");
  expect("/api/v1/unified/connectors/probe-labels/search?user_email=" + kUser + "&q=x", 405, "unsupported_operation");
  expect(kLabels, 404, "not_connected");
  auto stats = sandbox.control("GET", "stats").at("calls").as_object();
  BOOST_TEST(!stats.contains("gmail.googleapis.com GET /gmail/v1/users/me/labels"));
}

BOOST_AUTO_TEST_SUITE_END()
