// Connecting a test user through the real OAuth flow: the host, the provider
// sandbox as the authorization server, and the "browser" hops in between.
#pragma once

#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/sandbox_process.hpp"

#include <boost/json/value.hpp>

#include <map>
#include <string>

namespace lagentry::test {

inline const std::string kUser = "alice@example.com";

// Host options with the shipped plugins, every provider's OAuth app set to
// the sandbox's credentials, and every provider origin mapped to the sandbox.
HostOptions oauth_host(const SandboxProcess& sandbox, std::map<std::string, std::string> extra = {});

// "http://h:p/a/b?c" -> "/a/b?c"
std::string path_and_query(const std::string& url);

struct Flow {
  std::string authorization_url;
  std::string callback_target;  // path?query the provider redirected to
  HttpResult callback;
};

// Asks the host for the authorization URL and lets the sandbox consent; the
// callback is not visited yet.
Flow start_flow(HostProcess& host, SandboxProcess& sandbox, const std::string& provider, const std::string& user = kUser,
                const std::string& extra_query = "");
// The whole flow; requires the callback page to say connected.
Flow connect(HostProcess& host, SandboxProcess& sandbox, const std::string& provider, const std::string& user = kUser,
             const std::string& extra_query = "");

// Connects with an access token the provider has already expired and the host
// holds as due for refresh. Not by a 1 s lifetime: the sandbox counts whole
// seconds, so such a token can die before the callback's own first call.
Flow connect_with_an_expired_token(HostProcess& host, SandboxProcess& sandbox, const std::string& provider);

// GET /api/v1/unified/auth/{provider}/status for the user.
boost::json::value status_of(HostProcess& host, const std::string& provider, const std::string& user = kUser);

}  // namespace lagentry::test
