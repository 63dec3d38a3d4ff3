// Drives Atlassian plugin operations through the real loader and the C ABI.
// Each upstream answer is given by the test in the provider's wire format;
// an operation may fetch several times before it replies.
#pragma once

#include "core/plugin/plugin_loader.hpp"
#include "tests/support/host_process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>

namespace atlassian_test {
namespace json = boost::json;

// The input document of a Jira/Confluence call on a connection with two sites.
inline std::string site_input(const std::string& params, const std::string& body = "null") {
  return R"({"params":)" + params + R"(,"body":)" + body + R"(,"provider":"atlassian","connection":{"metadata":{"sites":[
    {"id":"11111111-2222-4333-8444-555555555555","name":"acme","url":"https://acme.atlassian.net"},
    {"id":"66666666-7777-4888-9999-000000000000","name":"beta","url":"https://beta.atlassian.net"}]}}})";
}

class Operation {
 public:
  Operation(const lagentry::plugin::LoadedPlugin& plugin, std::string name, std::string input)
      : plugin_(plugin), name_(std::move(name)), input_(std::move(input)) {
    advance(plugin_.invoke(name_, input_));
  }

  bool fetching() const { return step_.code == LG_OK && step_.kind == LG_STEP_FETCH; }
  // The one request of the pending fetch.
  json::object request() const {
    BOOST_REQUIRE_MESSAGE(fetching(), "expected a fetch, got: " << step_.json);
    const auto requests = json::parse(step_.json).at("requests").as_array();
    BOOST_REQUIRE_EQUAL(requests.size(), 1u);
    return requests.at(0).as_object();
  }
  std::string url() const { return std::string(request().at("url").as_string()); }
  json::value sent_body() const { return json::parse(request().at("body").as_string()); }

  // Answers the pending fetch with `status` and `body`.
  Operation& answer(int status, const std::string& body) {
    BOOST_REQUIRE_MESSAGE(fetching(), "nothing to answer: " << step_.json);
    json::array responses{json::object{{"status", status}, {"headers", json::object{}}, {"body", body}}};
    advance(plugin_.invoke(name_, input_, step_.state, json::serialize(responses)));
    return *this;
  }

  // The final reply document.
  json::object reply() const {
    BOOST_REQUIRE_MESSAGE(step_.code == LG_OK && step_.kind == LG_STEP_REPLY, "expected a reply, got: " << step_.json);
    return json::parse(step_.json).as_object();
  }
  const lagentry::plugin::StepResult& step() const { return step_; }

 private:
  void advance(lagentry::plugin::StepResult step) { step_ = std::move(step); }
  const lagentry::plugin::LoadedPlugin& plugin_;
  std::string name_, input_;
  lagentry::plugin::StepResult step_;
};

// Loads the built plugin from a private runtime folder.
struct LoadedAtlassian {
  std::filesystem::path dir = lagentry::test::make_temp_dir("atlassian-plugin");
  std::shared_ptr<const lagentry::plugin::LoadedPlugin> plugin;
  LoadedAtlassian() {
    auto outcome = lagentry::plugin::load_plugin(ATLASSIAN_PLUGIN_FILE, dir / "runtime");
    BOOST_REQUIRE_MESSAGE(outcome.plugin, outcome.error);
    plugin = outcome.plugin;
  }
  ~LoadedAtlassian() {
    plugin.reset();
    std::filesystem::remove_all(dir);
  }
  Operation start(const std::string& operation, const std::string& input) const { return {*plugin, operation, input}; }
};

}  // namespace atlassian_test
