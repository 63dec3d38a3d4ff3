// Hot reload under load: plugins replaced 50 times while keep-alive clients
// call them, the admin view, and refused replacements.
#include "core/crypto/sha256.hpp"
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oauth_flow.hpp"
#include "tests/support/sandbox_process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace lagentry::test;

namespace {
// The hosts are built like this test. Both sanitizers' allocators hold freed
// memory back (ASan's quarantine, TSan's delayed reuse and shadow), so resident
// memory says nothing about leaks there; LeakSanitizer checks those at exit.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizerAllocator = true;
#else
constexpr bool kSanitizerAllocator = false;
#endif

// Installs `plugin` as echo.so atomically: written under another name, renamed into place.
void install(HostProcess& host, const std::string& plugin) {
  const fs::path staging = host.dir() / "echo.so.partial";
  fs::copy_file(test_plugin(plugin), staging, fs::copy_options::overwrite_existing);
  fs::rename(staging, host.plugin_dir() / "echo.so");
}

std::string version_of(HttpClient& client) {
  auto r = client.post_json("/api/v1/unified/echo/messages", "{}");
  return r.status == 200 ? std::string(r.json().at("version").as_string()) : "status " + std::to_string(r.status);
}

bool wait_for_version(HttpClient& client, const std::string& version) {
  for (int i = 0; i < 400; ++i) {
    if (version_of(client) == version) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

long resident_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Distinct private plugin copies currently mapped by the host.
std::set<std::string> mapped_copies(HostProcess& host) {
  std::ifstream maps("/proc/" + std::to_string(host.pid()) + "/maps");
  std::set<std::string> copies;
  const std::string runtime = (host.dir() / "runtime").string();
  for (std::string line; std::getline(maps, line);)
    if (auto at = line.find(runtime); at != std::string::npos) copies.insert(line.substr(at));
  return copies;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(hot_reload)

BOOST_AUTO_TEST_CASE(fifty_replacements_under_load_lose_no_request) {
  HostProcess host;
  install(host, "echo_v1");
  HttpClient control(host.port());
  BOOST_REQUIRE(wait_for_version(control, "1.0.0"));  // picked up by the folder watcher

  std::atomic<bool> running{true};
  std::atomic<long> ok{0}, failed{0};
  std::mutex seen_mutex;
  std::set<std::string> seen;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&] {
      HttpClient client(host.port());  // one keep-alive connection per client
      while (running) {
        std::string v;
        try {
          v = version_of(client);
        } catch (const std::exception& e) {
          v = std::string("exception ") + e.what();
        }
        if (v == "1.0.0" || v == "2.0.0") {
          ++ok;
        } else {
          ++failed;
          std::lock_guard lock(seen_mutex);
          seen.insert(v);
        }
      }
    });

  long rss_after_10 = 0;
  for (int i = 1; i <= 50; ++i) {
    const bool two = i % 2 == 1;
    install(host, two ? "echo_v2" : "echo_v1");
    BOOST_REQUIRE_MESSAGE(wait_for_version(control, two ? "2.0.0" : "1.0.0"), "reload " << i << " not seen");
    if (i == 10) rss_after_10 = resident_kib(host.pid());
  }
  running = false;
  for (auto& t : clients) t.join();
  // Each request queues an activity record; on a busy machine the writer lags
  // and the queue's records are live memory, not a leak: let it drain first.
  for (int i = 0; i < 300; ++i) {
    const std::string metrics = control.get("/metrics").body;
    if (metrics.find("\nlagentry_activity_queue_depth 0\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const long rss_after_50 = resident_kib(host.pid());

  BOOST_TEST(failed == 0, "unexpected replies: " << (seen.empty() ? "" : *seen.begin()));
  BOOST_TEST(ok > 200);
  BOOST_TEST_MESSAGE("requests " << ok << ", RSS after 10 reloads " << rss_after_10 << " KiB, after 50 " << rss_after_50 << " KiB");
  // Forty more reloads must not cost memory beyond allocator noise (not under
  // a sanitizer's allocator, see kSanitizerAllocator). A quiet machine grows
  // by about 0.2 MB; the bound leaves room for the allocator keeping what a
  // lagging activity writer's backlog once used (seen at 7.7 MB while another
  // build ran), and still catches a version kept per reload. That the old
  // libraries are gone is checked below.
  if (!kSanitizerAllocator) BOOST_TEST(rss_after_50 - rss_after_10 < 12 * 1024);
  // Old versions really leave memory: only the serving copy stays mapped.
  std::set<std::string> mapped;
  for (int i = 0; i < 100; ++i) {
    mapped = mapped_copies(host);
    if (mapped.size() <= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_TEST(mapped.size() == 1u);
  BOOST_TEST(host.log().find("unloaded echo") != std::string::npos);
}

// Regression: a reload freed the registry snapshot while the catalog still
// iterated it (a temporary's member in a range-for), and the host died with
// SIGSEGV after 7-36 reloads. A real plugin is replaced 100 times (same code,
// new bytes) while 8 keep-alive clients call every kind of endpoint.
BOOST_AUTO_TEST_CASE(hundred_replacements_of_a_real_plugin_under_mixed_load) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "google");
  const fs::path google = host.plugin_dir() / "google.so";
  std::string bytes;
  {
    std::ifstream in(google, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string user = "user_email=" + kUser;
  const std::vector<std::string> endpoints{
      "/api/v1/unified/connectors",                   // catalog
      "/api/v1/unified/auth/providers",               // catalog of providers
      "/api/v1/unified/auth/google/status?" + user,   // auth status
      "/api/v1/unified/connectors/gmail/items?limit=2&" + user,  // connector items through the sandbox
      "/api/v1/unified/gmail/labels?" + user,         // a plugin route through the sandbox
      "/admin/plugins",                               // admin
  };

  std::atomic<bool> running{true};
  std::atomic<long> ok{0}, failed{0};
  std::mutex seen_mutex;
  std::set<std::string> seen;
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c)
    clients.emplace_back([&, c] {
      HttpClient client(host.port());
      for (std::size_t i = static_cast<std::size_t>(c); running; ++i) {
        const std::string& target = endpoints[i % endpoints.size()];
        std::string failure;
        try {
          auto r = client.get(target);
          if (r.status != 200) failure = target + " -> " + std::to_string(r.status) + " " + r.body;
        } catch (const std::exception& e) {
          failure = target + " -> exception " + e.what();
        }
        if (failure.empty()) {
          ++ok;
        } else {
          ++failed;
          std::lock_guard lock(seen_mutex);
          seen.insert(failure);
        }
      }
    });

  HttpClient admin(host.port());
  std::mt19937 random(42);
  for (int i = 1; i <= 100; ++i) {
    std::string next = bytes;
    for (int b = 0; b < 16; ++b) next += static_cast<char>(random() & 0xFF);
    const std::string sha = lagentry::crypto::sha256_hex(next);
    {
      std::ofstream out(host.dir() / "google.so.partial", std::ios::binary);
      out << next;
    }
    fs::rename(host.dir() / "google.so.partial", google);
    bool live = false;
    for (int tries = 0; tries < 500 && !live; ++tries) {
      auto view = admin.get("/admin/plugins");
      const auto doc = view.status == 200 ? view.json() : boost::json::value(boost::json::object{{"plugins", boost::json::array{}}});
      for (const auto& p : doc.at("plugins").as_array())
        if (p.at("id").as_string() == "google" && p.at("sha256").as_string() == sha) live = true;
      if (!live) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    BOOST_REQUIRE_MESSAGE(live, "reload " << i << " not seen");
  }
  running = false;
  for (auto& t : clients) t.join();
  BOOST_TEST(failed == 0, failed << " failed; e.g. " << (seen.empty() ? "" : *seen.begin()));
  BOOST_TEST(ok > 500);
  BOOST_TEST(host.running());
  BOOST_TEST_MESSAGE("100 reloads under load: " << ok << " requests, " << failed << " failed");
}

BOOST_AUTO_TEST_CASE(admin_view_broken_replacement_and_removal) {
  HostOptions options;
  options.plugins.push_back(test_plugin("echo_v1"));
  HostProcess host(options);
  HttpClient admin(host.port());

  // Not for tenant keys: a host operator's key is needed.
  auto [code, output] = run_host_command({"keys", "create", "--tenant", "t2"},
                                         {{"DATABASE_PATH", host.database_path().string()}});
  BOOST_REQUIRE(code == 0);
  HttpClient tenant(host.port());
  tenant.set_bearer(output.substr(0, output.find('\n')));
  BOOST_TEST(tenant.get("/admin/plugins").status == 403);

  auto view = admin.get("/admin/plugins");
  BOOST_REQUIRE(view.status == 200);
  auto body = view.json();
  const auto& echo = body.at("plugins").at(0);
  BOOST_TEST(echo.at("id").as_string() == "echo");
  BOOST_TEST(echo.at("abi_version").as_string() == "1.2");
  BOOST_TEST(echo.at("sha256").as_string().size() == 64u);
  BOOST_TEST(echo.at("requests_in_flight").as_int64() == 0);

  // A broken plugin dropped over it is refused; the old version keeps serving.
  const fs::path staging = host.dir() / "staging.so";
  fs::copy_file(test_plugin("bad_abi"), staging);
  fs::rename(staging, host.plugin_dir() / "echo_v1.so");
  auto reload = admin.post_json("/admin/plugins/reload", "{}");
  BOOST_REQUIRE(reload.status == 200);
  auto reloaded = reload.json();
  BOOST_TEST(reloaded.at("errors").at(0).at("error").as_string().find("not binary compatible") != std::string::npos);
  BOOST_TEST(reloaded.at("plugins").at(0).at("version").as_string() == "1.0.0");
  BOOST_TEST(admin.post_json("/api/v1/unified/echo/messages", "{}").status == 200);

  // Removing the file retires the plugin: its routes answer a JSON 404.
  fs::remove(host.plugin_dir() / "echo_v1.so");
  HttpClient client(host.port());
  int status = 0;
  for (int i = 0; i < 200 && status != 404; ++i) {
    status = client.post_json("/api/v1/unified/echo/messages", "{}").status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto gone = client.post_json("/api/v1/unified/echo/messages", "{}");
  BOOST_TEST(gone.status == 404);
  BOOST_TEST(gone.error_code() == "not_found");
  BOOST_TEST(admin.get("/admin/plugins").json().at("plugins").as_array().empty());
}

BOOST_AUTO_TEST_SUITE_END()
