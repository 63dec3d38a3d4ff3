// Starts the real lagentry-sandbox (the provider emulator) for a test.
#pragma once

#include <boost/json/value.hpp>

#include <filesystem>
#include <string>

namespace lagentry::test {

// A throwaway CA and a server certificate for 127.0.0.1/localhost, made with
// the openssl CLI (for HTTPS tests).
struct TestCertificates {
  std::filesystem::path dir;
  std::filesystem::path ca_cert;
  std::filesystem::path server_cert;
  std::filesystem::path server_key;
};
TestCertificates make_test_certificates();

class SandboxProcess {
 public:
  // With certificates the sandbox serves HTTPS only.
  explicit SandboxProcess(const TestCertificates* tls = nullptr);
  ~SandboxProcess();
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;

  unsigned short port() const { return port_; }
  // Base URL, e.g. http://127.0.0.1:PORT
  std::string base_url() const;
  // LAGENTRY_UPSTREAM_ORIGINS value sending every provider origin here.
  std::string origin_map() const { return "*=" + base_url() + "/{host}"; }

  // Control API (plain HTTP sandboxes only): POST/GET /_sandbox/<path>.
  boost::json::value control(const std::string& method, const std::string& path, const std::string& body = "{}");
  // token_grants.<grant> from /_sandbox/stats (0 when absent).
  long long grants(const std::string& grant);

 private:
  std::filesystem::path dir_;
  int pid_ = -1;
  unsigned short port_ = 0;
  bool tls_ = false;
};

}  // namespace lagentry::test
