// The hot path's caches on a real SQLite file: API keys answered without SQL
// yet revoked within the TTL, bound users kept, and connection tokens kept
// fresh, dropped and wiped.
#include "core/oauth/access_cache.hpp"
#include "core/store/api_key_cache.hpp"
#include "core/store/database.hpp"
#include "core/store/migrations.hpp"
#include "tests/support/host_process.hpp"

#include <boost/test/unit_test.hpp>

#include <thread>

namespace fs = std::filesystem;
using namespace lagentry;
using namespace std::chrono_literals;

namespace {
struct KeyDb {
  fs::path dir = test::make_temp_dir("lagentry-cache");
  std::unique_ptr<store::Database> db = store::Database::open_sqlite(dir / "test.db", 2);
  store::ApiKeyStore keys{*db};
  KeyDb() { store::migrate(*db); }
  ~KeyDb() { fs::remove_all(dir); }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(caches)

BOOST_AUTO_TEST_CASE(api_keys_are_answered_from_memory_and_revocation_wins_within_the_ttl) {
  KeyDb db;
  auto [record, plaintext] = db.keys.create("acme", "agent", store::KeyRole::tenant, "bob@example.com");
  store::ApiKeyCache cache(db.keys, 200ms);
  for (int i = 0; i < 100; ++i) {
    auto key = cache.authenticate(plaintext);
    BOOST_REQUIRE(key);
    BOOST_TEST(key->tenant_id == "acme");
    BOOST_TEST(key->user_email == "bob@example.com");
  }
  BOOST_TEST(cache.lookups() == 1u);  // one read for a hundred requests

  BOOST_REQUIRE(db.keys.revoke(record.id));  // as the CLI or another host would
  const auto revoked_at = std::chrono::steady_clock::now();
  while (cache.authenticate(plaintext)) {
    BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() - revoked_at < 1s, "a revoked key kept working past the TTL");
    std::this_thread::sleep_for(10ms);
  }
  BOOST_TEST(!cache.authenticate(plaintext));
  BOOST_TEST(!cache.authenticate("lgk_never-issued"));
  BOOST_TEST(!cache.authenticate(""));
}

BOOST_AUTO_TEST_CASE(connection_tokens_expire_are_dropped_and_wiped) {
  oauth::AccessCache cache(100ms);
  const auto key = oauth::AccessCache::key("acme", "alice@example.com", "google");
  BOOST_TEST(key != oauth::AccessCache::key("acme", "alice@example.co", "mgoogle"));
  oauth::TokenSet tokens;
  tokens.primary.access_token = "ya29.secret";
  cache.put(key, {"conn_1", tokens, "{}", 0});
  auto hit = cache.find(key);
  BOOST_REQUIRE(hit);
  BOOST_TEST(hit->tokens.primary.access_token == "ya29.secret");
  cache.erase(key);
  BOOST_TEST(!cache.find(key));

  cache.put(key, {"conn_1", tokens, "{}", 0});
  std::this_thread::sleep_for(150ms);
  BOOST_TEST(!cache.find(key));  // another host may have changed the row: read it again
  BOOST_TEST(cache.size() == 0u);

  oauth::TokenSet secret;
  secret.primary.access_token = "abc";
  secret.primary.refresh_token = "def";
  secret.user = oauth::Tokens{};
  secret.user->access_token = "xoxp";
  oauth::wipe(secret);
  BOOST_TEST(secret.primary.access_token.empty());
  BOOST_TEST(secret.primary.refresh_token.empty());
  BOOST_TEST(secret.user->access_token.empty());
}

BOOST_AUTO_TEST_SUITE_END()
