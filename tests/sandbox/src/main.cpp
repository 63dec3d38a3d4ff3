// lagentry-sandbox: Google, Slack, Atlassian and Bitbucket emulated on
// loopback for integration tests, benchmarks and demo mode. See docs/sandbox.md.
#include "control.hpp"
#include "providers.hpp"
#include "server.hpp"
#include "tls.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

namespace {
constexpr const char* kUsage =
    "usage: lagentry-sandbox [--host 127.0.0.1] [--port 0] [--tls-cert FILE --tls-key FILE] [--port-file FILE]\n"
    "  Emulates Google, Slack, Atlassian and Bitbucket on one base URL: <base>/<origin host>/<path>.\n"
    "  --port 0 picks a free port; --port-file receives it. Control API: <base>/_sandbox/.\n";

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string tls_cert, tls_key, port_file;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (arg == "--host") o.host = value();
    else if (arg == "--port") o.port = static_cast<unsigned short>(std::stoul(value()));
    else if (arg == "--tls-cert") o.tls_cert = value();
    else if (arg == "--tls-key") o.tls_key = value();
    else if (arg == "--port-file") o.port_file = value();
    else throw std::runtime_error("unknown argument " + arg);
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) throw std::runtime_error("--tls-cert and --tls-key go together");
  return o;
}

// Written to a temporary name and renamed, so a reader never sees half a number.
void write_port_file(const std::string& path, unsigned short port) {
  std::string tmp = path + ".tmp";
  std::ofstream(tmp) << port << '\n';
  std::filesystem::rename(tmp, path);
}
}  // namespace

int main(int argc, char** argv) {
  using namespace lagentry::sandbox;
  try {
    Options options = parse(argc, argv);
    boost::asio::io_context io;
    State state;
    Router router(state);
    add_control_routes(router);
    add_provider_routes(router);

    std::shared_ptr<boost::asio::ssl::context> tls;
    if (!options.tls_cert.empty()) tls = make_tls_context(options.tls_cert, options.tls_key);
    Server server(io, router, tls);
    auto endpoint = server.listen(options.host, options.port);
    server.start();

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
      std::clog << "sandbox: stopping\n";
      server.stop();
      io.stop();
    });

    std::cout << "lagentry-sandbox listening on " << (tls ? "https" : "http") << "://" << options.host << ':'
              << endpoint.port() << std::endl;
    if (!options.port_file.empty()) write_port_file(options.port_file, endpoint.port());

    // A couple of threads: handlers serialise on the state mutex anyway.
    std::thread worker([&] { io.run(); });
    io.run();
    worker.join();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lagentry-sandbox: " << e.what() << '\n' << kUsage;
    return 2;
  }
}
