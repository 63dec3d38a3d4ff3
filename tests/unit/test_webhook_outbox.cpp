// The webhook outbox on a real SQLite file: events fan out to a tenant's
// webhooks, a claimed row is not claimed again until its lease ends, and a
// retry waits for its time. And the signature against RFC 4231's HMAC vector.
#include "core/crypto/hmac.hpp"
#include "core/crypto/secret_box.hpp"
#include "core/store/database.hpp"
#include "core/store/clock.hpp"
#include "core/store/migrations.hpp"
#include "core/store/webhook_outbox.hpp"
#include "core/store/webhook_store.hpp"
#include "host/webhooks/webhook_delivery.hpp"
#include "tests/support/host_process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>

namespace fs = std::filesystem;
using namespace lagentry;

namespace {
struct TempDb {
  fs::path dir = test::make_temp_dir("lagentry-outbox");
  std::unique_ptr<store::Database> db = store::Database::open_sqlite(dir / "test.db", 2);
  crypto::KeyRing keys{std::string(32, 'k')};
  TempDb() { store::migrate(*db); }
  ~TempDb() { fs::remove_all(dir); }
};

store::ConnectionEvent event_for(const std::string& tenant) {
  return {"connection.created", tenant, "alice@example.com", "google", "conn_1"};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(webhook_signature)

BOOST_AUTO_TEST_CASE(hmac_matches_rfc_4231_and_the_header_signs_t_dot_body) {
  // RFC 4231 test case 2.
  BOOST_TEST(crypto::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::string body = R"({"id":"evt_1"})";
  BOOST_TEST(host::WebhookDelivery::signature("whsec_x", 1700000000, body) ==
             "t=1700000000,v1=" + crypto::hmac_sha256_hex("whsec_x", "1700000000." + body));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(webhook_outbox)

BOOST_AUTO_TEST_CASE(events_fan_out_to_the_tenants_webhooks_only) {
  TempDb tmp;
  store::WebhookStore webhooks(*tmp.db, tmp.keys);
  store::WebhookOutbox outbox(*tmp.db);
  BOOST_TEST(outbox.enqueue(event_for("acme")).empty());  // no webhooks: nothing written
  auto [first, secret] = webhooks.add("acme", "https://a.example.com/hook");
  webhooks.add("acme", "https://b.example.com/hook");
  webhooks.add("other", "https://c.example.com/hook");
  BOOST_TEST(webhooks.secret(first.id).value() == secret);
  const std::string event_id = outbox.enqueue(event_for("acme"));
  BOOST_TEST(event_id.rfind("evt_", 0) == 0u);
  const auto claimed = outbox.claim(10, 60'000);
  BOOST_REQUIRE_EQUAL(claimed.size(), 2u);
  for (const auto& d : claimed) {
    BOOST_TEST(d.event_id == event_id);
    BOOST_TEST(d.url.find("c.example.com") == std::string::npos);
    const auto body = boost::json::parse(d.payload);
    BOOST_TEST(body.at("type").as_string() == "connection.created");
    BOOST_TEST(body.at("data").at("provider").as_string() == "google");
  }
  BOOST_TEST(webhooks.remove(first.id));
  BOOST_TEST(outbox.counts().pending == 1);  // its deliveries went with it
}

BOOST_AUTO_TEST_CASE(a_claimed_row_is_leased_and_a_retry_waits_for_its_time) {
  TempDb tmp;
  store::WebhookStore webhooks(*tmp.db, tmp.keys);
  webhooks.add("acme", "https://a.example.com/hook");
  store::WebhookOutbox host_a(*tmp.db), host_b(*tmp.db);  // two hosts on one database
  host_a.enqueue(event_for("acme"));
  auto mine = host_a.claim(10, 60'000);
  BOOST_REQUIRE_EQUAL(mine.size(), 1u);
  BOOST_TEST(host_b.claim(10, 60'000).empty());  // leased by host A

  host_a.retry_later(mine[0], store::now_ms() + 150, "HTTP 500");
  BOOST_TEST(host_b.claim(10, 60'000).empty());  // not due yet
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto retried = host_b.claim(10, 60'000);
  BOOST_REQUIRE_EQUAL(retried.size(), 1u);
  BOOST_TEST(retried[0].attempts == 1);
  host_a.retry_later(mine[0], store::now_ms(), "stale");  // A's old claim no longer counts
  BOOST_TEST(host_a.claim(10, 60'000).empty());
  host_b.delivered(retried[0]);
  BOOST_TEST(host_a.counts().delivered == 1);
  BOOST_TEST(host_a.counts().pending == 0);
}

BOOST_AUTO_TEST_CASE(a_lease_left_by_a_dead_host_runs_out) {
  TempDb tmp;
  store::WebhookStore webhooks(*tmp.db, tmp.keys);
  webhooks.add("acme", "https://a.example.com/hook");
  store::WebhookOutbox outbox(*tmp.db);
  outbox.enqueue(event_for("acme"));
  BOOST_REQUIRE_EQUAL(outbox.claim(10, 100).size(), 1u);  // then the host dies
  BOOST_TEST(outbox.claim(10, 100).empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  BOOST_TEST(outbox.claim(10, 100).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
