// Drives one plugin operation through the real loader and the C ABI, with
// upstream answers given by the test in the provider's wire format.
#pragma once

#include "core/plugin/plugin_loader.hpp"
#include "tests/support/host_process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>

namespace slack_test {
namespace json = boost::json;

struct Answer {
  int status = 200;
  std::string body;
};

class PluginDriver {
 public:
  PluginDriver() : dir_(lagentry::test::make_temp_dir("slack-plugin")) {
    auto outcome = lagentry::plugin::load_plugin(SLACK_PLUGIN_FILE, dir_ / "runtime");
    BOOST_REQUIRE_MESSAGE(outcome.plugin, outcome.error);
    plugin_ = outcome.plugin;
  }
  ~PluginDriver() {
    plugin_.reset();
    std::filesystem::remove_all(dir_);
  }

  const lagentry::plugin::LoadedPlugin& plugin() const { return *plugin_; }

  // The first step must be a fetch of one request; returns that request.
  json::object request(const std::string& operation, const std::string& input) {
    auto step = plugin_->invoke(operation, input);
    BOOST_REQUIRE_MESSAGE(step.code == LG_OK, step.json);
    BOOST_REQUIRE(step.kind == LG_STEP_FETCH);
    state_ = step.state;
    const auto requests = json::parse(step.json).at("requests").as_array();
    BOOST_REQUIRE_EQUAL(requests.size(), 1u);
    return requests.at(0).as_object();
  }

  // Answers the pending fetch; returns the reply document.
  json::object answer(const std::string& operation, const std::string& input, const Answer& answer) {
    json::array responses{json::object{{"status", answer.status},
                                       {"headers", {{"content-type", "application/json"}}},
                                       {"body", answer.body}}};
    auto step = plugin_->invoke(operation, input, state_, json::serialize(responses));
    BOOST_REQUIRE_MESSAGE(step.code == LG_OK, step.json);
    BOOST_REQUIRE(step.kind == LG_STEP_REPLY);
    return json::parse(step.json).as_object();
  }

  // request() then answer().
  json::object run(const std::string& operation, const std::string& input, const Answer& upstream) {
    request(operation, input);
    return answer(operation, input, upstream);
  }

 private:
  std::filesystem::path dir_;
  std::shared_ptr<const lagentry::plugin::LoadedPlugin> plugin_;
  std::string state_;
};

}  // namespace slack_test
