// scripts/new-plugin end to end: install the SDK, generate a plugin project
// from sdk/template, build it against the installed SDK, run its own unit test
// (the SDK's fake host) and load the .so into the real host. Also tests the
// fake host itself (<lagentry/testing.hpp>) against the echo test plugin.
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"

#include <lagentry/testing.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

// The echo test plugin's sources, compiled into this test to drive them
// through the fake host (defines lagentry_plugin_entry, ECHO_VERSION 1.0.0).
#include "tests/plugins/echo_plugin.cpp"

namespace fs = std::filesystem;
using namespace lagentry::test;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `command` with its output appended to `log`; returns the exit status.
int run_logged(const std::string& command, const fs::path& log) {
  BOOST_TEST_MESSAGE("$ " << command);
  {
    std::ofstream out(log, std::ios::app);
    out << "$ " << command << '\n';
  }
  int code = std::system((command + " >> '" + log.string() + "' 2>&1").c_str());
  return WIFEXITED(code) ? WEXITSTATUS(code) : 128;
}

void run(const std::string& command, const fs::path& log) {
  int code = run_logged(command, log);
  if (code != 0) {
    std::string text = read_file(log);
    if (text.size() > 6000) text = "..." + text.substr(text.size() - 6000);
    BOOST_FAIL("command failed (exit " << code << "): " << command << "\n" << text);
  }
}

std::string quote(const fs::path& path) { return "'" + path.string() + "'"; }

// A C ABI plugin that never stops fetching, to test the fake host's step limit.
const lg_host* g_forever_host = nullptr;
int32_t forever_invoke(const lg_call*, lg_step* out) {
  static constexpr std::string_view requests = R"({"requests":[{"method":"GET","url":"https://x.test/"}]})";
  out->kind = LG_STEP_FETCH;
  out->json = static_cast<char*>(g_forever_host->alloc(requests.size()));
  std::memcpy(out->json, requests.data(), requests.size());
  out->json_length = requests.size();
  return LG_OK;
}
const lg_plugin* forever_entry(const lg_host* host) {
  g_forever_host = host;
  static lg_plugin table{sizeof(lg_plugin), LG_ABI_VERSION, "forever", "1.0.0", "{}", forever_invoke, nullptr};
  return &table;
}
const lg_plugin* future_abi_entry(const lg_host*) {
  static lg_plugin table{sizeof(lg_plugin), (2u << 16), "future", "1.0.0", "{}", forever_invoke, nullptr};
  return &table;
}

// A C ABI plugin that takes its responses as a list (ABI 1.2) and replies
// with what it was handed: "form" list or document, and per response
// "status|hex(body)|error|name=value;..." (hex: the body's bytes, exactly).
const lg_host* g_lister_host = nullptr;
void set_text(char*& data, std::size_t& length, const std::string& text) {
  data = static_cast<char*>(g_lister_host->alloc(text.size()));
  std::memcpy(data, text.data(), text.size());
  length = text.size();
}
std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out += {digits[c >> 4], digits[c & 15]};
  return out;
}
int32_t lister_invoke(const lg_call* call, lg_step* out) {
  if (!call->state) {
    out->kind = LG_STEP_FETCH;
    set_text(out->json, out->json_length,
             R"({"requests":[{"method":"GET","url":"https://x.test/a"},{"method":"GET","url":"https://x.test/b"}]})");
    set_text(out->state, out->state_length, "s");
    return LG_OK;
  }
  std::string entries;
  for (std::size_t i = 0; i < call->response_count; ++i) {
    const lg_response& r = *call->response_list[i];
    std::string entry = std::to_string(r.status) + "|" + hex({r.body.data, r.body.length}) + "|" +
                        std::string(r.error.data, r.error.length) + "|";
    for (std::size_t h = 0; h < r.header_count; ++h)
      entry += std::string(r.headers[2 * h].data, r.headers[2 * h].length) + "=" +
               std::string(r.headers[2 * h + 1].data, r.headers[2 * h + 1].length) + ";";
    entries += (entries.empty() ? "\"" : ",\"") + entry + "\"";
  }
  const std::string form = call->response_list ? "list" : "document";
  out->kind = LG_STEP_REPLY;
  set_text(out->json, out->json_length,
           R"({"status":200,"body":{"form":")" + form + R"(","entries":[)" + entries + "]}}");
  return LG_OK;
}
const lg_plugin* lister_entry(const lg_host* host) {
  g_lister_host = host;
  static lg_plugin table{sizeof(lg_plugin), LG_ABI_VERSION, "lister", "1.0.0", R"({"api_origins":[]})",
                         lister_invoke, nullptr, LG_PLUGIN_RESPONSE_LIST};
  return &table;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(new_plugin_template)

BOOST_AUTO_TEST_SUITE(fake_host)

BOOST_AUTO_TEST_CASE(runs_echo_operations_through_the_step_loop) {
  lagentry::testing::FakeHost host(lagentry_plugin_entry);
  BOOST_TEST(host.id() == "echo");
  BOOST_TEST(host.version() == "1.0.0");

  auto direct = host.run("echo.post", lagentry::testing::make_input({{"a", "b\"c"}}));
  BOOST_TEST(direct.code == LG_OK);
  BOOST_TEST(direct.status == 200);
  BOOST_TEST(direct.steps == 1);
  BOOST_TEST(boost::json::parse(direct.json).at("body").at("input").at("params").at("a").as_string() == "b\"c");

  std::string seen;
  auto listed = host.run("echo-notes.list", lagentry::testing::make_input(), [&](const std::string& requests) {
    seen = requests;
    return lagentry::testing::responses({lagentry::testing::response(200, "[1,2]")});
  });
  BOOST_TEST(listed.status == 200);
  BOOST_TEST(listed.steps == 2);
  BOOST_REQUIRE(listed.fetches.size() == 1u);
  BOOST_TEST(listed.fetches[0] == seen);
  auto body = boost::json::parse(listed.json).at("body");
  BOOST_TEST(body.at("state").as_string() == "listing");  // the state came back verbatim
  BOOST_TEST(body.at("responses").at(0).at("body").as_string() == "[1,2]");
  BOOST_TEST(body.at("responses").at(0).at("headers").at("content-type").as_string() == "application/json");

  auto missing = host.run("echo-notes.get", lagentry::testing::make_input());
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(missing.code == LG_OK);
}

BOOST_AUTO_TEST_CASE(maps_plugin_errors_like_the_host) {
  lagentry::testing::FakeHost host(lagentry_plugin_entry);
  auto thrown = host.run("echo.throw", lagentry::testing::make_input());
  BOOST_TEST(thrown.code == LG_ERR_INTERNAL);
  BOOST_TEST(thrown.status == 502);
  BOOST_TEST(thrown.json == "deliberate failure");
  auto bad = host.run("echo.upstream", lagentry::testing::make_input());
  BOOST_TEST(bad.code == LG_ERR_BAD_INPUT);
  BOOST_TEST(bad.status == 400);
  auto unknown = host.run("echo.nope", lagentry::testing::make_input());
  BOOST_TEST(unknown.code == LG_ERR_UNKNOWN_OPERATION);
  BOOST_TEST(unknown.status == 404);
  // A fetch the test did not expect is a test error, not a silent success.
  BOOST_CHECK_THROW(host.run("echo-notes.list", lagentry::testing::make_input()), std::logic_error);
}

BOOST_AUTO_TEST_CASE(stops_a_plugin_that_keeps_fetching_and_refuses_another_abi) {
  lagentry::testing::FakeHost host(forever_entry);
  int calls = 0;
  auto r = host.run("forever.go", "{}", [&](const std::string&) {
    ++calls;
    return lagentry::testing::responses({lagentry::testing::transport_error("timed out")});
  });
  BOOST_TEST(r.code == LG_ERR_INTERNAL);
  BOOST_TEST(r.status == 502);
  BOOST_TEST(r.steps == lagentry::testing::FakeHost::kMaxSteps);
  BOOST_TEST(calls == lagentry::testing::FakeHost::kMaxSteps);
  BOOST_TEST(r.json.find("within 16 steps") != std::string::npos, r.json);

  try {
    lagentry::testing::FakeHost refused(future_abi_entry);
    BOOST_FAIL("a plugin of ABI 2.0 was accepted");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find("plugin ABI 2.0, host ABI 1.2") != std::string::npos, e.what());
  }
}

// A plugin that sets LG_PLUGIN_RESPONSE_LIST gets the responder's entries as
// lg_responses, bodies as bytes; with Delivery::document it gets the document,
// as from a 1.1 host. The list form used to be untestable with the fake host.
BOOST_AUTO_TEST_CASE(hands_a_plugin_that_asks_its_responses_as_a_list) {
  using namespace lagentry::testing;
  FakeHost host(lister_entry);
  BOOST_TEST(host.delivers_list());
  const std::string body = "a\"b\\\n\xff";  // escaped in the document; one byte that is not UTF-8
  const auto responder = [&](const std::string&) {
    return responses({response(200, body, {{"content-type", "text/plain"}, {"etag", "x1"}}), transport_error("timed out")});
  };
  auto listed = host.run("lister.go", make_input(), responder);
  BOOST_REQUIRE_MESSAGE(listed.ok(), listed.json);
  BOOST_TEST(listed.responses_as_list);
  auto reply = boost::json::parse(listed.json).at("body");
  BOOST_TEST(reply.at("form").as_string() == "list");
  BOOST_REQUIRE(reply.at("entries").as_array().size() == 2u);
  BOOST_TEST(reply.at("entries").at(0).as_string() == "200|" + hex(body) + "||content-type=text/plain;etag=x1;");
  BOOST_TEST(reply.at("entries").at(1).as_string() == "0||timed out|");

  // Written by hand: \u escapes (a surrogate pair too) are UTF-8, other members skipped.
  auto unicode = host.run("lister.go", make_input(), [](const std::string&) {
    return std::string(R"([{"status":201,"extra":[1,{"x":null},-2.5e3],"headers":{},"body":"\u00e9\ud83d\ude00\/"}])");
  });
  BOOST_REQUIRE_MESSAGE(unicode.ok(), unicode.json);
  BOOST_TEST(boost::json::parse(unicode.json).at("body").at("entries").at(0).as_string() ==
             "201|" + hex("\xc3\xa9\xf0\x9f\x98\x80/") + "||");

  // Not the host's shape: the run stops and says why.
  for (const char* wrong : {R"([{"status":"200"}])", "[]", R"([{"body":"\ud800"}])", R"({"status":200})", "[{}] x"}) {
    auto refused = host.run("lister.go", make_input(), [&](const std::string&) { return std::string(wrong); });
    BOOST_TEST(refused.code == LG_ERR_INTERNAL, wrong);
    BOOST_TEST(refused.json.find("not a JSON array of responses") != std::string::npos, refused.json);
  }

  host.set_delivery(Delivery::document);
  BOOST_TEST(!host.delivers_list());
  auto document = host.run("lister.go", make_input(), responder);
  BOOST_REQUIRE_MESSAGE(document.ok(), document.json);
  BOOST_TEST(!document.responses_as_list);
  BOOST_TEST(boost::json::parse(document.json).at("body").at("form").as_string() == "document");
}

BOOST_AUTO_TEST_SUITE_END()  // fake_host

BOOST_AUTO_TEST_CASE(script_rejects_bad_names) {
  fs::path work = make_temp_dir("lagentry-newplugin-names");
  fs::path script = source_dir() / "scripts/new-plugin";
  const std::vector<std::string> bad_names{"Upper", "1digit", "has space", "dot.name", std::string(59, 'a')};
  for (const auto& name : bad_names) {
    int code = run_logged(quote(script) + " '" + name + "' " + quote(work / "out"), work / "log");
    BOOST_TEST(code != 0, "accepted " << name);
    BOOST_TEST(!fs::exists(work / "out"), "created a project for " << name);
  }
  BOOST_TEST(read_file(work / "log").find("invalid plugin name 'Upper'") != std::string::npos);
  fs::remove_all(work);
}

BOOST_AUTO_TEST_CASE(generated_plugin_builds_tests_and_serves_in_the_host) {
  fs::path work = make_temp_dir("lagentry-newplugin");
  fs::path log = work / "commands.log";
  fs::path prefix = work / "prefix";
  fs::path project = work / "demo-thing";
  fs::path build = project / "build";

  run("cmake --install " + quote(binary_dir()) + " --prefix " + quote(prefix), log);
  BOOST_REQUIRE(fs::exists(prefix / "include/lagentry/testing.hpp"));
  BOOST_REQUIRE(fs::exists(prefix / "share/lagentry/template/CMakeLists.txt"));
  BOOST_REQUIRE(fs::exists(prefix / "bin/lagentry-new-plugin"));

  run(quote(source_dir() / "scripts/new-plugin") + " demo-thing " + quote(project), log);
  BOOST_REQUIRE(fs::exists(project / "CMakeLists.txt"));
  BOOST_REQUIRE(fs::exists(project / "src/demo_thing_plugin.cpp"));
  BOOST_REQUIRE(fs::exists(project / "test/test_demo_thing.cpp"));
  BOOST_REQUIRE(fs::exists(project / "README.md"));
  std::string source = read_file(project / "src/demo_thing_plugin.cpp");
  BOOST_TEST(source.find('@') == std::string::npos, "placeholder left in the generated source");
  BOOST_TEST(source.find("\"demo-thing-items\"") != std::string::npos);
  BOOST_TEST(source.find("\"DEMO_THING\"") != std::string::npos);
  // The installed copy of the script finds the installed template and makes the same project.
  run(quote(prefix / "bin/lagentry-new-plugin") + " demo-thing " + quote(work / "from-prefix"), log);
  run("diff -r " + quote(project) + " " + quote(work / "from-prefix"), log);
  // An existing project is never overwritten.
  BOOST_TEST(run_logged(quote(source_dir() / "scripts/new-plugin") + " demo-thing " + quote(project), log) != 0);

  run("cmake -S " + quote(project) + " -B " + quote(build) + " -DCMAKE_PREFIX_PATH=" + quote(prefix) +
          " -DCMAKE_BUILD_TYPE=Release",
      log);
  run("cmake --build " + quote(build) + " -j 2", log);
  BOOST_REQUIRE(fs::exists(build / "demo-thing.so"));
  run("ctest --test-dir " + quote(build) + " --output-on-failure", log);
  BOOST_TEST(read_file(log).find("100% tests passed, 0 tests failed out of 1") != std::string::npos);

  HostOptions options;
  options.plugins.push_back(build / "demo-thing.so");
  HostProcess host(options);
  HttpClient client(host.port());
  auto hello = client.get("/api/v1/unified/demo-thing/hello?name=host");
  BOOST_TEST(hello.status == 200, hello.body << "\n" << host.log());
  if (hello.status == 200) {
    BOOST_TEST(hello.json().at("message").as_string() == "hello, host, from demo-thing");
    BOOST_TEST(hello.json().at("plugin").as_string() == "demo-thing");
  }
  auto connectors = client.get("/api/v1/unified/connectors");
  BOOST_TEST(connectors.status == 200);
  BOOST_TEST(connectors.body.find("\"demo-thing-items\"") != std::string::npos, connectors.body);
  // The connector needs a connection: without user_email the host refuses before calling the plugin.
  auto items = client.get("/api/v1/unified/connectors/demo-thing-items/items");
  BOOST_TEST(items.status == 400, items.body);
  fs::remove_all(work);
}

BOOST_AUTO_TEST_SUITE_END()
