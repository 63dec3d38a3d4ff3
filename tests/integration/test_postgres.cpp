// Scale-out: two hosts sharing one PostgreSQL database (LAGENTRY_TEST_POSTGRES_URL,
// provided by scripts/test where the local cluster can be used).
#include "tests/support/oauth_flow.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <cstdlib>

using namespace lagentry::test;

namespace {
std::string postgres_url() {
  const char* url = std::getenv("LAGENTRY_TEST_POSTGRES_URL");
  return url ? url : "";
}

// Starts from an empty schema so every run tests the migrations too.
void reset_schema(const std::string& url) {
  auto u = url.substr(url.find("://") + 3);
  const std::string user = u.substr(0, u.find(':'));
  const std::string password = u.substr(u.find(':') + 1, u.find('@') - u.find(':') - 1);
  const std::string rest = u.substr(u.find('@') + 1);
  const std::string host = rest.substr(0, rest.find('/'));
  const std::string db = rest.substr(rest.find('/') + 1);
  soci::session sql(soci::postgresql, "host=" + host + " dbname=" + db + " user=" + user + " password=" + password);
  sql << "DROP SCHEMA public CASCADE";
  sql << "CREATE SCHEMA public";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_scale_out)

BOOST_AUTO_TEST_CASE(two_hosts_share_connections) {
  const std::string url = postgres_url();
  if (url.empty()) {
    BOOST_TEST_MESSAGE("LAGENTRY_TEST_POSTGRES_URL is not set: PostgreSQL scale-out test not run here");
    BOOST_TEST(true);
    return;
  }
  reset_schema(url);
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

BOOST_AUTO_TEST_SUITE_END()
