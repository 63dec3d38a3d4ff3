// HMAC-SHA256 (OpenSSL), for signing webhook deliveries so receivers can
// tell they come from this host and were not altered.
#pragma once

#include <string>
#include <string_view>

namespace lagentry::crypto {

// Lower-case hex HMAC-SHA256 of `message` under `key`; throws std::runtime_error if OpenSSL fails.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace lagentry::crypto
