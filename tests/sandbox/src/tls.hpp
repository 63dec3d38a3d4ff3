// TLS server context (asio::ssl, TLS 1.2+) from PEM files.
#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace lagentry::sandbox {
// Throws std::runtime_error with the file name when a file cannot be used.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& cert_file, const std::string& key_file);
}
