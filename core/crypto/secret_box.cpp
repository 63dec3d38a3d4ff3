#include "core/crypto/secret_box.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/sha256.hpp"

#include <openssl/evp.h>

#include <memory>

namespace lagentry::crypto {
namespace {
constexpr std::size_t kKeySize = 32;
constexpr std::size_t kNonceSize = 12;
constexpr std::size_t kTagSize = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext new_context() {
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw std::runtime_error("cannot allocate cipher context");
  return ctx;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
}  // namespace

std::string KeyRing::key_id_of(std::string_view key) { return sha256_hex(key).substr(0, 16); }

KeyRing::KeyRing(std::string current, std::vector<std::string> old) {
  if (current.size() != kKeySize) throw std::invalid_argument("encryption key must be 32 bytes");
  current_id_ = key_id_of(current);
  keys_[current_id_] = std::move(current);
  for (auto& key : old) {
    if (key.size() != kKeySize) throw std::invalid_argument("old encryption keys must be 32 bytes each");
    keys_.emplace(key_id_of(key), std::move(key));
  }
}

KeyRing KeyRing::from_base64(std::string_view current, std::string_view old_list) {
  auto decoded = base64_decode(current);
  if (!decoded || decoded->size() != kKeySize) throw std::invalid_argument("must be 32 bytes, base64-encoded");
  std::vector<std::string> old;
  while (!old_list.empty()) {
    auto comma = old_list.find(',');
    std::string_view item = old_list.substr(0, comma);
    old_list = comma == std::string_view::npos ? std::string_view{} : old_list.substr(comma + 1);
    if (item.empty()) continue;
    auto key = base64_decode(item);
    if (!key || key->size() != kKeySize) throw std::invalid_argument("old keys must be 32 bytes each, base64-encoded");
    old.push_back(std::move(*key));
  }
  return KeyRing(std::move(*decoded), std::move(old));
}

Sealed KeyRing::seal(std::string_view plaintext, std::string_view associated_data) const {
  const std::string& key = keys_.at(current_id_);
  std::string out = random_bytes(kNonceSize);
  out.resize(kNonceSize + plaintext.size() + kTagSize);
  auto ctx = new_context();
  int length = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(out)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes(associated_data), static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), bytes(out) + kNonceSize, &length, bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes(out) + kNonceSize + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, bytes(out) + kNonceSize + plaintext.size()) != 1)
    throw std::runtime_error("encryption failed");
  return {current_id_, base64_encode(out)};
}

std::string KeyRing::open(const Sealed& sealed, std::string_view associated_data) const {
  auto key = keys_.find(sealed.key_id);
  if (key == keys_.end()) throw DecryptError("no encryption key with id " + sealed.key_id + " is configured");
  auto raw = base64_decode(sealed.ciphertext);
  if (!raw || raw->size() < kNonceSize + kTagSize) throw DecryptError("malformed ciphertext");
  const std::size_t text_size = raw->size() - kNonceSize - kTagSize;
  std::string plaintext(text_size, '\0');
  auto ctx = new_context();
  int length = 0;
  std::string tag = raw->substr(kNonceSize + text_size);
  bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key->second), bytes(*raw)) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes(associated_data), static_cast<int>(associated_data.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), bytes(plaintext), &length, bytes(*raw) + kNonceSize, static_cast<int>(text_size)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, bytes(tag)) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), bytes(plaintext) + length, &length) == 1;
  if (!ok) throw DecryptError("ciphertext failed authentication");
  return plaintext;
}

}  // namespace lagentry::crypto
