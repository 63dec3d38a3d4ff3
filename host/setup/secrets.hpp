// Startup of the two secrets the host keeps: the encryption key ring and the
// bootstrap API key.
#pragma once

#include "core/crypto/secret_box.hpp"
#include "core/store/api_key_store.hpp"
#include "host/config/config.hpp"

namespace lagentry::host {

// The key ring from LAGENTRY_ENCRYPTION_KEY (+ _KEYS_OLD). Without a key,
// refuses (ConfigError) unless LAGENTRY_CREATE_DEV_KEY is set; then reuses or
// creates a development key file (mode 0600) beside the database and warns.
crypto::KeyRing load_key_ring(const Config& config);

// Makes sure an API key exists: LAGENTRY_API_KEY is imported as the admin key
// of tenant "default"; with no key at all, one is generated and written to a
// 0600 file beside the database (its path is logged, never the key).
void bootstrap_api_key(const Config& config, store::ApiKeyStore& keys);

}  // namespace lagentry::host
