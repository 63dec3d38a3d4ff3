// Webhook subscriptions: per tenant, a URL that receives connection events
// signed with a secret of its own (see host/webhooks/webhook_delivery.hpp).
//
// The secret is generated here, returned once to whoever adds the webhook,
// and stored only sealed with the host KeyRing (AES-256-GCM, associated data
// "webhooks:<id>"), never in a plain column.
#pragma once

#include "core/crypto/secret_box.hpp"
#include "core/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lagentry::store {

struct Webhook {
  std::string id;  // "wh_..."
  std::string tenant_id;
  std::string url;
  std::int64_t created_at_ms = 0;
};

class WebhookStore {
 public:
  WebhookStore(Database& db, const crypto::KeyRing& keys) : db_(db), keys_(keys) {}

  // Adds a webhook for `tenant_id` (created when new); answers it and its
  // plaintext signing secret, which is not stored anywhere in the clear.
  // Throws std::invalid_argument for a URL that is not absolute http(s).
  std::pair<Webhook, std::string> add(const std::string& tenant_id, const std::string& url);
  // Every webhook, or one tenant's ("" lists all), oldest first. No secrets.
  std::vector<Webhook> list(const std::string& tenant_id = "");
  // Removes the webhook and its pending deliveries; false when unknown.
  bool remove(const std::string& id);
  // The webhook's signing secret; throws crypto::DecryptError with the wrong key.
  std::optional<std::string> secret(const std::string& id);
  // Re-seals every secret not sealed with the current key (keys rotate-encryption); answers how many.
  int reseal();

  static std::string secret_aad(const std::string& webhook_id) { return "webhooks:" + webhook_id; }

 private:
  Database& db_;
  const crypto::KeyRing& keys_;
};

}  // namespace lagentry::store
