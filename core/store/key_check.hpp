// A value sealed with the host's encryption key, kept in the database, so a
// host started with the wrong LAGENTRY_ENCRYPTION_KEY stops at once with a
// clear message instead of failing every call later with token_decrypt_failed.
#pragma once

#include "core/crypto/secret_box.hpp"
#include "core/store/database.hpp"

#include <stdexcept>
#include <string>

namespace lagentry::store {

struct WrongEncryptionKey : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class KeyCheck {
  created,   // a new database (or one from before the check): the check value is written now
  matched,   // the current key opens it
  resealed,  // an old key (LAGENTRY_ENCRYPTION_KEYS_OLD) opened it; it is sealed with the current key now
};

// Throws WrongEncryptionKey when no key of the ring opens the stored check
// value, or, on a database from before the check, its first stored token set.
KeyCheck verify_encryption_key(Database& db, const crypto::KeyRing& keys);

// True when the stored check value opens with the ring (for /readyz).
bool encryption_key_matches(Database& db, const crypto::KeyRing& keys);

}  // namespace lagentry::store
