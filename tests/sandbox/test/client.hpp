// Test support: start the real lagentry-sandbox binary and talk HTTP(S) to it
// with a small synchronous Beast client.
#pragma once

#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sandbox_test {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  boost::json::value json() const;  // throws when the body is not JSON
  std::string header(const std::string& lower_name) const;
};

struct Tls {
  std::string ca_file;  // trust only this CA; empty = the system's default store
};

class Client {
 public:
  Client(unsigned short port, std::optional<Tls> tls = std::nullopt) : port_(port), tls_(std::move(tls)) {}

  // One request on a fresh connection. Throws boost::system::system_error on transport/TLS errors.
  Reply request(const std::string& method, const std::string& target, const std::string& body = "",
                const Fields& headers = {}) const;
  Reply get(const std::string& target, const std::string& bearer = "") const;
  Reply del(const std::string& target, const std::string& bearer = "") const;
  Reply post_form(const std::string& target, const Fields& form, const Fields& headers = {}) const;
  Reply post_json(const std::string& target, const boost::json::value& body, const std::string& bearer = "") const;
  Reply put_json(const std::string& target, const boost::json::value& body, const std::string& bearer = "") const;

 private:
  unsigned short port_;
  std::optional<Tls> tls_;
};

// The sandbox as a child process on an ephemeral port (--port 0 --port-file).
class SandboxProcess {
 public:
  explicit SandboxProcess(const std::vector<std::string>& extra_args = {});
  ~SandboxProcess();  // SIGTERM, then wait
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;

  unsigned short port() const { return port_; }
  int stop();  // SIGTERM and wait; returns the exit status

 private:
  int pid_ = -1;
  unsigned short port_ = 0;
  std::string dir_;
};

std::string url_encode(const std::string& s);
std::string query_string(const Fields& params);
// The query parameters of a redirect's Location header.
std::map<std::string, std::string> location_params(const Reply& redirect);
std::string basic_auth(const std::string& id, const std::string& secret);

struct Pkce {
  std::string verifier, challenge;  // S256
};
Pkce make_pkce();
std::string make_temp_dir();  // removed by the caller (or left in /tmp)

}  // namespace sandbox_test
