// Activity retention: records older than LAGENTRY_ACTIVITY_RETENTION_DAYS
// are purged (at startup, then hourly) and the count is logged; 0 keeps
// every record.
#include "tests/support/host_process.hpp"

#include <boost/test/unit_test.hpp>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <filesystem>
#include <thread>

using namespace lagentry::test;
namespace fs = std::filesystem;

namespace {

constexpr long long kDay = 86'400'000;

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void insert_records(const fs::path& database, int count, long long age_ms, const std::string& action) {
  soci::session sql(soci::sqlite3, "db=" + database.string() + " timeout=5");
  const long long at = now_ms() - age_ms;
  for (int i = 0; i < count; ++i)
    sql << "INSERT INTO activity_log (occurred_at, tenant_id, provider, action, status) VALUES (:t, 'default', 'google', :a, 'ok')",
        soci::use(at), soci::use(action);
}

int records(const fs::path& database, const std::string& action) {
  soci::session sql(soci::sqlite3, "db=" + database.string() + " timeout=5");
  int n = 0;
  sql << "SELECT COUNT(*) FROM activity_log WHERE action = :a", soci::use(action), soci::into(n);
  return n;
}

bool log_shows(HostProcess& host, const std::string& text) {
  for (int i = 0; i < 200 && host.log().find(text) == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  return host.log().find(text) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(activity_retention)

BOOST_AUTO_TEST_CASE(old_records_are_purged_and_zero_keeps_them) {
  const fs::path dir = make_temp_dir("lagentry-retention");
  const fs::path database = dir / "lagentry.db";
  HostOptions options;
  options.environment = {{"DATABASE_PATH", database.string()}, {"LAGENTRY_ACTIVITY_RETENTION_DAYS", "0"}};
  {
    HostProcess host(options);  // creates the schema
    BOOST_TEST(log_shows(host, "activity records are kept forever"), host.log());
  }
  insert_records(database, 3, 40 * kDay, "test.old");
  insert_records(database, 2, 10 * kDay, "test.recent");
  {
    HostProcess keeping(options);
    BOOST_TEST(log_shows(keeping, "kept forever"), keeping.log());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    BOOST_TEST(keeping.log().find("purged") == std::string::npos, keeping.log());
  }
  BOOST_TEST(records(database, "test.old") == 3);

  options.environment["LAGENTRY_ACTIVITY_RETENTION_DAYS"] = "30";
  {
    HostProcess purging(options);
    BOOST_TEST(log_shows(purging, "INFO  [activity] purged 3 activity records older than 30 days"), purging.log());
  }
  BOOST_TEST(records(database, "test.old") == 0);
  BOOST_TEST(records(database, "test.recent") == 2);

  options.environment["LAGENTRY_ACTIVITY_RETENTION_DAYS"] = "7";
  {
    HostProcess stricter(options);
    BOOST_TEST(log_shows(stricter, "purged 2 activity records older than 7 days"), stricter.log());
  }
  BOOST_TEST(records(database, "test.recent") == 0);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
