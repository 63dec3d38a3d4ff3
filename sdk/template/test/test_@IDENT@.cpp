// Unit test of the @NAME@ plugin, in-process: the plugin's sources are linked
// into this executable and driven through the SDK's fake host, which plays the
// Lagentry host (allocator, log, the step loop) while the test plays the provider.
#define BOOST_TEST_MODULE @NAME@ plugin
#include <boost/test/unit_test.hpp>

#include <lagentry/testing.hpp>

#include <boost/json.hpp>

#include <string>

// Defined in src/@IDENT@_plugin.cpp by LAGENTRY_DEFINE_PLUGIN.
extern "C" const lg_plugin* lagentry_plugin_entry(const lg_host* host);

namespace json = boost::json;
using lagentry::testing::FakeHost;
using lagentry::testing::make_input;
using lagentry::testing::response;
using lagentry::testing::responses;

BOOST_AUTO_TEST_CASE(loads_with_a_manifest_naming_its_connector_and_route) {
  FakeHost host(lagentry_plugin_entry);
  BOOST_TEST(host.id() == "@NAME@");
  json::value manifest = json::parse(host.manifest());
  BOOST_TEST(manifest.at("version").as_string() == host.version());
  BOOST_TEST(manifest.at("connectors").at(0).at("name").as_string() == "@NAME@-items");
  BOOST_TEST(manifest.at("routes").at(0).at("path").as_string() == "/@NAME@/hello");
}

BOOST_AUTO_TEST_CASE(hello_replies_without_calling_the_provider) {
  FakeHost host(lagentry_plugin_entry);
  auto r = host.run("@NAME@.hello", make_input({{"name", "Ada"}}));  // no responder: a fetch would throw
  BOOST_TEST(r.code == LG_OK);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.steps == 1);
  BOOST_TEST(json::parse(r.json).at("body").at("message").as_string() == "hello, Ada, from @NAME@");
}

BOOST_AUTO_TEST_CASE(list_fetches_items_and_answers_a_unified_page) {
  FakeHost host(lagentry_plugin_entry);
  std::string seen;
  auto r = host.run("@NAME@-items.list", make_input({{"limit", "5"}}), [&](const std::string& requests) {
    seen = requests;
    return responses({response(200, R"({"items":[{"id":"1","name":"First","description":"the first"},
                                                 {"id":2,"name":"Second"}]})")});
  });
  BOOST_TEST(r.ok(), r.json);
  BOOST_TEST(r.steps == 2);
  json::value request = json::parse(seen).at("requests").at(0);
  BOOST_TEST(request.at("method").as_string() == "GET");
  BOOST_TEST(request.at("url").as_string() == "https://api.example.com/items?limit=5");

  json::value page = json::parse(r.json).at("body");
  BOOST_TEST(page.at("next_cursor").is_null());
  const auto& items = page.at("items").as_array();
  BOOST_REQUIRE(items.size() == 2u);
  BOOST_TEST(items[0].at("id").as_string() == "1");
  BOOST_TEST(items[0].at("type").as_string() == "item");
  BOOST_TEST(items[0].at("title").as_string() == "First");
  BOOST_TEST(items[0].at("snippet").as_string() == "the first");
  BOOST_TEST(items[1].at("id").as_string() == "2");
  BOOST_TEST(items[1].at("snippet").is_null());
  BOOST_TEST(!items[0].as_object().contains("raw"));
}

BOOST_AUTO_TEST_CASE(list_maps_provider_failures_to_the_error_model) {
  FakeHost host(lagentry_plugin_entry);
  auto r = host.run("@NAME@-items.list", make_input(),
                    [](const std::string&) { return responses({response(503, "unavailable")}); });
  BOOST_TEST(r.status == 502);
  BOOST_TEST(json::parse(r.json).at("error").at("code").as_string() == "upstream_error");

  auto down = host.run("@NAME@-items.list", make_input(), [](const std::string&) {
    return responses({lagentry::testing::transport_error("timed out")});
  });
  BOOST_TEST(down.status == 504);
}

BOOST_AUTO_TEST_CASE(bad_input_and_unknown_operations_are_refused) {
  FakeHost host(lagentry_plugin_entry);
  auto bad = host.run("@NAME@-items.list", make_input({{"limit", "lots"}}));
  BOOST_TEST(bad.code == LG_ERR_BAD_INPUT);
  BOOST_TEST(bad.status == 400);
  auto unknown = host.run("@NAME@.nope", make_input());
  BOOST_TEST(unknown.code == LG_ERR_UNKNOWN_OPERATION);
}
