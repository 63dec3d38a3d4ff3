#include "core/store/key_check.hpp"

#include "core/store/connection_store.hpp"

#include <soci/soci.h>

namespace lagentry::store {

namespace {

constexpr const char* kName = "encryption_check";
constexpr const char* kAad = "host_settings:encryption_check";
constexpr const char* kPlaintext = "lagentry-host encryption check";

std::optional<crypto::Sealed> stored_check(soci::session& sql) {
  const std::string name = kName;  // SOCI keeps a pointer to what it binds: named, not a temporary
  std::string key_id, value;
  soci::indicator key_ind = soci::i_ok;
  sql << "SELECT key_id, value FROM host_settings WHERE name = :n", soci::use(name), soci::into(key_id, key_ind),
      soci::into(value);
  if (!sql.got_data()) return std::nullopt;
  return crypto::Sealed{key_ind == soci::i_ok ? key_id : std::string(), value};
}

void store_check(soci::session& sql, const crypto::KeyRing& keys, bool exists) {
  const crypto::Sealed sealed = keys.seal(kPlaintext, kAad);
  const std::string name = kName;
  if (exists)
    sql << "UPDATE host_settings SET key_id = :k, value = :v WHERE name = :n", soci::use(sealed.key_id),
        soci::use(sealed.ciphertext), soci::use(name);
  else
    sql << "INSERT INTO host_settings (name, key_id, value) VALUES (:n, :k, :v)", soci::use(name), soci::use(sealed.key_id),
        soci::use(sealed.ciphertext);
}

bool opens(const crypto::KeyRing& keys, const crypto::Sealed& sealed, std::string_view aad) {
  try {
    keys.open(sealed, aad);
    return true;
  } catch (const crypto::DecryptError&) {
    return false;
  }
}

}  // namespace

KeyCheck verify_encryption_key(Database& db, const crypto::KeyRing& keys) {
  soci::session sql(db.pool());
  if (auto check = stored_check(sql)) {
    if (!opens(keys, *check, kAad))
      throw WrongEncryptionKey("LAGENTRY_ENCRYPTION_KEY does not open this database's data (it was sealed with key " +
                               check->key_id + "; this host has " + keys.current_key_id() +
                               "). Set the key the database was written with, or list it in LAGENTRY_ENCRYPTION_KEYS_OLD");
    if (check->key_id == keys.current_key_id()) return KeyCheck::matched;
    store_check(sql, keys, true);
    return KeyCheck::resealed;
  }
  // A database from before the check: its tokens tell.
  std::string id, key_id, tokens;
  sql << "SELECT connection_id, key_id, token_set FROM connection_tokens LIMIT 1", soci::into(id), soci::into(key_id),
      soci::into(tokens);
  if (sql.got_data() && !opens(keys, crypto::Sealed{key_id, tokens}, ConnectionStore::token_aad(id)))
    throw WrongEncryptionKey("LAGENTRY_ENCRYPTION_KEY does not open the stored tokens (sealed with key " + key_id +
                             "; this host has " + keys.current_key_id() + ")");
  store_check(sql, keys, false);
  return KeyCheck::created;
}

bool encryption_key_matches(Database& db, const crypto::KeyRing& keys) {
  soci::session sql(db.pool());
  auto check = stored_check(sql);
  return check && opens(keys, *check, kAad);
}

}  // namespace lagentry::store
