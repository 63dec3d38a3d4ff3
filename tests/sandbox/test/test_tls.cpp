// HTTPS: a throwaway CA and server certificate made with the openssl CLI; a
// client trusting that CA connects, one with the default store must not.
#include "fixture.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace sandbox_test;

namespace {
void run(const std::string& command) {
  BOOST_REQUIRE_MESSAGE(std::system((command + " >/dev/null 2>&1").c_str()) == 0, command);
}

struct Certificates {
  std::string dir = make_temp_dir();
  Certificates() {
    const std::string d = dir + "/";
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    run("openssl req -x509" + ec + " -keyout " + d + "ca.key -out " + d +
        "ca.pem -days 1 -subj '/CN=lagentry sandbox test CA' -addext basicConstraints=critical,CA:TRUE "
        "-addext keyUsage=critical,keyCertSign,cRLSign");
    run("openssl req" + ec + " -keyout " + d + "server.key -out " + d + "server.csr -subj /CN=127.0.0.1");
    std::ofstream(d + "ext.cnf") << "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                                    "extendedKeyUsage=serverAuth\n";
    run("openssl x509 -req -in " + d + "server.csr -CA " + d + "ca.pem -CAkey " + d + "ca.key -CAcreateserial -out " +
        d + "server.pem -days 1 -extfile " + d + "ext.cnf");
  }
  ~Certificates() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(tls)

BOOST_AUTO_TEST_CASE(https_with_trusted_ca_only) {
  Certificates certs;
  SandboxProcess server({"--tls-cert", certs.dir + "/server.pem", "--tls-key", certs.dir + "/server.key"});

  Client trusting(server.port(), Tls{certs.dir + "/ca.pem"});
  auto health = trusting.get("/_sandbox/health");
  BOOST_TEST(health.status == 200);
  auto authorize = trusting.get("/accounts.google.com/o/oauth2/v2/auth?client_id=" + kClientId +
                                "&redirect_uri=" + url_encode(kRedirect) + "&response_type=code&scope=email&state=s");
  BOOST_TEST(authorize.status == 302);
  BOOST_TEST(location_params(authorize)["state"] == "s");

  Client default_store(server.port(), Tls{});
  BOOST_CHECK_THROW(default_store.get("/_sandbox/health"), boost::system::system_error);
  // Plain HTTP to the TLS port gets no HTTP answer.
  BOOST_CHECK_THROW(Client(server.port()).get("/_sandbox/health"), boost::system::system_error);
  // And the server still serves TLS afterwards; SIGTERM stops it cleanly.
  BOOST_TEST(trusting.get("/_sandbox/health").status == 200);
  BOOST_TEST(server.stop() == 0);
}

BOOST_AUTO_TEST_CASE(bad_arguments_fail_fast) {
  BOOST_CHECK_THROW(SandboxProcess({"--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"}), std::runtime_error);
  BOOST_CHECK_THROW(SandboxProcess({"--bogus"}), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
