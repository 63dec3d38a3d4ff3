// Webhooks as a tenant's receiver sees them: connection events arrive signed
// (the HMAC is checked here with OpenSSL, independently of the host's code),
// are retried after a 500, survive `kill -9` between the event and its
// delivery, and never carry a token; the CLI shows the secret once only.
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oauth_flow.hpp"
#include "tests/support/request_recorder.hpp"
#include "tests/support/sandbox_process.hpp"

#include <boost/algorithm/hex.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <regex>
#include <sstream>
#include <thread>

using namespace lagentry::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> database_env(const fs::path& database) {
  return {{"DATABASE_PATH", database.string()}, {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}};
}

// `webhooks add` prints the secret alone on a line; answers it and the webhook id.
std::pair<std::string, std::string> add_webhook(const fs::path& database, const std::string& url,
                                                const std::string& tenant = "default") {
  auto [code, output] = run_host_command({"webhooks", "add", "--tenant", tenant, "--url", url}, database_env(database));
  BOOST_REQUIRE_MESSAGE(code == 0, output);
  std::smatch secret, id;
  BOOST_REQUIRE_MESSAGE(std::regex_search(output, secret, std::regex("whsec_[A-Za-z0-9_-]+")), output);
  BOOST_REQUIRE_MESSAGE(std::regex_search(output, id, std::regex("created (wh_[A-Za-z0-9_-]+)")), output);
  return {secret.str(), id[1].str()};
}

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return done();
}

std::string hmac_hex(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest, &length);
  std::string hex;
  boost::algorithm::hex_lower(digest, digest + length, std::back_inserter(hex));
  return hex;
}

// Checks `Lagentry-Signature: t=<unix>,v1=<hex>` as a receiver would.
void check_signature(const RecordedRequest& request, const std::string& secret) {
  const auto it = request.headers.find("lagentry-signature");
  BOOST_REQUIRE(it != request.headers.end());
  std::smatch m;
  BOOST_REQUIRE_MESSAGE(std::regex_match(it->second, m, std::regex("t=([0-9]+),v1=([0-9a-f]{64})")), it->second);
  const long long t = std::stoll(m[1].str());
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  BOOST_TEST(std::llabs(now - t) < 300);  // fresh: receivers refuse old timestamps
  BOOST_TEST(m[2].str() == hmac_hex(secret, m[1].str() + "." + request.body));
  BOOST_TEST(m[2].str() != hmac_hex(secret + "x", m[1].str() + "." + request.body));
}

int count(const fs::path& database, const std::string& where) {
  soci::session sql(soci::sqlite3, "db=" + database.string() + " timeout=5");
  int n = 0;
  sql << "SELECT COUNT(*) FROM webhook_deliveries WHERE " + where, soci::into(n);
  return n;
}

std::string event_type(const RecordedRequest& request) {
  return std::string(json::parse(request.body).at("type").as_string());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(webhooks)

BOOST_AUTO_TEST_CASE(cli_shows_the_secret_once_and_stores_it_sealed) {
  const fs::path dir = make_temp_dir("lagentry-webhooks-cli");
  const fs::path database = dir / "lagentry.db";
  auto [missing_code, missing] = run_host_command({"webhooks", "list"}, database_env(database));
  BOOST_TEST(missing_code != 0);
  BOOST_TEST(missing.find("no database at") != std::string::npos, missing);
  BOOST_TEST(!fs::exists(database));  // never created silently
  {
    HostOptions options;
    options.environment = {{"DATABASE_PATH", database.string()}};
    HostProcess host(options);  // creates and migrates the database
  }
  auto [secret, id] = add_webhook(database, "http://127.0.0.1:9/hooks");
  BOOST_TEST(secret.size() > 40u);
  auto [second_secret, second_id] = add_webhook(database, "https://hooks.example.com/lagentry", "acme");
  BOOST_TEST(second_secret != secret);

  auto [list_code, list] = run_host_command({"webhooks", "list"}, database_env(database));
  BOOST_TEST(list_code == 0, list);
  BOOST_TEST(list.find(id + "\tdefault\thttp://127.0.0.1:9/hooks") != std::string::npos, list);
  BOOST_TEST(list.find(second_id + "\tacme\thttps://hooks.example.com/lagentry") != std::string::npos, list);
  BOOST_TEST(list.find("whsec_") == std::string::npos, list);  // never again
  auto [acme_code, acme] = run_host_command({"webhooks", "list", "--tenant", "acme"}, database_env(database));
  BOOST_TEST(acme.find(second_id) != std::string::npos, acme);
  BOOST_TEST(acme.find(id) == std::string::npos, acme);

  // Neither the database file nor its WAL holds a secret in the clear.
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(database.string() + suffix, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    BOOST_TEST(bytes.str().find(secret) == std::string::npos);
    BOOST_TEST(bytes.str().find("whsec_") == std::string::npos);
  }

  auto [bad_code, bad] = run_host_command({"webhooks", "add", "--tenant", "default", "--url", "ftp://x/y"},
                                          database_env(database));
  BOOST_TEST(bad_code != 0, bad);
  auto [usage_code, usage] = run_host_command({"webhooks", "add", "--url", "http://127.0.0.1:9/"}, database_env(database));
  BOOST_TEST(usage_code == 2, usage);

  auto [remove_code, removed] = run_host_command({"webhooks", "remove", id}, database_env(database));
  BOOST_TEST(remove_code == 0, removed);
  auto [again_code, again] = run_host_command({"webhooks", "remove", id}, database_env(database));
  BOOST_TEST(again_code == 1, again);
  auto [after_code, after] = run_host_command({"webhooks", "list"}, database_env(database));
  BOOST_TEST(after.find(id) == std::string::npos, after);
  BOOST_TEST(after.find(second_id) != std::string::npos, after);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(connection_events_arrive_signed_and_are_retried_after_a_500) {
  SandboxProcess sandbox;
  RequestRecorder receiver(500, R"({"error":"busy"})");
  HostProcess host(oauth_host(sandbox, {{"LAGENTRY_WEBHOOK_RETRY_BASE_MS", "100"}}));
  auto [secret, id] = add_webhook(host.database_path(), receiver.base_url() + "/hooks/lagentry");

  connect(host, sandbox, "google");
  BOOST_REQUIRE_MESSAGE(wait_for([&] { return receiver.requests().size() >= 2; }), host.log());  // first answered 500
  BOOST_TEST(count(host.database_path(), "delivered_at IS NULL") == 1);
  receiver.set_status(200);
  BOOST_REQUIRE_MESSAGE(wait_for([&] { return count(host.database_path(), "delivered_at IS NOT NULL") == 1; }), host.log());
  const auto created = receiver.requests();
  const std::string event_id = created.front().headers.at("lagentry-event-id");
  for (const auto& r : created) {
    BOOST_TEST(r.method == "POST");
    BOOST_TEST(r.target == "/hooks/lagentry");
    BOOST_TEST(r.headers.at("content-type") == "application/json");
    BOOST_TEST(r.headers.at("lagentry-event-id") == event_id);  // the same event, retried
    check_signature(r, secret);
  }
  const json::value body = json::parse(created.back().body);
  BOOST_TEST(body.at("id").as_string() == event_id);
  BOOST_TEST(body.at("type").as_string() == "connection.created");
  BOOST_TEST(body.at("tenant").as_string() == "default");
  BOOST_TEST(body.at("data").at("user_email").as_string() == kUser);
  BOOST_TEST(body.at("data").at("provider").as_string() == "google");
  BOOST_TEST(!body.at("created_at").as_string().empty());
  BOOST_TEST(host.log().find("answered HTTP 500 for " + event_id) != std::string::npos, host.log());

  // Connecting again, a dead grant and a revoke: one event each, in order.
  connect(host, sandbox, "google");
  sandbox.control("POST", "reset");  // the provider forgets every grant: the next refresh gets invalid_grant
  HttpClient api(host.port());
  BOOST_TEST(api.post_json("/api/v1/unified/auth/google/refresh?user_email=" + kUser, "{}").status == 401);
  BOOST_TEST(api.request("DELETE", "/api/v1/unified/auth/google/revoke?user_email=" + kUser).status == 200);
  BOOST_REQUIRE_MESSAGE(wait_for([&] { return receiver.requests().size() >= created.size() + 3; }), host.log());
  const auto all = receiver.requests();
  BOOST_TEST(event_type(all[created.size()]) == "connection.reauthorized");
  BOOST_TEST(event_type(all[created.size() + 1]) == "connection.needs_reauth");
  BOOST_TEST(event_type(all[created.size() + 2]) == "connection.revoked");
  for (const auto& r : all) check_signature(r, secret);
  BOOST_TEST(all.back().headers.at("lagentry-event-id") != event_id);  // a new id per event
  BOOST_TEST(!receiver.saw_credential());  // no token, no Authorization header, ever
  BOOST_TEST(host.log().find(secret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_event_survives_kill_9_before_its_delivery) {
  const fs::path dir = make_temp_dir("lagentry-webhooks-kill");
  const fs::path database = dir / "lagentry.db";
  SandboxProcess sandbox;
  RequestRecorder receiver(500);
  std::map<std::string, std::string> env{{"DATABASE_PATH", database.string()}, {"LAGENTRY_WEBHOOK_RETRY_BASE_MS", "100"}};
  std::string event_id;
  {
    HostProcess first(oauth_host(sandbox, env));
    auto [secret, id] = add_webhook(database, receiver.base_url() + "/hooks");
    connect(first, sandbox, "slack");
    BOOST_REQUIRE_MESSAGE(wait_for([&] { return !receiver.requests().empty(); }), first.log());
    event_id = receiver.requests().front().headers.at("lagentry-event-id");
    BOOST_TEST(first.stop(SIGKILL) == 128 + SIGKILL);
  }
  BOOST_TEST(count(database, "delivered_at IS NULL AND abandoned_at IS NULL") == 1);  // still in the outbox
  const std::size_t before = receiver.requests().size();
  receiver.set_status(200);

  HostProcess second(oauth_host(sandbox, env));
  // A lease left by a POST in flight at the kill runs out after 30 s at most.
  BOOST_REQUIRE_MESSAGE(wait_for([&] { return count(database, "delivered_at IS NOT NULL") == 1; }, std::chrono::seconds(45)),
                        second.log());
  const auto after = receiver.requests();
  BOOST_REQUIRE(after.size() > before);
  BOOST_TEST(after.back().headers.at("lagentry-event-id") == event_id);
  BOOST_TEST(event_type(after.back()) == "connection.created");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  BOOST_TEST(receiver.requests().size() == after.size());  // delivered: not sent again
  second.stop();
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(an_event_is_given_up_after_the_maximum_age) {
  SandboxProcess sandbox;
  RequestRecorder receiver(503);
  HostProcess host(oauth_host(sandbox, {{"LAGENTRY_WEBHOOK_RETRY_BASE_MS", "100"}}));
  add_webhook(host.database_path(), receiver.base_url() + "/hooks");
  connect(host, sandbox, "google");
  BOOST_REQUIRE_MESSAGE(wait_for([&] { return !receiver.requests().empty(); }), host.log());
  // Age the row as if a day had passed: the next attempt gives it up.
  {
    soci::session sql(soci::sqlite3, "db=" + host.database_path().string() + " timeout=5");
    sql << "UPDATE webhook_deliveries SET created_at = created_at - 86400000 - 1000";
  }
  BOOST_REQUIRE_MESSAGE(wait_for([&] { return count(host.database_path(), "abandoned_at IS NOT NULL") == 1; }), host.log());
  BOOST_TEST(host.log().find("gave up connection.created") != std::string::npos, host.log());
  const std::size_t sent = receiver.requests().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  BOOST_TEST(receiver.requests().size() == sent);
}

BOOST_AUTO_TEST_SUITE_END()
