#include "tests/support/sandbox_process.hpp"

#include "tests/support/host_process.hpp"
#include "tests/support/http_client.hpp"

#include <boost/json/parse.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>

namespace lagentry::test {
namespace fs = std::filesystem;

TestCertificates make_test_certificates() {
  TestCertificates c;
  c.dir = make_temp_dir("lagentry-certs");
  c.ca_cert = c.dir / "ca.pem";
  c.server_cert = c.dir / "server.pem";
  c.server_key = c.dir / "server.key";
  const std::string d = c.dir.string();
  const std::string script =
      "cd '" + d + "' && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=Lagentry Test CA' && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=127.0.0.1' && "
      "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > ext.cnf && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf";
  if (std::system(("(" + script + ") > openssl.log 2>&1").c_str()) != 0)
    throw std::runtime_error("openssl failed to make test certificates");
  return c;
}

SandboxProcess::SandboxProcess(const TestCertificates* tls) : tls_(tls != nullptr) {
  dir_ = make_temp_dir("lagentry-sandbox");
  std::vector<std::string> argv{sandbox_binary().string(), "--port", "0", "--port-file", (dir_ / "port").string()};
  if (tls) argv.insert(argv.end(), {"--tls-cert", tls->server_cert.string(), "--tls-key", tls->server_key.string()});
  pid_ = spawn_process(argv, base_environment(), dir_ / "sandbox.log", dir_);
  for (int i = 0; i < 1000; ++i) {
    std::ifstream in(dir_ / "port");
    if (in >> port_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("lagentry-sandbox did not start");
}

SandboxProcess::~SandboxProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string SandboxProcess::base_url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

boost::json::value SandboxProcess::control(const std::string& method, const std::string& path, const std::string& body) {
  HttpClient client(port_);
  client.set_bearer("");
  auto r = method == "POST" ? client.post_json("/_sandbox/" + path, body) : client.request(method, "/_sandbox/" + path);
  if (r.status != 200) throw std::runtime_error("sandbox control " + path + " answered " + std::to_string(r.status) + ": " + r.body);
  return boost::json::parse(r.body);
}

long long SandboxProcess::grants(const std::string& grant) {
  auto stats = control("GET", "stats");
  auto* g = stats.at("token_grants").as_object().if_contains(grant);
  return g ? g->as_int64() : 0;
}

}  // namespace lagentry::test
