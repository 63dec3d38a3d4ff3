// Plugin isolation (issue #12): a plugin in worker processes that crashes,
// aborts, hangs, allocates without bound or reaches for sockets, files and
// processes costs exactly its own request; the host keeps answering, the
// worker comes back, and repeated crashes mark the plugin failing until the
// next reload. The real host, the real worker executable, a real plugin.
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <future>
#include <set>
#include <thread>

using namespace lagentry::test;
namespace json = boost::json;

namespace {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// The hosts and workers are built like this test. A sanitizer's shadow
// memory rules out the address-space limit (so no unbounded allocation),
// and AddressSanitizer reports a SIGSEGV itself and exits with status 1.
constexpr bool kSanitizer = true;
#else
constexpr bool kSanitizer = false;
#endif
constexpr int kStepTimeoutMs = 1500;

HostOptions isolated_host(const std::string& isolation) {
  HostOptions options;
  options.plugins = {test_plugin("misbehaving"), test_plugin("echo_v1")};
  options.environment = {{"LAGENTRY_PLUGIN_ISOLATION", isolation},
                         {"LAGENTRY_PLUGIN_WORKERS", "2"},
                         {"LAGENTRY_PLUGIN_STEP_TIMEOUT_MS", std::to_string(kStepTimeoutMs)},
                         {"LAGENTRY_PLUGIN_MEMORY_MB", "512"}};
  return options;
}

const std::string kRoute = "/api/v1/unified/misbehave/";

json::object plugin_view(HttpClient& admin, const std::string& id) {
  auto view = admin.get("/admin/plugins");
  BOOST_REQUIRE_EQUAL(view.status, 200);
  const json::value doc = view.json();
  for (const auto& p : doc.at("plugins").as_array())
    if (p.at("id").as_string() == id) return p.as_object();
  BOOST_FAIL("plugin " << id << " not in the admin view");
  return {};
}

std::set<std::int64_t> worker_pids(const json::object& plugin) {
  std::set<std::int64_t> pids;
  for (const auto& pid : plugin.at("worker_pids").as_array()) pids.insert(pid.as_int64());
  return pids;
}

// Waits until the plugin has `count` live workers again (after restarts).
json::object wait_for_workers(HttpClient& admin, const std::string& id, std::size_t count) {
  json::object plugin;
  for (int i = 0; i < 300; ++i) {
    plugin = plugin_view(admin, id);
    if (worker_pids(plugin).size() == count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return plugin;
}

int count_activity(HostProcess& host, const std::string& action, const std::string& status, int http_status) {
  soci::session sql(soci::sqlite3, "db=" + host.database_path().string());
  int n = 0;
  sql << "SELECT COUNT(*) FROM activity_log WHERE action = :a AND status = :s AND http_status = :h", soci::use(action),
      soci::use(status), soci::use(http_status), soci::into(n);
  return n;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(plugin_isolation)

BOOST_AUTO_TEST_CASE(each_misbehaviour_costs_only_its_own_request) {
  HostProcess host(isolated_host("misbehaving"));  // a list: echo stays in the host
  HttpClient admin(host.port());
  const json::object before = plugin_view(admin, "misbehaving");
  BOOST_TEST(before.at("isolation").as_string() == "process");
  const std::set<std::int64_t> first_workers = worker_pids(before);
  BOOST_TEST(first_workers.size() == 2u);
  BOOST_TEST(plugin_view(admin, "echo").at("isolation").as_string() == "none");

  // A step that never ends: its request gets 504 after the timeout, while the
  // plugin's other worker, and the other plugin, keep answering meanwhile.
  const auto hang_started = std::chrono::steady_clock::now();
  auto hang = std::async(std::launch::async, [&] {
    HttpClient client(host.port());
    return client.get(kRoute + "hang");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  HttpClient other(host.port());
  int answered = 0;
  std::set<std::int64_t> served_by;
  for (int i = 0; i < 10; ++i) {
    auto pid = other.get(kRoute + "pid");
    BOOST_TEST(pid.status == 200, pid.body);
    if (pid.status == 200) served_by.insert(pid.json().at("pid").as_int64());
    auto echo = other.post_json("/api/v1/unified/echo/messages", "{}");
    BOOST_TEST(echo.status == 200, echo.body);
    answered += pid.status == 200 && echo.status == 200;
  }
  BOOST_TEST(answered == 10);
  BOOST_TEST((hang.wait_for(std::chrono::seconds(0)) == std::future_status::timeout),
             "the other requests were answered while the hanging step still ran");
  BOOST_TEST(served_by.size() == 1u);  // the one worker not stuck
  const HttpResult hung = hang.get();
  const auto hang_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - hang_started).count();
  BOOST_TEST(hung.status == 504, hung.body);
  BOOST_TEST(hung.error_code() == "plugin_timeout");
  BOOST_TEST(hang_ms >= kStepTimeoutMs);

  // Crashes: each answers 502 plugin_crashed, and only for itself.
  std::vector<std::string> crashes{"segfault", "abort"};
  if (!kSanitizer) crashes.push_back("allocate");  // stopped by the address-space limit, then it dereferences NULL
  for (const auto& crash : crashes) {
    auto r = other.get(kRoute + crash);
    BOOST_TEST(r.status == 502, crash << ": " << r.body);
    BOOST_TEST(r.error_code() == "plugin_crashed", crash);
    auto after = other.get(kRoute + "pid");
    BOOST_TEST(after.status == 200, "after " << crash << ": " << after.body);
  }

  // Reaching outside: the system call is refused, the step goes on and replies.
  for (const std::string what : {"socket", "file", "spawn"}) {
    auto r = other.get(kRoute + what);
    BOOST_REQUIRE_MESSAGE(r.status == 200, what << ": " << r.body);
    BOOST_TEST(r.json().at(what).as_string() == "refused", what << ": " << r.body);
    BOOST_TEST(r.json().at("errno").as_string() == "Operation not permitted", what);
  }

  // The workers come back, new processes, and the view counts the restarts.
  const std::size_t failures = 1 + crashes.size();
  json::object after = wait_for_workers(admin, "misbehaving", 2);
  const std::set<std::int64_t> now_workers = worker_pids(after);
  BOOST_TEST(now_workers.size() == 2u);
  for (auto pid : now_workers) BOOST_TEST(first_workers.count(pid) == 0u);
  BOOST_TEST(after.at("worker_restarts").as_int64() == static_cast<std::int64_t>(failures));
  BOOST_TEST(after.at("failing").as_bool() == false);

  // One log line per lost worker, naming the signal.
  const std::string log = host.log();
  BOOST_TEST(log.find("exceeded the " + std::to_string(kStepTimeoutMs) + " ms step timeout running misbehave.hang and was killed by SIGKILL") != std::string::npos, log);
  if (!kSanitizer) {
    BOOST_TEST(log.find("killed by SIGSEGV while running misbehave.segfault") != std::string::npos, log);
    BOOST_TEST(log.find("killed by SIGSEGV while running misbehave.allocate") != std::string::npos, log);
  }
  BOOST_TEST(log.find("killed by SIGABRT while running misbehave.abort") != std::string::npos, log);

  BOOST_TEST(host.running());
  BOOST_TEST(host.stop() == 0);
  // Each cost is on the record, with its status.
  BOOST_TEST(count_activity(host, "misbehave.hang", "plugin_timeout", 504) == 1);
  BOOST_TEST(count_activity(host, "misbehave.segfault", "plugin_crashed", 502) == 1);
  BOOST_TEST(count_activity(host, "misbehave.abort", "plugin_crashed", 502) == 1);
  BOOST_TEST(count_activity(host, "misbehave.pid", "ok", 200) == 10 + static_cast<int>(crashes.size()));
}

BOOST_AUTO_TEST_CASE(repeated_crashes_mark_the_plugin_failing_until_reload) {
  HostProcess host(isolated_host("process"));  // every plugin isolated
  HttpClient api(host.port());
  BOOST_TEST(plugin_view(api, "echo").at("isolation").as_string() == "process");
  for (int i = 1; i <= 5; ++i) {
    auto r = api.get(kRoute + "segfault");
    BOOST_TEST(r.status == 502, "crash " << i << ": " << r.body);
    BOOST_TEST(r.error_code() == "plugin_crashed");
  }
  // Five crashes within a minute: the plugin's routes answer 503 at once.
  auto refused = api.get(kRoute + "pid");
  BOOST_TEST(refused.status == 503, refused.body);
  BOOST_TEST(refused.error_code() == "plugin_failing");
  BOOST_TEST(plugin_view(api, "misbehaving").at("failing").as_bool() == true);
  BOOST_TEST(host.log().find("plugin misbehaving is marked failing (5 worker failures within 60 s)") != std::string::npos);
  // Other plugins are untouched.
  BOOST_TEST(api.post_json("/api/v1/unified/echo/messages", "{}").status == 200);
  BOOST_TEST(plugin_view(api, "echo").at("failing").as_bool() == false);

  // The next reload (the file is unchanged) clears the mark and restarts the workers.
  BOOST_REQUIRE_EQUAL(api.request("POST", "/admin/plugins/reload").status, 200);
  auto served = api.get(kRoute + "pid");
  BOOST_TEST(served.status == 200, served.body);
  const json::object revived = wait_for_workers(api, "misbehaving", 2);
  BOOST_TEST(revived.at("failing").as_bool() == false);
  BOOST_TEST(worker_pids(revived).size() == 2u);
  BOOST_TEST(host.running());
}

BOOST_AUTO_TEST_CASE(a_bad_isolation_setting_is_refused_at_startup) {
  auto [code, output] = run_host_command({}, {{"LAGENTRY_PLUGIN_ISOLATION", "Bad Id"}});
  BOOST_TEST(code == 2);
  BOOST_TEST(output.find("LAGENTRY_PLUGIN_ISOLATION: 'Bad Id' is not a plugin id") != std::string::npos, output);
  auto [missing, message] = run_host_command({}, {{"LAGENTRY_PLUGIN_ISOLATION", "process"},
                                                   {"LAGENTRY_PLUGIN_WORKER", "/nonexistent/worker"}});
  BOOST_TEST(missing == 2);
  BOOST_TEST(message.find("LAGENTRY_PLUGIN_WORKER: /nonexistent/worker is not an executable") != std::string::npos, message);
}

BOOST_AUTO_TEST_SUITE_END()
