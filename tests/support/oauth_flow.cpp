#include "tests/support/oauth_flow.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <boost/url/parse.hpp>

namespace lagentry::test {


HostOptions oauth_host(const SandboxProcess& sandbox, std::map<std::string, std::string> extra) {
  HostOptions options;
  for (const char* p : {"google", "slack", "atlassian"}) options.plugins.push_back(product_plugin_dir() / (std::string(p) + ".so"));
  options.environment = {{"LAGENTRY_UPSTREAM_ORIGINS", sandbox.origin_map()}};
  for (const char* prefix : {"GOOGLE", "SLACK", "ATLASSIAN", "BITBUCKET"}) {
    options.environment[std::string(prefix) + "_CLIENT_ID"] = "sandbox-client-id";
    options.environment[std::string(prefix) + "_CLIENT_SECRET"] = "sandbox-client-secret";
  }
  for (auto& [k, v] : extra) options.environment[k] = v;
  return options;
}

std::string path_and_query(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  BOOST_REQUIRE_MESSAGE(u.has_value(), "not a URL: " << url);
  return std::string(u->encoded_path()) + (u->has_query() ? "?" + std::string(u->encoded_query()) : "");
}

Flow start_flow(HostProcess& host, SandboxProcess& sandbox, const std::string& provider, const std::string& user,
                const std::string& extra_query) {
  Flow flow;
  HttpClient api(host.port());
  auto url = api.get("/api/v1/unified/auth/" + provider + "/url?user_email=" + user + extra_query);
  BOOST_REQUIRE_MESSAGE(url.status == 200, url.body);
  flow.authorization_url = std::string(url.json().at("authorization_url").as_string());
  HttpClient browser(sandbox.port());
  browser.set_bearer("");
  auto consent = browser.get(path_and_query(flow.authorization_url));
  BOOST_REQUIRE_MESSAGE(consent.status == 302, consent.body);
  flow.callback_target = path_and_query(consent.header("location"));
  return flow;
}

Flow connect(HostProcess& host, SandboxProcess& sandbox, const std::string& provider, const std::string& user,
             const std::string& extra_query) {
  Flow flow = start_flow(host, sandbox, provider, user, extra_query);
  HttpClient browser(host.port());
  browser.set_bearer("");
  flow.callback = browser.get(flow.callback_target);
  BOOST_REQUIRE_MESSAGE(flow.callback.status == 200, flow.callback.body);
  return flow;
}

Flow connect_with_an_expired_token(HostProcess& host, SandboxProcess& sandbox, const std::string& provider) {
  // 60 s is inside the host's 120 s refresh margin, and long enough to finish connecting.
  sandbox.control("POST", "settings", R"({"access_token_ttl":60})");
  Flow flow = connect(host, sandbox, provider);
  sandbox.control("POST", "settings", R"({"access_token_ttl":3600})");
  sandbox.control("POST", "tokens/expire", R"({"all":true})");
  return flow;
}

boost::json::value status_of(HostProcess& host, const std::string& provider, const std::string& user) {
  HttpClient api(host.port());
  auto r = api.get("/api/v1/unified/auth/" + provider + "/status?user_email=" + user);
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json();
}


}  // namespace lagentry::test
