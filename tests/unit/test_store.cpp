// Migrations and the activity log on a real SQLite file.
#include "core/store/error_text.hpp"
#include "core/store/activity_log.hpp"
#include "core/store/connection_store.hpp"
#include "core/store/database.hpp"
#include "core/store/migrations.hpp"
#include "tests/support/host_process.hpp"

#include <boost/test/unit_test.hpp>
#include <soci/soci.h>

#include <atomic>
#include <thread>

namespace fs = std::filesystem;
using namespace lagentry::store;

namespace {
struct TempDb {
  fs::path dir = lagentry::test::make_temp_dir("lagentry-store");
  fs::path file = dir / "test.db";
  ~TempDb() { fs::remove_all(dir); }
};

int count(Database& db, const std::string& sql_text) {
  soci::session sql(db.pool());
  int n = 0;
  sql << sql_text, soci::into(n);
  return n;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(store)

BOOST_AUTO_TEST_CASE(migrations_apply_once_and_record_versions) {
  TempDb tmp;
  auto db = Database::open_sqlite(tmp.file, 2);
  BOOST_TEST(schema_version(*db) == 0);
  const int applied = migrate(*db);
  BOOST_TEST(applied == static_cast<int>(migrations().size()));
  BOOST_TEST(schema_version(*db) == migrations().back().version);
  BOOST_TEST(migrate(*db) == 0);  // idempotent

  for (const char* table : {"tenants", "api_keys", "connections", "connection_tokens", "oauth_states", "activity_log"})
    BOOST_TEST(count(*db, std::string("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='") + table + "'") == 1,
               table);

  // WAL mode is on for the file.
  soci::session sql(db->pool());
  std::string mode;
  sql << "PRAGMA journal_mode", soci::into(mode);
  BOOST_TEST(mode == "wal");
}

BOOST_AUTO_TEST_CASE(reopening_keeps_the_schema) {
  TempDb tmp;
  { auto db = Database::open_sqlite(tmp.file); migrate(*db); }
  auto db = Database::open_sqlite(tmp.file);
  BOOST_TEST(migrate(*db) == 0);
  BOOST_TEST(schema_version(*db) == migrations().back().version);
}

BOOST_AUTO_TEST_CASE(hosts_migrating_one_file_at_once_apply_each_migration_once) {
  TempDb tmp;
  std::vector<std::thread> hosts;
  std::atomic<int> applied{0}, failures{0};
  for (int i = 0; i < 4; ++i)
    hosts.emplace_back([&] {
      try {
        auto db = Database::open_sqlite(tmp.file, 1);
        applied += migrate(*db);
      } catch (const std::exception&) {
        ++failures;
      }
    });
  for (auto& h : hosts) h.join();
  BOOST_TEST(failures == 0);
  BOOST_TEST(applied == static_cast<int>(migrations().size()));
  auto db = Database::open_sqlite(tmp.file);
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM schema_migrations") == static_cast<int>(migrations().size()));
}

// Regression: switching a new file to WAL from several connections at once
// answered SQLITE_BUSY at once ("database is locked") about one time in six.
BOOST_AUTO_TEST_CASE(many_connections_opening_one_new_file_at_once_all_succeed) {
  for (int round = 0; round < 20; ++round) {
    TempDb tmp;
    std::atomic<int> ready{0}, failures{0};
    std::vector<std::thread> hosts;
    for (int i = 0; i < 6; ++i)
      hosts.emplace_back([&] {
        ++ready;
        while (ready < 6) std::this_thread::yield();  // start together
        try {
          auto db = Database::open_sqlite(tmp.file, 2);
        } catch (const std::exception& e) {
          BOOST_TEST_MESSAGE(e.what());
          ++failures;
        }
      });
    for (auto& h : hosts) h.join();
    BOOST_TEST_REQUIRE(failures == 0, "round " << round);
  }
}

BOOST_AUTO_TEST_CASE(database_files_are_private_to_their_owner) {
  TempDb tmp;
  auto db = Database::open_sqlite(tmp.file);
  migrate(*db);
  for (const auto& file : {tmp.file, fs::path(tmp.file.string() + "-wal"), fs::path(tmp.file.string() + "-shm")}) {
    BOOST_TEST_REQUIRE(fs::exists(file), file);
    const auto perms = fs::status(file).permissions();
    BOOST_TEST(((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none), file);
  }
}

BOOST_AUTO_TEST_CASE(migration_versions_increase) {
  int last = 0;
  for (const auto& m : migrations()) {
    BOOST_TEST(m.version > last);
    last = m.version;
  }
}

// Enough records that stop() comes while the writer is still busy with full
// batches: the part batch left after them must be written too.
BOOST_AUTO_TEST_CASE(activity_log_batches_and_flushes_on_stop) {
  TempDb tmp;
  auto db = Database::open_sqlite(tmp.file);
  migrate(*db);
  constexpr int kRecords = 20007;  // not a multiple of the batch
  {
    ActivityLog log(*db, ActivityLog::Options{64, std::chrono::milliseconds(10000), 100000});
    for (int i = 0; i < kRecords; ++i)
      log.record({0, "t1", "google", "gmail", "connector.list", "ok", 200, 12, i, "page " + std::to_string(i)});
    log.stop();  // must write everything still queued, despite the long flush interval
    BOOST_TEST(log.written() == static_cast<std::uint64_t>(kRecords));
    BOOST_TEST(log.dropped() == 0u);
    log.record({0, "t1", "google", "gmail", "after.stop", "ok", 200, 1, 1, ""});
    BOOST_TEST(log.dropped() == 1u);
  }
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM activity_log") == kRecords);
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM activity_log WHERE item_count = " + std::to_string(kRecords - 1) +
                            " AND tenant_id = 't1'") == 1);
}

// Under load the writer commits full batches and leaves a part batch for the
// interval: it used to drain the queue after every batch, committing whatever
// had arrived meanwhile (about 30 rows a transaction at full load).
BOOST_AUTO_TEST_CASE(activity_writes_full_batches_at_once_and_a_part_batch_only_later) {
  TempDb tmp;
  auto db = Database::open_sqlite(tmp.file);
  migrate(*db);
  ActivityLog log(*db, ActivityLog::Options{50, std::chrono::hours(1), 100000});
  for (int i = 0; i < 120; ++i) log.record({0, "t1", "google", "gmail", "connector.list", "ok", 200, 1, i, ""});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (log.written() < 100 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // time enough for a writer that drains
  BOOST_TEST(log.written() == 100u);
  BOOST_TEST(log.queued() == 20u);
  log.flush();
  BOOST_TEST(log.written() == 120u);
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM activity_log") == 120);
}

BOOST_AUTO_TEST_CASE(activity_flush_waits_for_the_writer) {
  TempDb tmp;
  auto db = Database::open_sqlite(tmp.file);
  migrate(*db);
  ActivityLog log(*db);
  log.record({0, "t1", "slack", "", "auth.connect", "ok", 200, 5, -1, ""});
  log.flush();
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM activity_log WHERE item_count IS NULL") == 1);
}

// SOCI's what() names every bound value; what the host logs must not.
BOOST_AUTO_TEST_CASE(database_errors_are_logged_without_the_bound_values) {
  TempDb tmp;
  auto db = Database::open_sqlite(tmp.file);
  soci::session sql(db->pool());
  const std::string secret = "sealed-token-do-not-log";
  try {
    sql << "INSERT INTO no_such_table (value) VALUES (:v)", soci::use(secret);
    BOOST_FAIL("the insert should have failed");
  } catch (const std::exception& e) {
    BOOST_TEST(std::string(e.what()).find(secret) != std::string::npos);  // what SOCI says
    const std::string logged = lagentry::store::error_text(e);
    BOOST_TEST(logged.find(secret) == std::string::npos, logged);
    BOOST_TEST(logged.find("no such table") != std::string::npos, logged);
  }
  BOOST_TEST(lagentry::store::error_text(std::runtime_error("plain")) == "plain");
}

// A batch the database refuses is logged and dropped, never retried
// forever; the writer drops its session and statements, and the next batch
// goes through a fresh one.
BOOST_AUTO_TEST_CASE(activity_writer_recovers_after_a_refused_batch) {
  TempDb tmp;
  auto db = Database::open_sqlite(tmp.file);
  migrate(*db);
  ActivityLog log(*db);
  log.record({0, "t1", "google", "gmail", "before", "ok", 200, 1, -1, ""});
  log.flush();
  {
    soci::session sql(db->pool());
    sql << "ALTER TABLE activity_log RENAME TO activity_log_away";
  }
  log.record({0, "t1", "google", "gmail", "refused", "ok", 200, 1, -1, ""});
  log.flush();
  {
    soci::session sql(db->pool());
    sql << "ALTER TABLE activity_log_away RENAME TO activity_log";
  }
  for (int i = 0; i < 70; ++i) log.record({0, "t1", "google", "gmail", "after", "ok", 200, 1, i, ""});
  log.flush();
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM activity_log WHERE action = 'before'") == 1);
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM activity_log WHERE action = 'refused'") == 0);
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM activity_log WHERE action = 'after'") == 70);
  BOOST_TEST(log.written() == 72u);  // counted as handled, so flush() returns
}

// One prepared INSERT serves a whole batch: each row must carry its own
// values and NULLs, not the previous record's.
BOOST_AUTO_TEST_CASE(activity_batch_writes_each_records_values_and_nulls) {
  TempDb tmp;
  auto db = Database::open_sqlite(tmp.file);
  migrate(*db);
  {
    ActivityLog log(*db, ActivityLog::Options{64, std::chrono::milliseconds(10000), 100000});
    log.record({1, "t1", "google", "gmail", "connector.list", "ok", 200, 12, 3, "a", "alice@example.com", "req-1"});
    log.record({2, "t1", "google", "gmail", "connector.get", "not_found", 404, 7, -1, "", "", ""});
    log.record({3, "t2", "slack", "", "auth.connect", "ok", 200, 5, 0, "b", "bob@example.com", ""});
    log.record({4, "t2", "slack", "", "auth.refresh", "ok", 200, 6, -1, "", "", "req-4"});
    log.stop();  // all four in one batch
  }
  // quote() spells NULL as NULL and text in single quotes, so a NULL and an empty string differ.
  soci::session sql(db->pool());
  soci::rowset<std::string> rows =
      (sql.prepare << "SELECT quote(occurred_at) || ' ' || quote(tenant_id) || ' ' || quote(action) || ' ' ||"
                      " quote(status) || ' ' || quote(http_status) || ' ' || quote(latency_ms) || ' ' ||"
                      " quote(item_count) || ' ' || quote(detail) || ' ' || quote(user_email) || ' ' ||"
                      " quote(request_id) FROM activity_log ORDER BY occurred_at");
  const std::vector<std::string> seen(rows.begin(), rows.end());
  const std::vector<std::string> expected{
      "1 't1' 'connector.list' 'ok' 200 12 3 'a' 'alice@example.com' 'req-1'",
      "2 't1' 'connector.get' 'not_found' 404 7 NULL '' NULL NULL",
      "3 't2' 'auth.connect' 'ok' 200 5 0 'b' 'bob@example.com' NULL",
      "4 't2' 'auth.refresh' 'ok' 200 6 NULL '' NULL 'req-4'",
  };
  BOOST_TEST(seen == expected, boost::test_tools::per_element());
}

// A full batch is written 64 rows per statement, the rest in one more: every
// record arrives once, in order, with its NULLs.
BOOST_AUTO_TEST_CASE(activity_batches_larger_than_one_statement_write_every_record) {
  TempDb tmp;
  auto db = Database::open_sqlite(tmp.file);
  migrate(*db);
  constexpr int kRecords = 150;  // two statements of 64 rows and one of 22
  {
    ActivityLog log(*db, ActivityLog::Options{256, std::chrono::milliseconds(10000), 100000});
    for (int i = 1; i <= kRecords; ++i)
      log.record({i, "t", "google", "gmail", "connector.list", "ok", 200, i, i % 3 == 0 ? -1 : i, "", "", ""});
    log.stop();
  }
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM activity_log") == kRecords);
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM activity_log WHERE item_count IS NULL") == kRecords / 3);
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM activity_log WHERE latency_ms = occurred_at") == kRecords);
  BOOST_TEST(count(*db, "SELECT COUNT(DISTINCT occurred_at) FROM activity_log") == kRecords);
}

// A transaction that reads and then writes must hold the write lock from its
// start: in WAL mode SQLite refuses (SQLITE_BUSY, no busy handler) to upgrade
// a read whose snapshot another connection's commit has made stale.
BOOST_AUTO_TEST_CASE(concurrent_connects_and_activity_writes_all_succeed) {
  TempDb tmp;
  auto db = Database::open_sqlite(tmp.file, 4);
  migrate(*db);
  {
    soci::session sql(db->pool());
    sql << "INSERT INTO tenants (id, name, created_at) VALUES ('t', 't', 0)";
  }
  ConnectionStore connections(*db);
  ActivityLog log(*db);
  std::atomic<int> ready{0}, failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w)
    writers.emplace_back([&, w] {
      ++ready;
      while (ready < 3) std::this_thread::yield();
      for (int i = 0; i < 150; ++i) {
        try {
          const std::string user = "u" + std::to_string(w) + "-" + std::to_string(i % 10) + "@example.com";
          const std::string id = connections.id_for("t", user, "google");
          connections.upsert(id, "t", user, "google", "s", "{}", {"k1", "c2VhbGVk"}, 0);
          ActivityRecord record;
          record.tenant_id = "t";
          record.action = "connect";
          log.record(record);
        } catch (const std::exception& e) {
          BOOST_TEST_MESSAGE(e.what());
          ++failures;
        }
      }
    });
  for (auto& t : writers) t.join();
  log.flush();
  BOOST_TEST(failures == 0);
  BOOST_TEST(count(*db, "SELECT COUNT(*) FROM connections") == 30);
}

BOOST_AUTO_TEST_SUITE_END()
