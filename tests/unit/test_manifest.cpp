// Manifest validation: good manifests parse, every kind of mistake is refused
// with a message naming the field.
#include "core/oauth/provider_directory.hpp"
#include "core/plugin/manifest.hpp"
#include "tests/support/host_process.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace lagentry::plugin;

namespace {
std::string error_of(const std::string& json) {
  auto result = parse_manifest(json);
  auto* error = std::get_if<std::string>(&result);
  return error ? *error : std::string{};
}

const char* kProvider = R"({"name":"acme","oauth":{"authorization_url":"https://a.test/auth","token_url":"https://a.test/token"}})";

std::string manifest_with(const std::string& extra) {
  return R"({"id":"acme","version":"1.0.0","providers":[)" + std::string(kProvider) + "]" + extra + "}";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(manifest)

BOOST_AUTO_TEST_CASE(minimal_manifest_parses_with_defaults) {
  auto result = parse_manifest(manifest_with(""));
  BOOST_REQUIRE(std::holds_alternative<Manifest>(result));
  const Manifest& m = std::get<Manifest>(result);
  BOOST_TEST(m.id == "acme");
  BOOST_REQUIRE_EQUAL(m.providers.size(), 1u);
  const auto& oauth = m.providers[0].oauth;
  BOOST_TEST(oauth.pkce);  // PKCE on by default
  BOOST_TEST(oauth.scope_separator == " ");
  BOOST_TEST(to_string(oauth.client_auth) == "form");
  BOOST_TEST(m.providers[0].display_name == "acme");
}

BOOST_AUTO_TEST_CASE(full_manifest_parses) {
  auto result = parse_manifest(manifest_with(R"(,
    "operations": ["notes.list", "notes.get", "acme.ping"],
    "connectors": [{"name":"notes","provider":"acme","verbs":["list","get"],"item_types":["note"]}],
    "routes": [{"method":"GET","path":"/acme/ping","operation":"acme.ping","provider":"acme"}])"));
  BOOST_REQUIRE(std::holds_alternative<Manifest>(result));
  const Manifest& m = std::get<Manifest>(result);
  BOOST_REQUIRE(m.find_connector("notes"));
  BOOST_TEST(m.find_connector("notes")->verbs.size() == 2u);
  BOOST_TEST(m.routes.at(0).path == "/acme/ping");
}

BOOST_AUTO_TEST_CASE(mistakes_are_refused_with_the_field_named) {
  BOOST_TEST(error_of("{not json").find("not valid JSON") != std::string::npos);
  BOOST_TEST(error_of("[]").find("must be an object") != std::string::npos);
  BOOST_TEST(error_of(R"({"version":"1"})").find("id: is required") != std::string::npos);
  BOOST_TEST(error_of(R"({"id":"Bad Id","version":"1"})").find("id: must match") != std::string::npos);
  BOOST_TEST(error_of(R"({"id":"a","version":""})").find("version") != std::string::npos);
  BOOST_TEST(error_of(R"({"id":"a","version":"1","providers":[{"name":"p","oauth":{"authorization_url":"https://a.test/x","token_url":"ftp://x"}}]})")
                 .find("providers[0].oauth.token_url: not an http(s) URL") != std::string::npos);
  BOOST_TEST(error_of(R"({"id":"a","version":"1","providers":[{"name":"p"}]})").find("providers[0].oauth: is required") !=
             std::string::npos);
  BOOST_TEST(error_of(R"({"id":"a","version":"1","providers":[{"name":"p","oauth":{"issuer":"https://i.test","client_auth":"magic"}}]})")
                 .find("client_auth") != std::string::npos);
  BOOST_TEST(error_of(manifest_with(R"(,"connectors":[{"name":"n","provider":"acme","verbs":["list"]}])"))
                 .find("undeclared operation n.list") != std::string::npos);
  BOOST_TEST(error_of(manifest_with(R"(,"connectors":[{"name":"n","provider":"acme","verbs":["explode"]}])"))
                 .find("unknown verb explode") != std::string::npos);
  BOOST_TEST(error_of(manifest_with(R"(,"operations":["x"],"routes":[{"method":"GET","path":"/a/../b","operation":"x","provider":"acme"}])"))
                 .find("routes[0].path") != std::string::npos);
  BOOST_TEST(error_of(manifest_with(R"(,"operations":["x"],"routes":[{"method":"TRACE","path":"/a","operation":"x","provider":"acme"}])"))
                 .find("routes[0].method") != std::string::npos);
  BOOST_TEST(error_of(manifest_with(R"(,"operations":["x","x"])")).find("duplicate operation") != std::string::npos);
  BOOST_TEST(error_of(manifest_with(R"(,"operations":["a.list","b.list"],"connectors":[)"
                                    R"({"name":"a","provider":"acme","verbs":["list"],"aliases":["b"]},)"
                                    R"({"name":"b","provider":"acme","verbs":["list"]}])"))
                 .find("duplicate connector") != std::string::npos);
  BOOST_TEST(error_of(manifest_with(R"(,"operations":["a.list"],"connectors":[{"name":"a","provider":"acme","verbs":["list"],"aliases":["Bad Name"]}])"))
                 .find("must match") != std::string::npos);
  BOOST_TEST(error_of(R"({"id":"a","version":"1","providers":[)" + std::string(kProvider) + "," + kProvider + "]}")
                 .find("duplicate provider") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(issuer_alone_is_enough_for_discovery) {
  auto result = parse_manifest(R"({"id":"a","version":"1","providers":[{"name":"p","oauth":{"issuer":"https://idp.test"}}]})");
  BOOST_TEST(std::holds_alternative<Manifest>(result));
}

BOOST_AUTO_TEST_CASE(provider_descriptor_is_one_provider_object) {
  using lagentry::oauth::ProviderDirectory;
  BOOST_TEST(ProviderDirectory::parse_descriptor(kProvider).name == "acme");
  // Found by fuzz_provider_descriptor: spliced into the manifest text, an empty
  // file threw std::out_of_range and these changed the manifest instead.
  const std::string provider = kProvider;
  for (const std::string& text : {std::string(), provider + "," + provider, std::string("[]"),
                                  provider + R"(],"operations":["x"],"providers":[)" + provider}) {
    BOOST_CHECK_THROW(ProviderDirectory::parse_descriptor(text), std::runtime_error);
  }
}

// ABI 1.1: where a provider's tokens may go.
BOOST_AUTO_TEST_CASE(api_origins_are_https_origins) {
  auto with_origins = [](const std::string& origins) {
    return R"({"id":"a","version":"1","providers":[{"name":"p","api_origins":)" + origins +
           R"(,"oauth":{"authorization_url":"https://a.test/x","token_url":"https://a.test/t"}}]})";
  };
  auto parsed = parse_manifest(with_origins(R"(["https://API.example.com:443/", "https://api.example.com", "https://b.test:8443"])"));
  BOOST_REQUIRE(std::holds_alternative<Manifest>(parsed));
  const auto& origins = std::get<Manifest>(parsed).providers.at(0).api_origins;
  BOOST_TEST(origins == (std::vector<std::string>{"https://api.example.com", "https://b.test:8443"}), boost::test_tools::per_element());
  BOOST_TEST(std::get<Manifest>(parse_manifest(manifest_with(""))).providers.at(0).api_origins.empty());  // allowed, but no tokens
  for (const char* bad : {R"(["http://api.example.com"])", R"(["https://api.example.com/v1"])", R"(["https://u@api.example.com"])",
                          R"(["api.example.com"])", R"("https://api.example.com")", R"([1])"})
    BOOST_TEST(error_of(with_origins(bad)).find("providers[0].api_origins") != std::string::npos, bad << " -> " << error_of(with_origins(bad)));
}

BOOST_AUTO_TEST_CASE(a_descriptor_s_tokens_default_to_its_issuer_s_origin) {
  auto dir = lagentry::test::make_temp_dir("descriptors");
  std::ofstream(dir / "a.json") << R"({"name":"idp-a","oauth":{"issuer":"https://IdP.example/realms/x","client_auth":"basic"}})";
  std::ofstream(dir / "b.json") << R"({"name":"idp-b","api_origins":["https://api.b.example"],"oauth":{"issuer":"https://idp.b.example"}})";
  std::ofstream(dir / "c.json") << R"({"name":"idp-c","oauth":{"authorization_url":"https://c.example/a","token_url":"https://c.example/t"}})";
  auto descriptors = lagentry::oauth::ProviderDirectory::load_descriptors(dir);
  BOOST_REQUIRE_EQUAL(descriptors.size(), 3u);
  BOOST_TEST(descriptors[0].api_origins == std::vector<std::string>{"https://idp.example"}, boost::test_tools::per_element());
  BOOST_TEST(descriptors[1].api_origins == std::vector<std::string>{"https://api.b.example"}, boost::test_tools::per_element());
  BOOST_TEST(descriptors[2].api_origins.empty());
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(shipped_plugin_manifests_are_valid) {
  for (const char* plugin : {"google", "slack", "atlassian"}) {
    std::ifstream in(lagentry::test::source_dir() / "plugins" / plugin / "manifest.json");
    std::stringstream text;
    text << in.rdbuf();
    auto result = parse_manifest(text.str());
    auto* error = std::get_if<std::string>(&result);
    BOOST_TEST(!error, plugin << ": " << (error ? *error : ""));
    if (!error)
      for (const auto& provider : std::get<Manifest>(result).providers)
        BOOST_TEST(!provider.api_origins.empty(), plugin << ": " << provider.name << " declares no api_origins");
  }
}

BOOST_AUTO_TEST_SUITE_END()
