// Encryption at rest for tokens and PKCE verifiers: AES-256-GCM (OpenSSL EVP).
//
// A KeyRing holds the current key and any older ones. seal() always uses the
// current key and returns the key id beside the ciphertext (stored per row),
// so keys can rotate: open() finds the key by id, and rows sealed with an old
// key are re-sealed by `lagentry-host keys rotate-encryption`.
//
// Sealed format: base64(nonce[12] | ciphertext | tag[16]). The associated
// data binds a ciphertext to its row and column, so a value copied into
// another row does not decrypt.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lagentry::crypto {

struct Sealed {
  std::string key_id;
  std::string ciphertext;  // base64
};

struct DecryptError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class KeyRing {
 public:
  // `current` and `old` are raw 32-byte keys. Throws std::invalid_argument otherwise.
  KeyRing(std::string current, std::vector<std::string> old = {});

  // Parses base64 keys (LAGENTRY_ENCRYPTION_KEY and the comma-separated
  // LAGENTRY_ENCRYPTION_KEYS_OLD); the message names what is wrong.
  static KeyRing from_base64(std::string_view current, std::string_view old_list);

  Sealed seal(std::string_view plaintext, std::string_view associated_data) const;
  // Throws DecryptError for an unknown key id or a ciphertext that fails authentication.
  std::string open(const Sealed& sealed, std::string_view associated_data) const;

  const std::string& current_key_id() const { return current_id_; }
  bool knows(const std::string& key_id) const { return keys_.count(key_id) > 0; }

  // Key id: first 16 hex digits of SHA-256 of the key (not secret, not reversible).
  static std::string key_id_of(std::string_view key);

 private:
  std::string current_id_;
  std::map<std::string, std::string> keys_;
};

}  // namespace lagentry::crypto
