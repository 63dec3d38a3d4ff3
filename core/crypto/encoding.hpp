// Base64 (RFC 4648 section 4) and base64url without padding (section 5), and
// cryptographically random strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lagentry::crypto {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);  // nullopt on bad input

std::string base64url_encode(std::string_view bytes);  // no padding
std::optional<std::string> base64url_decode(std::string_view text);

// `count` bytes from OpenSSL's CSPRNG; throws std::runtime_error if it fails.
std::string random_bytes(std::size_t count);
// A random token of `bytes` bytes, base64url (e.g. 32 bytes -> 43 characters).
std::string random_token(std::size_t bytes = 32);

}  // namespace lagentry::crypto
