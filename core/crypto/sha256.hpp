// SHA-256 digests (OpenSSL EVP), used for plugin content hashes and for
// storing API keys and OAuth states hashed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace lagentry::crypto {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// Lower-case hex SHA-256 of a file's contents; throws std::runtime_error on I/O failure.
std::string sha256_file_hex(const std::filesystem::path& path);

}  // namespace lagentry::crypto
