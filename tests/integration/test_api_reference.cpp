// docs/api.md's examples are real answers: every JSON block that directly
// follows a request line (`GET /path`, on a line of its own) is compared with
// what the host answers to that request, by shape: each member of the example
// is in the answer with the same JSON type, recursively (arrays by their first
// element). Strings and numbers may differ; "..." stands for any string.
#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oauth_flow.hpp"
#include "tests/support/sandbox_process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

using namespace lagentry::test;
namespace json = boost::json;

namespace {

struct Example {
  std::string method, target;
  json::value body;
  std::size_t line = 0;
};

// The request lines with a ```json block right after them.
std::vector<Example> documented_examples(const std::string& markdown) {
  static const std::regex request_line(R"(^`(GET|POST|PUT|PATCH|DELETE) (/[^` ]*)`\s*$)");
  std::vector<Example> out;
  std::istringstream in(markdown);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (!std::regex_match(lines[i], m, request_line)) continue;
    std::size_t open = i + 1;
    while (open < lines.size() && lines[open].empty()) ++open;
    if (open >= lines.size() || lines[open] != "```json") continue;
    std::string block;
    std::size_t close = open + 1;
    for (; close < lines.size() && lines[close] != "```"; ++close) block += lines[close] + "\n";
    Example example{m[1].str(), m[2].str(), nullptr, i + 1};
    json::error_code ec;
    example.body = json::parse(block, ec);
    BOOST_TEST_REQUIRE(!ec, "docs/api.md line " << example.line << ": the example is not JSON: " << ec.message());
    out.push_back(std::move(example));
    i = close;
  }
  return out;
}

const char* kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "?";
}

// Every difference between the example's shape and the answer's, by JSON pointer.
void compare(const json::value& documented, const json::value& real, const std::string& at, std::vector<std::string>& out) {
  if (std::string_view(kind_name(documented)) != kind_name(real)) {
    out.push_back(at + ": documented " + kind_name(documented) + ", answered " + kind_name(real));
    return;
  }
  if (documented.is_object()) {
    const auto& answer = real.get_object();
    for (const auto& member : documented.get_object()) {
      const std::string where = at + "/" + std::string(member.key());
      if (const auto* found = answer.if_contains(member.key())) compare(member.value(), *found, where, out);
      else out.push_back(where + ": documented, not answered");
    }
  } else if (documented.is_array() && !documented.get_array().empty() && !real.get_array().empty()) {
    compare(documented.get_array().front(), real.get_array().front(), at + "/0", out);
  }
}

HostProcess& reference_host() {
  static HostProcess host([] {
    HostOptions options;
    for (const char* p : {"google", "slack", "atlassian"}) options.plugins.push_back(product_plugin_dir() / (std::string(p) + ".so"));
    return options;
  }());
  return host;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_reference)

// The comparison itself: a wrong type, a missing member, nested.
BOOST_AUTO_TEST_CASE(shapes_are_compared_member_by_member) {
  std::vector<std::string> differences;
  compare(json::parse(R"({"a":1,"b":{"c":"x"},"d":[{"e":true}],"f":null})"),
          json::parse(R"({"a":2,"b":{"c":"y","extra":1},"d":[{"e":false}],"f":null,"g":3})"), "", differences);
  BOOST_TEST(differences.empty());
  compare(json::parse(R"({"a":1,"b":{"c":"x"},"d":[{"e":true}],"f":null})"),
          json::parse(R"({"a":"1","b":{},"d":[{"e":1}],"f":{}})"), "", differences);
  BOOST_TEST(differences == (std::vector<std::string>{"/a: documented number, answered string", "/b/c: documented, not answered",
                                                      "/d/0/e: documented boolean, answered number",
                                                      "/f: documented null, answered object"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(documented_examples_match_real_answers) {
  const auto examples = documented_examples(read_file(source_dir() / "docs" / "api.md"));
  // The health, error, catalog and status examples at least.
  BOOST_TEST_REQUIRE(examples.size() >= 8u);
  HttpClient client(reference_host().port());
  for (const auto& example : examples) {
    BOOST_TEST_CONTEXT("docs/api.md line " << example.line << ": " << example.method << " " << example.target) {
      auto answer = client.request(example.method, example.target);
      json::error_code ec;
      const json::value real = json::parse(answer.body, ec);
      BOOST_TEST_REQUIRE(!ec, answer.status << " " << answer.body);
      std::vector<std::string> differences;
      compare(example.body, real, "", differences);
      std::string listed;
      for (const auto& d : differences) listed += d + "\n";
      BOOST_TEST(differences.empty(), listed << "answer: " << answer.status << " " << answer.body);
    }
  }
}

// scopes was Google's space-separated and Slack's comma-separated string.
BOOST_AUTO_TEST_CASE(granted_scopes_are_arrays_and_revoke_says_what_it_did) {
  SandboxProcess sandbox;
  HostProcess host(oauth_host(sandbox));
  connect(host, sandbox, "google");
  connect(host, sandbox, "slack");
  // One scope per element: none empty, none holding a separator.
  auto one_per_element = [](const json::value& scopes) {
    const auto& list = scopes.as_array();
    return !list.empty() && std::all_of(list.begin(), list.end(), [](const json::value& scope) {
      return !scope.as_string().empty() && std::string_view(scope.as_string()).find_first_of(" ,") == std::string_view::npos;
    });
  };
  const auto google = status_of(host, "google").at("scopes");
  BOOST_TEST(one_per_element(google), google);
  const auto slack = status_of(host, "slack").at("scopes");
  BOOST_TEST(one_per_element(slack), slack);
  BOOST_TEST(slack.as_array().size() > 1u, slack);  // Slack grants several, comma-joined
  HttpClient api(host.port());
  auto all = api.get("/api/v1/unified/auth/status?user_email=" + kUser).json();
  for (const auto& entry : all.at("providers").as_array()) BOOST_TEST(entry.at("scopes").is_array(), entry);

  auto revoked = api.request("DELETE", "/api/v1/unified/auth/slack?user_email=" + kUser);
  BOOST_REQUIRE_MESSAGE(revoked.status == 200, revoked.body);
  BOOST_TEST(revoked.json().at("provider") == "slack");
  BOOST_TEST(revoked.json().at("revoked").as_bool());
  BOOST_TEST(revoked.json().at("deleted").as_bool());
  BOOST_TEST(revoked.json().at("provider_revoked").is_bool());
  BOOST_TEST(status_of(host, "slack").at("status") == "not_connected");
}

BOOST_AUTO_TEST_SUITE_END()
