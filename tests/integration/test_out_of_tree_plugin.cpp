// Installs the SDK, builds tests/out_of_tree_plugin in a temp folder with
// find_package(LagentrySDK), and loads the result into the real host.
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>

namespace fs = std::filesystem;
using namespace lagentry::test;

namespace {
void run(const std::string& command) {
  BOOST_TEST_MESSAGE("$ " << command);
  int code = std::system((command + " > /dev/null 2>&1").c_str());
  BOOST_REQUIRE_MESSAGE(code == 0, "command failed: " << command);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(out_of_tree_plugin)

BOOST_AUTO_TEST_CASE(plugin_built_against_installed_sdk_loads) {
  fs::path work = make_temp_dir("lagentry-oot");
  fs::path prefix = work / "prefix";
  fs::path build = work / "build";
  run("cmake --install '" + binary_dir().string() + "' --prefix '" + prefix.string() + "'");
  BOOST_REQUIRE(fs::exists(prefix / "include/lagentry/plugin.h"));
  BOOST_REQUIRE(fs::exists(prefix / "lib/cmake/LagentrySDK/LagentrySDKConfig.cmake"));
  run("cmake -S '" + (source_dir() / "tests/out_of_tree_plugin").string() + "' -B '" + build.string() +
      "' -DCMAKE_PREFIX_PATH='" + prefix.string() + "' -DCMAKE_BUILD_TYPE=Release");
  run("cmake --build '" + build.string() + "'");
  BOOST_REQUIRE(fs::exists(build / "hello.so"));

  HostOptions options;
  options.plugins.push_back(build / "hello.so");
  HostProcess host(options);
  HttpClient client(host.port());
  auto connectors = client.get("/api/v1/unified/connectors");
  BOOST_TEST(connectors.body.find("\"hello-greetings\"") != std::string::npos, connectors.body);
  auto greet = client.post_json("/api/v1/unified/hello/greet", "{}");
  BOOST_TEST(greet.status == 200);
  BOOST_TEST(greet.json().at("greeting").as_string() == "hello from out of tree");
  fs::remove_all(work);
}

BOOST_AUTO_TEST_SUITE_END()
