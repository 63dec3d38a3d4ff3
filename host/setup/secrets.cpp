#include "host/setup/secrets.hpp"

#include "core/crypto/encoding.hpp"
#include "core/log/logger.hpp"

#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace lagentry::host {
namespace fs = std::filesystem;

namespace {
fs::path beside_database(const Config& config, const std::string& name) {
  fs::path db = config.database_url.empty() ? config.database_path : fs::path("lagentry.db");
  return (db.has_parent_path() ? db.parent_path() : fs::path(".")) / name;
}

// Writes `content` to a new file readable only by the owner.
void write_private_file(const fs::path& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path.string());
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path.string());
}

std::string read_trimmed(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}
}  // namespace

crypto::KeyRing load_key_ring(const Config& config) {
  if (!config.encryption_key.empty()) return crypto::KeyRing::from_base64(config.encryption_key, config.encryption_keys_old);
  if (!config.create_dev_key)
    throw ConfigError(
        "LAGENTRY_ENCRYPTION_KEY is not set. Tokens are always encrypted at rest: set it to 32 random bytes in base64 "
        "(openssl rand -base64 32), or set LAGENTRY_CREATE_DEV_KEY=true to create a development key file");
  const fs::path file = beside_database(config, "lagentry-dev.key");
  if (!fs::exists(file)) {
    write_private_file(file, crypto::base64_encode(crypto::random_bytes(32)) + "\n");
    log::warn("secrets", "created development encryption key " + file.string() +
                             " (mode 0600); set LAGENTRY_ENCRYPTION_KEY in production");
  } else {
    log::warn("secrets", "using development encryption key " + file.string() + "; set LAGENTRY_ENCRYPTION_KEY in production");
  }
  return crypto::KeyRing::from_base64(read_trimmed(file), config.encryption_keys_old);
}

void bootstrap_api_key(const Config& config, store::ApiKeyStore& keys) {
  if (!config.api_key.empty()) {
    keys.import(store::kOperatorTenant, "bootstrap (LAGENTRY_API_KEY)", config.api_key, store::KeyRole::host_operator);
    return;
  }
  if (keys.active_count() > 0) return;
  const fs::path file = beside_database(config, "lagentry-api-key");
  auto [record, plaintext] = keys.create(store::kOperatorTenant, "bootstrap (generated)", store::KeyRole::host_operator);
  std::error_code ignored;
  fs::remove(file, ignored);
  write_private_file(file, plaintext + "\n");
  log::warn("secrets", "no API key existed: created operator key " + record.id + " for tenant 'default'; it is in " +
                           file.string() + " (mode 0600). Use it as: Authorization: Bearer <key>");
}

}  // namespace lagentry::host
