// The real loader on real shared libraries: a good plugin loads and answers
// through the C ABI; each kind of bad plugin is refused with a clear reason.
#include "core/plugin/abi_check.hpp"
#include "core/plugin/plugin_loader.hpp"
#include "core/plugin/registry.hpp"
#include "tests/support/host_process.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>

namespace fs = std::filesystem;
using namespace lagentry::plugin;
using lagentry::test::make_temp_dir;
using lagentry::test::test_plugin;

namespace {
struct TempDirs {
  fs::path root = make_temp_dir("lagentry-loader");
  fs::path plugins = root / "plugins";
  fs::path runtime = root / "runtime";
  TempDirs() { fs::create_directories(plugins); }
  ~TempDirs() { fs::remove_all(root); }
  void add(const std::string& name, const std::string& as = {}) {
    fs::copy_file(test_plugin(name), plugins / ((as.empty() ? name : as) + ".so"), fs::copy_options::overwrite_existing);
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(plugin_loader)

BOOST_AUTO_TEST_CASE(abi_checks_refuse_bad_tables) {
  BOOST_TEST(check_plugin_table(nullptr).has_value());
  lg_plugin table{};
  table.struct_size = sizeof(lg_plugin);
  table.abi_version = LG_ABI_VERSION;
  table.id = "ok";
  table.version = "1";
  table.manifest = "{}";
  table.invoke = [](const lg_call*, lg_step*) -> int32_t { return LG_OK; };
  BOOST_TEST(!check_plugin_table(&table).has_value());

  auto copy = table;
  copy.abi_version = (2u << 16);
  BOOST_TEST(check_plugin_table(&copy).value().find("not binary compatible") != std::string::npos);
  copy = table;
  copy.abi_version = LG_ABI_VERSION + 5;  // a newer minor of the same major is fine
  BOOST_TEST(!check_plugin_table(&copy).has_value());
  copy = table;
  copy.struct_size = 8;
  BOOST_TEST(check_plugin_table(&copy).value().find("too small") != std::string::npos);
  copy = table;
  copy.invoke = nullptr;
  BOOST_TEST(check_plugin_table(&copy).has_value());
  copy = table;
  copy.id = "Not Valid";
  BOOST_TEST(check_plugin_table(&copy).has_value());
}

// ABI 1.2's flags are read only from a table that holds them: a 1.1 plugin's
// table ends before `flags`, and what lies beyond its end is not its word.
BOOST_AUTO_TEST_CASE(only_a_1_2_table_asks_for_a_response_list) {
  lg_plugin table{};
  table.struct_size = sizeof(lg_plugin);
  table.flags = LG_PLUGIN_RESPONSE_LIST;
  BOOST_TEST(takes_response_list(table));
  table.flags = 0;
  BOOST_TEST(!takes_response_list(table));
  table.flags = LG_PLUGIN_RESPONSE_LIST;
  table.struct_size = static_cast<uint32_t>(kMinPluginTableSize);  // ABI 1.0 and 1.1
  BOOST_TEST(!takes_response_list(table));
}

BOOST_AUTO_TEST_CASE(good_plugin_loads_from_a_private_copy_and_answers) {
  TempDirs dirs;
  dirs.add("echo_v1");
  auto outcome = load_plugin(dirs.plugins / "echo_v1.so", dirs.runtime);
  BOOST_REQUIRE_MESSAGE(outcome.plugin, outcome.error);
  const auto& plugin = *outcome.plugin;
  BOOST_TEST(plugin.id() == "echo");
  BOOST_TEST(plugin.version() == "1.0.0");
  BOOST_TEST(plugin.origin().private_copy.parent_path() == dirs.runtime);
  BOOST_TEST(plugin.origin().private_copy.stem().string() == plugin.origin().sha256);
  BOOST_TEST(fs::exists(plugin.origin().private_copy));

  auto reply = plugin.invoke("echo.post", R"({"body":{"x":1}})");
  BOOST_TEST(reply.code == LG_OK);
  BOOST_TEST(reply.kind == LG_STEP_REPLY);
  auto body = boost::json::parse(reply.json);
  BOOST_TEST(body.at("body").at("input").at("body").at("x").as_int64() == 1);

  // The sans-I/O protocol: fetch, then resume with the responses and the state.
  auto first = plugin.invoke("echo-notes.list", "{}");
  BOOST_TEST(first.kind == LG_STEP_FETCH);
  BOOST_TEST(first.state == "listing");
  BOOST_TEST(boost::json::parse(first.json).at("requests").as_array().size() == 1u);
  auto second = plugin.invoke("echo-notes.list", "{}", first.state, R"([{"status":200,"headers":{},"body":"[]"}])");
  BOOST_TEST(second.kind == LG_STEP_REPLY);
  BOOST_TEST(boost::json::parse(second.json).at("body").at("state").as_string() == "listing");

  // Exceptions never cross the boundary: they come back as error codes.
  auto thrown = plugin.invoke("echo.throw", "{}");
  BOOST_TEST(thrown.code == LG_ERR_INTERNAL);
  BOOST_TEST(thrown.json.find("deliberate failure") != std::string::npos);
  BOOST_TEST(plugin.invoke("no.such.op", "{}").code == LG_ERR_UNKNOWN_OPERATION);
}

BOOST_AUTO_TEST_CASE(bad_plugins_are_refused_with_a_reason) {
  TempDirs dirs;
  struct Case {
    const char* name;
    const char* reason;
  } cases[] = {{"bad_abi", "not binary compatible"},
               {"bad_manifest", "providers[0].oauth.token_url: not an http(s) URL"},
               {"init_fails", "initialisation failed"},
               {"not_a_plugin", "missing entry symbol"}};
  for (const auto& c : cases) {
    dirs.add(c.name);
    auto outcome = load_plugin(dirs.plugins / (std::string(c.name) + ".so"), dirs.runtime);
    BOOST_TEST(!outcome.plugin, c.name);
    BOOST_TEST(outcome.error.find(c.reason) != std::string::npos, c.name << ": " << outcome.error);
  }
  // Refused plugins leave no private copies behind.
  BOOST_TEST(fs::is_empty(dirs.runtime));
  fs::path junk = dirs.plugins / "junk.so";
  { std::ofstream(junk) << "not an ELF file"; }
  BOOST_TEST(load_plugin(junk, dirs.runtime).error.find("cannot load library") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(registry_indexes_refuses_and_replaces) {
  TempDirs dirs;
  dirs.add("echo_v1", "echo");
  dirs.add("bad_abi");
  Registry registry(dirs.plugins, dirs.runtime);
  auto report = registry.reload();
  BOOST_TEST(report.loaded == 1);
  BOOST_TEST(report.refused == 1);
  auto v1 = registry.find_provider("echo");
  BOOST_REQUIRE(v1);
  BOOST_TEST(registry.find_connector("echo-notes") == v1);
  BOOST_TEST(registry.snapshot()->errors.size() == 1u);

  // Unchanged files are kept, not reloaded.
  report = registry.reload();
  BOOST_TEST(report.kept == 1);
  BOOST_TEST(registry.find_provider("echo") == v1);

  // A second plugin claiming the same provider is refused.
  dirs.add("echo_v2", "echo_copy");
  report = registry.reload();
  BOOST_TEST(report.refused == 2);
  BOOST_TEST(registry.find_provider("echo")->version() == "1.0.0");
  fs::remove(dirs.plugins / "echo_copy.so");

  // A changed file replaces the old version; the old one lives while held.
  dirs.add("echo_v2", "echo");
  report = registry.reload();
  BOOST_TEST(report.loaded == 1);
  BOOST_TEST(registry.find_provider("echo")->version() == "2.0.0");
  BOOST_TEST(v1->version() == "1.0.0");
  BOOST_TEST(v1->invoke("echo.post", "{}").json.find("1.0.0") != std::string::npos);

  // A broken replacement leaves the serving version in place.
  dirs.add("bad_manifest", "echo");
  report = registry.reload();
  BOOST_TEST(report.refused == 2);
  BOOST_TEST(registry.find_provider("echo")->version() == "2.0.0");

  // Removing the file retires the plugin.
  fs::remove(dirs.plugins / "echo.so");
  report = registry.reload();
  BOOST_TEST(report.retired == 1);
  BOOST_TEST(!registry.find_provider("echo"));
}

BOOST_AUTO_TEST_CASE(registry_cleans_only_its_own_stale_copies) {
  TempDirs dirs;
  fs::create_directories(dirs.runtime);
  const fs::path stale = dirs.runtime / (std::string(64, 'a') + ".so");
  const fs::path foreign = dirs.runtime / "operator-notes.txt";
  { std::ofstream(stale) << "old copy"; }
  { std::ofstream(foreign) << "not ours"; }
  Registry registry(dirs.plugins, dirs.runtime);
  BOOST_TEST(!fs::exists(stale));
  BOOST_TEST(fs::exists(foreign));  // a shared runtime folder is never wiped
}

BOOST_AUTO_TEST_SUITE_END()
