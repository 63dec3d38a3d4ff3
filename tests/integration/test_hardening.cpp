// Defects found from outside (as a new user and as an attacker would try),
// each kept from coming back: request smuggling, descriptor exhaustion,
// connection and authentication floods, states that grow forever, a refresh
// lease a crashed host holds too long, tenants acting as host operators and
// plugin replies that are not JSON.
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oauth_flow.hpp"
#include "tests/support/sandbox_process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <csignal>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace lagentry::test;

namespace {
HostOptions echo_host(std::map<std::string, std::string> environment = {}) {
  HostOptions options;
  options.plugins.push_back(test_plugin("echo_v1"));
  options.environment = std::move(environment);
  return options;
}

// Every HTTP response in `bytes` (status lines), in order.
std::vector<int> statuses_in(const std::string& bytes) {
  static const std::regex status_line(R"((^|\n)HTTP/1\.[01] ([0-9]{3}) )");
  std::vector<int> out;
  for (auto it = std::sregex_iterator(bytes.begin(), bytes.end(), status_line); it != std::sregex_iterator(); ++it)
    out.push_back(std::stoi((*it)[2]));
  return out;
}

// CPU time (user + system) the process used so far, in clock ticks.
long cpu_ticks(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return utime + stime;
}

long long count_rows(const fs::path& database, const std::string& query) {
  soci::session sql(soci::sqlite3, "db=\"" + database.string() + "\" timeout=10");
  long long n = 0;
  sql << query, soci::into(n);
  return n;
}

std::string create_key(HostProcess& host, const std::vector<std::string>& arguments, int expected_code = 0) {
  std::vector<std::string> command{"keys", "create"};
  command.insert(command.end(), arguments.begin(), arguments.end());
  auto [code, output] = run_host_command(command, {{"DATABASE_PATH", host.database_path().string()}});
  BOOST_TEST_REQUIRE(code == expected_code, output);
  return output.substr(0, output.find('\n'));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(hardening)

// RFC 9112 section 6.3: a body length two parsers could read differently is
// refused with 400 and the connection closed, so no second request hides in it.
BOOST_AUTO_TEST_CASE(ambiguous_request_framing_is_refused_and_closes) {
  HostProcess host(echo_host());
  HttpClient client(host.port());
  const std::string smuggled = "GET /admin/plugins HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string body = smuggled;
  struct Case {
    std::string framing;
    int status;
  };
  for (const Case& c : std::vector<Case>{
           {"Transfer-Encoding: gzip\r\n", 400},
           {"Transfer-Encoding: chunked, gzip\r\n", 400},
           {"Transfer-Encoding: xchunked\r\nContent-Length: " + std::to_string(body.size()) + "\r\n", 400},
           {"Transfer-Encoding: chunked\r\nContent-Length: " + std::to_string(body.size()) + "\r\n", 400},
           {"Transfer-Encoding: gzip, chunked\r\n", 501},
           {"Transfer-Encoding: \r\n", 400},
       }) {
    const std::string request = "POST /api/v1/unified/echo/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Authorization: Bearer " + std::string(kTestApiKey) + "\r\n" + c.framing + "\r\n" + body;
    const std::string reply = client.raw_exchange(request);
    const auto statuses = statuses_in(reply);
    BOOST_TEST_REQUIRE(statuses.size() == 1u, c.framing << " -> " << reply);  // nothing served after it
    BOOST_TEST(statuses[0] == c.status, c.framing);
    BOOST_TEST(reply.find("Connection: close") != std::string::npos, c.framing);
    BOOST_TEST(reply.find("\"error\"") != std::string::npos, c.framing);
  }
  // HTTP/1.0 knows no transfer codings.
  auto old = statuses_in(client.raw_exchange("POST /api/v1/unified/echo/messages HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
  BOOST_TEST_REQUIRE(old.size() == 1u);
  BOOST_TEST(old[0] == 400);
  // Plain chunked stays fine.
  auto chunked = client.raw_exchange("POST /api/v1/unified/echo/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                     "Authorization: Bearer " + std::string(kTestApiKey) +
                                     "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  BOOST_TEST(statuses_in(chunked) == std::vector<int>{200}, chunked);
  BOOST_TEST(client.get("/healthz").status == 200);
}

// Regression: at EMFILE the accept loop retried at once, burning a core and
// writing 129 MB of log in 5 s. Now it backs off and logs rarely.
BOOST_AUTO_TEST_CASE(descriptor_exhaustion_backs_off_instead_of_spinning) {
  HostOptions options = echo_host({{"LAGENTRY_MAX_CONNECTIONS", "100000"}});  // let the descriptors run out
  options.descriptor_limit = 256;
  HostProcess host(options);
  asio::io_context io;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), host.port());
  std::vector<tcp::socket> sockets;
  for (int i = 0; i < 400; ++i) {
    tcp::socket s(io);
    boost::system::error_code ec;
    s.connect(endpoint, ec);  // the backlog takes what the host cannot accept
    if (!ec) sockets.push_back(std::move(s));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long before = cpu_ticks(host.pid());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const long used = cpu_ticks(host.pid()) - before;
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  BOOST_TEST_MESSAGE("host CPU while out of descriptors: " << used << " ticks in 3 s");
  BOOST_TEST(used < ticks_per_second);  // a spinning loop uses ~3 s of CPU here
  BOOST_TEST(host.log().size() < 64 * 1024u);
  BOOST_TEST(host.log().find("Too many open files") != std::string::npos);
  sockets.clear();  // descriptors come back: the host serves again
  HttpClient client(host.port());
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    try {
      served = client.get("/healthz").status == 200;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  BOOST_TEST(served);
  BOOST_TEST(host.running());
}

BOOST_AUTO_TEST_CASE(connections_beyond_the_limit_are_closed_at_once) {
  HostProcess host(echo_host({{"LAGENTRY_MAX_CONNECTIONS", "4"}}));
  BOOST_TEST(host.log().find("at most 4 connections") != std::string::npos);
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<HttpClient>(host.port()));
    BOOST_TEST_REQUIRE(held.back()->get("/healthz").status == 200);  // keep-alive: the connection stays open
  }
  HttpClient extra(host.port());
  const auto started = std::chrono::steady_clock::now();
  const std::string reply = extra.raw_exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  BOOST_TEST(reply.empty());  // closed, not answered
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(4)));  // at once, not by a timeout
  held.pop_back();  // one slot frees up
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    served = statuses_in(extra.raw_exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) ==
             std::vector<int>{200};
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_TEST(served);
  for (auto& client : held) BOOST_TEST(client->get("/healthz").status == 200);
}

// Regression: 3,000 wrong keys in 3.5 s all got 401.
BOOST_AUTO_TEST_CASE(wrong_keys_from_one_address_are_throttled) {
  HostProcess host(echo_host({{"LAGENTRY_AUTH_FAILURES_PER_MINUTE", "10"}}));
  HttpClient guesser(host.port());
  guesser.set_bearer("lgk_wrong-guess-0000000000");
  for (int i = 0; i < 10; ++i) BOOST_TEST_REQUIRE(guesser.get("/api/v1/unified/connectors").status == 401, "attempt " << i);
  auto throttled = guesser.get("/api/v1/unified/connectors");
  BOOST_TEST(throttled.status == 429);
  BOOST_TEST(throttled.error_code() == "rate_limited");
  const int retry_after = std::stoi(throttled.header("retry-after"));
  BOOST_TEST(retry_after >= 1);
  BOOST_TEST(retry_after <= 60);
  // Open endpoints do not need a key and stay reachable.
  BOOST_TEST(guesser.get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(a_per_key_request_limit_when_configured) {
  HostProcess host(echo_host({{"LAGENTRY_RATE_LIMIT_PER_KEY", "5"}}));
  HttpClient client(host.port());
  for (int i = 0; i < 5; ++i) BOOST_TEST_REQUIRE(client.get("/api/v1/unified/connectors").status == 200, "request " << i);
  auto limited = client.get("/api/v1/unified/connectors");
  BOOST_TEST(limited.status == 429);
  BOOST_TEST(limited.error_code() == "rate_limited");
  BOOST_TEST(!limited.header("retry-after").empty());
  // Another key has its own budget.
  HttpClient other(host.port());
  other.set_bearer(create_key(host, {"--tenant", "t2"}));
  BOOST_TEST(other.get("/api/v1/unified/connectors").status == 200);
}

// Regression: `keys create --tenant other --admin` could reload the host's plugins.
BOOST_AUTO_TEST_CASE(only_host_operators_administer_the_host) {
  HostProcess host(echo_host());
  create_key(host, {"--tenant", "other", "--admin"}, 2);
  create_key(host, {"--tenant", "other", "--operator"}, 2);
  HttpClient tenant(host.port());
  tenant.set_bearer(create_key(host, {"--tenant", "other"}));
  BOOST_TEST(tenant.get("/api/v1/unified/connectors").status == 200);
  BOOST_TEST(tenant.get("/admin/plugins").status == 403);
  BOOST_TEST(tenant.post_json("/admin/plugins/reload", "{}").status == 403);
  HttpClient operator_client(host.port());
  operator_client.set_bearer(create_key(host, {"--operator", "--name", "ops"}));
  BOOST_TEST(operator_client.get("/admin/plugins").status == 200);
  HttpClient bootstrap(host.port());  // LAGENTRY_API_KEY is an operator key
  BOOST_TEST(bootstrap.post_json("/admin/plugins/reload", "{}").status == 200);
  auto [code, listing] = run_host_command({"keys", "list"}, {{"DATABASE_PATH", host.database_path().string()}});
  BOOST_TEST(code == 0);
  BOOST_TEST(listing.find("\tother\toperator") == std::string::npos, listing);
}

// Regression: states were never deleted; 3,000 /url calls left 3,000 rows
// after their TTL and a restart.
BOOST_AUTO_TEST_CASE(expired_oauth_states_are_purged) {
  HostOptions options = echo_host({{"LAGENTRY_STATE_TTL_SECONDS", "1"},
                                   {"ECHO_CLIENT_ID", "id"},
                                   {"ECHO_CLIENT_SECRET", "secret"},
                                   {"ECHO_REDIRECT_URI", "http://127.0.0.1:1/callback"}});
  HostProcess host(options);
  HttpClient client(host.port());
  for (int i = 0; i < 30; ++i)
    BOOST_TEST_REQUIRE(client.get("/api/v1/unified/auth/echo/url?user_email=u" + std::to_string(i) + "@example.com").status ==
                       200);
  BOOST_TEST(count_rows(host.database_path(), "SELECT COUNT(*) FROM oauth_states") == 30);
  long long left = -1;
  for (int i = 0; i < 100 && left != 0; ++i) {  // purged periodically while running
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    left = count_rows(host.database_path(), "SELECT COUNT(*) FROM oauth_states");
  }
  BOOST_TEST(left == 0);
  BOOST_TEST(host.log().find("purged") != std::string::npos);
}

// Regression: a Latin-1 body or an upstream 1e999 made replies that were not
// JSON. Plugins decode properly now; a plugin that still emits bad JSON gets a
// clear 502 and the client a valid JSON error.
BOOST_AUTO_TEST_CASE(plugin_replies_that_are_not_json_are_a_clear_502) {
  HostProcess host(echo_host());
  HttpClient client(host.port());
  for (const char* kind : {"utf8", "huge", "infinity"}) {
    auto r = client.get(std::string("/api/v1/unified/echo/bad-reply/") + kind, {{"X-Request-Id", std::string("bad-") + kind}});
    BOOST_TEST(r.status == 502, kind);
    BOOST_TEST(r.error_code() == "plugin_error", kind << ": " << r.body);  // error_code() parses the body: valid JSON
  }
  BOOST_TEST(host.log().find("returned a reply that is not valid JSON") != std::string::npos);
  BOOST_TEST(host.log().find("non-finite number request_id=bad-") != std::string::npos, host.log());
  BOOST_TEST(host.log().find("not valid JSON: syntax error request_id=bad-utf8") != std::string::npos);

  // Operators see them: the last failures of each plugin, newest first, with the request ids.
  auto view = client.get("/admin/plugins").json();
  boost::json::array failures;
  for (const auto& p : view.at("plugins").as_array())
    if (p.at("id").as_string() == "echo") failures = p.at("recent_failures").as_array();
  BOOST_REQUIRE_EQUAL(failures.size(), 3u);
  BOOST_TEST(failures.at(0).at("request_id").as_string() == "bad-infinity");
  BOOST_TEST(failures.at(2).at("request_id").as_string() == "bad-utf8");
  BOOST_TEST(failures.at(0).at("code").as_string() == "plugin_error");
  BOOST_TEST(failures.at(0).at("message").as_string().find("plugin echo returned") == 0u, failures.at(0));
}

// Regression: after kill -9 during a refresh, the next refresh waited ~30 s
// for the dead host's lease. The lease is now at most 5 s ahead, renewed by a
// live holder.
BOOST_AUTO_TEST_CASE(a_crashed_refresher_blocks_others_for_at_most_five_seconds) {
  SandboxProcess sandbox;
  const fs::path dir = make_temp_dir("lagentry-lease");
  const std::map<std::string, std::string> shared{{"DATABASE_PATH", (dir / "shared.db").string()}};
  auto first = std::make_unique<HostProcess>(oauth_host(sandbox, shared));
  connect(*first, sandbox, "google");
  // The token endpoint answers slowly, so the refresh is in flight when the host dies.
  sandbox.control("POST", "faults", R"({"origin":"oauth2.googleapis.com","path_prefix":"/token","latency_ms":8000})");
  const unsigned short port = first->port();
  auto refresh = std::async(std::launch::async, [port] {
    try {
      HttpClient api(port);
      return api.post_json("/api/v1/unified/auth/google/refresh?user_email=" + kUser, "{}").status;
    } catch (const std::exception&) {
      return -1;
    }
  });
  // How far ahead of now the lease ends, or -1 while nobody holds it.
  auto lease_ahead_ms = [&] {
    const long long until =
        count_rows(dir / "shared.db", "SELECT COALESCE(MAX(refresh_lease_until), 0) FROM connection_tokens");
    const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
    return until == 0 ? -1 : until - now;
  };
  long long ahead = -1;
  for (int i = 0; i < 100 && ahead < 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ahead = lease_ahead_ms();
  }
  BOOST_TEST_REQUIRE(ahead >= 0, "the refresh never took the lease");
  BOOST_TEST(ahead <= 5'500);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // past a renewal: renewed, and still bounded
  ahead = lease_ahead_ms();
  BOOST_TEST(ahead > 0);
  BOOST_TEST(ahead <= 5'500);
  first->stop(SIGKILL);
  refresh.wait();
  sandbox.control("DELETE", "faults");

  HostProcess second(oauth_host(sandbox, shared));
  HttpClient api(second.port());
  const auto started = std::chrono::steady_clock::now();
  auto r = api.post_json("/api/v1/unified/auth/google/refresh?user_email=" + kUser, "{}");
  const auto waited = std::chrono::steady_clock::now() - started;
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST_MESSAGE("refresh after the crash took "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() << " ms");
  BOOST_TEST((waited < std::chrono::seconds(15)));  // was ~30 s; the bound is 5 s plus the call
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}

BOOST_AUTO_TEST_SUITE_END()
