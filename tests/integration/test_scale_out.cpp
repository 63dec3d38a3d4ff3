// Scale-out: several hosts sharing one database — an SQLite file on one
// machine, and PostgreSQL (LAGENTRY_TEST_POSTGRES_URL, provided by
// scripts/test where the local cluster can be used).
#include "tests/support/oauth_flow.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <thread>

namespace fs = std::filesystem;

using namespace lagentry::test;

namespace {
std::string postgres_url() {
  const char* url = std::getenv("LAGENTRY_TEST_POSTGRES_URL");
  return url ? url : "";
}

// A session of our own on the test database (postgresql://user:password@host/db).
std::unique_ptr<soci::session> postgres_session(const std::string& url) {
  auto u = url.substr(url.find("://") + 3);
  const std::string user = u.substr(0, u.find(':'));
  const std::string password = u.substr(u.find(':') + 1, u.find('@') - u.find(':') - 1);
  const std::string rest = u.substr(u.find('@') + 1);
  const std::string host = rest.substr(0, rest.find('/'));
  const std::string db = rest.substr(rest.find('/') + 1);
  return std::make_unique<soci::session>(soci::postgresql,
                                         "host=" + host + " dbname=" + db + " user=" + user + " password=" + password);
}

// Starts from an empty schema so every run tests the migrations too.
void reset_schema(const std::string& url) {
  auto sql = postgres_session(url);
  *sql << "DROP SCHEMA public CASCADE";
  *sql << "CREATE SCHEMA public";
}
// The test database with an empty schema, or "" (reported) where none is configured.
std::string fresh_postgres() {
  const std::string url = postgres_url();
  if (url.empty()) {
    BOOST_TEST_MESSAGE("LAGENTRY_TEST_POSTGRES_URL is not set: PostgreSQL scale-out test not run here");
    BOOST_TEST(true);
    return url;
  }
  reset_schema(url);
  return url;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(scale_out)

// Calls from two hosts on an expired token with rotating refresh tokens: the
// refresh lease in the shared database lets exactly one host refresh.
void refresh_once_across_hosts(const std::map<std::string, std::string>& shared) {
  SandboxProcess sandbox;
  HostProcess first(oauth_host(sandbox, shared));
  HostProcess second(oauth_host(sandbox, shared));
  connect_with_an_expired_token(first, sandbox, "atlassian");  // rotating refresh tokens: a second refresh would fail

  std::vector<int> statuses(40, 0);
  std::vector<std::thread> callers;
  for (int i = 0; i < 40; ++i)
    callers.emplace_back([&, i] {
      HttpClient api(i % 2 ? first.port() : second.port());
      statuses[i] = api.get("/api/v1/unified/auth/atlassian/validate?user_email=" + kUser).status;
    });
  for (auto& t : callers) t.join();
  for (int s : statuses) BOOST_TEST(s == 200);
  BOOST_TEST(sandbox.grants("refresh_token") == 1);
}

BOOST_AUTO_TEST_CASE(hosts_sharing_an_sqlite_file_refresh_once) {
  fs::path dir = make_temp_dir("lagentry-shared");
  refresh_once_across_hosts({{"DATABASE_PATH", (dir / "shared.db").string()}});
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(hosts_sharing_postgresql_refresh_once) {
  const std::string url = fresh_postgres();
  if (url.empty()) return;
  refresh_once_across_hosts({{"DATABASE_URL", url}});
}

// Both hosts answer keys and tokens from memory; what one host (or the CLI)
// changes in the shared database reaches the other within the caches' TTLs.
BOOST_AUTO_TEST_CASE(revocations_reach_every_host_within_the_cache_ttls) {
  const fs::path dir = make_temp_dir("lagentry-caches");
  const std::map<std::string, std::string> shared{{"DATABASE_PATH", (dir / "shared.db").string()}};
  SandboxProcess sandbox;
  HostProcess first(oauth_host(sandbox, shared));
  HostProcess second(oauth_host(sandbox, shared));
  connect(first, sandbox, "google");
  HttpClient other(second.port());
  const std::string labels = "/api/v1/unified/gmail/labels?user_email=" + kUser;
  for (int i = 0; i < 5; ++i) BOOST_REQUIRE_EQUAL(other.get(labels).status, 200);  // cached on the second host

  HttpClient api(first.port());
  BOOST_REQUIRE_EQUAL(api.request("DELETE", "/api/v1/unified/auth/google/revoke?user_email=" + kUser).status, 200);
  auto waited = [](const std::chrono::steady_clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
  };
  auto revoked_at = std::chrono::steady_clock::now();
  while (other.get(labels).error_code() != "not_connected") {
    BOOST_REQUIRE_MESSAGE(waited(revoked_at) < 3000, "the second host kept using revoked tokens");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_TEST_MESSAGE("tokens revoked on one host stopped on the other after " << waited(revoked_at) << " ms");

  auto [created, output] = run_host_command({"keys", "create", "--tenant", "acme", "--name", "agent"},
                                            {{"DATABASE_PATH", (dir / "shared.db").string()},
                                             {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}});
  BOOST_REQUIRE_EQUAL(created, 0);
  std::string key = output.substr(output.find("lgk_"));
  key = key.substr(0, key.find('\n'));
  const std::string id = output.substr(output.find("created key_") + 8, 16);
  HttpClient tenant(second.port());
  tenant.set_bearer(key);
  BOOST_REQUIRE_EQUAL(tenant.get("/api/v1/unified/connectors").status, 200);
  BOOST_REQUIRE_EQUAL(run_host_command({"keys", "revoke", id}, {{"DATABASE_PATH", (dir / "shared.db").string()},
                                                                {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}})
                          .first,
                      0);
  revoked_at = std::chrono::steady_clock::now();
  while (tenant.get("/api/v1/unified/connectors").status != 401) {
    BOOST_REQUIRE_MESSAGE(waited(revoked_at) < 6000, "a revoked API key kept working for more than 5 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST_MESSAGE("a revoked key stopped working after " << waited(revoked_at) << " ms");
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(two_hosts_share_connections) {
  const std::string url = fresh_postgres();
  if (url.empty()) return;
  SandboxProcess sandbox;
  // Behind one load balancer the hosts share a public URL (and so redirect URIs).
  const std::map<std::string, std::string> shared{{"DATABASE_URL", url},
                                                  {"LAGENTRY_PUBLIC_URL", "https://lagentry.example.com"}};
  HostProcess first(oauth_host(sandbox, shared));
  HostProcess second(oauth_host(sandbox, shared));
  BOOST_TEST(first.log().find("applied migration 1") != std::string::npos);

  connect(first, sandbox, "google");  // the flow starts and ends on the first host
  HttpClient other(second.port());
  auto valid = other.get("/api/v1/unified/auth/google/validate?user_email=" + kUser);
  BOOST_TEST(valid.status == 200, valid.body);
  BOOST_TEST(other.post_json("/api/v1/unified/auth/google/refresh?user_email=" + kUser, "{}").status == 200);
  HttpClient api(first.port());
  BOOST_TEST(api.get("/api/v1/unified/auth/google/validate?user_email=" + kUser).status == 200);

  // A flow started on one host can finish on the other (states live in the database).
  Flow flow = start_flow(first, sandbox, "slack");
  HttpClient browser(second.port());
  browser.set_bearer("");
  BOOST_TEST(browser.get(flow.callback_target).status == 200);
  BOOST_TEST(status_of(first, "slack").at("connected").as_bool());

  BOOST_TEST(other.request("DELETE", "/api/v1/unified/auth/google/revoke?user_email=" + kUser).status == 200);
  BOOST_TEST(!status_of(first, "google").at("connected").as_bool());
}

// Nothing waits for the database on an I/O thread. With every OAuth state
// insert taking 200 ms (a trigger sleeping in PostgreSQL), more slow calls at
// once than the host has I/O threads, the cached calls answered meanwhile
// keep their latency: the slow work waits on the database pool, not on the
// threads that serve connections.
BOOST_AUTO_TEST_CASE(a_slow_database_does_not_stall_cached_requests) {
  const std::string url = fresh_postgres();
  if (url.empty()) return;
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox, {{"DATABASE_URL", url}}));  // 2 I/O threads, 4 database sessions
  connect(host, sandbox, "google");
  {
    auto sql = postgres_session(url);
    *sql << "CREATE FUNCTION slow_insert() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(0.2); RETURN NEW; END $$"
            " LANGUAGE plpgsql";
    *sql << "CREATE TRIGGER slow_states BEFORE INSERT ON oauth_states FOR EACH ROW EXECUTE FUNCTION slow_insert()";
  }
  HttpClient api(host.port());
  const std::string labels = "/api/v1/unified/gmail/labels?user_email=" + kUser;
  BOOST_REQUIRE_EQUAL(api.get(labels).status, 200);  // the key and the tokens are in memory now

  constexpr int kSlowClients = 4, kFlowsEach = 3;
  std::atomic<int> slow_running{kSlowClients}, slow_ok{0};
  std::vector<std::thread> slow;
  for (int i = 0; i < kSlowClients; ++i)
    slow.emplace_back([&] {
      HttpClient client(host.port());
      for (int j = 0; j < kFlowsEach; ++j)
        if (client.get("/api/v1/unified/auth/google/url?user_email=" + kUser).status == 200) ++slow_ok;
      --slow_running;
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the slow inserts are under way
  int answered = 0, failed = 0;
  std::chrono::duration<double, std::milli> worst{0};
  while (slow_running > 0) {
    const auto started = std::chrono::steady_clock::now();
    const int status = api.get(labels).status;
    worst = std::max(worst, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started));
    if (status == 200) ++answered;
    else ++failed;
  }
  for (auto& t : slow) t.join();
  BOOST_TEST(slow_ok == kSlowClients * kFlowsEach);
  BOOST_TEST(failed == 0);
  BOOST_TEST(answered >= 5, "only " << answered << " cached calls were answered while the slow ones ran");
  BOOST_TEST(worst.count() < 150.0, "a cached call took " << worst.count() << " ms: it waited for the slow database");
  BOOST_TEST_MESSAGE(answered << " cached calls during the slow ones, the slowest in " << worst.count() << " ms");
}

BOOST_AUTO_TEST_SUITE_END()
