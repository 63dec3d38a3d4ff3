#include "core/crypto/hmac.hpp"

#include <boost/algorithm/hex.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <iterator>
#include <stdexcept>

namespace lagentry::crypto {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
            message.size(), digest, &length))
    throw std::runtime_error("hmac: OpenSSL HMAC-SHA256 failed");
  std::string hex;
  boost::algorithm::hex_lower(digest, digest + length, std::back_inserter(hex));
  return hex;
}

}  // namespace lagentry::crypto
