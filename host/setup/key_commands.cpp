#include "host/setup/key_commands.hpp"

#include "core/store/key_check.hpp"

#include "core/store/api_key_store.hpp"
#include "core/store/connection_store.hpp"
#include "core/store/webhook_store.hpp"
#include "host/setup/command_arguments.hpp"
#include "host/setup/command_database.hpp"
#include "host/setup/secrets.hpp"

#include <iostream>

namespace lagentry::host {
namespace {

// Re-seals every connection's tokens with the current key.
int rotate_encryption(const Config& config) {
  auto keys = load_key_ring(config);
  auto db = open_current_database(config);
  store::ConnectionStore connections(*db);
  int rotated = 0;
  for (const auto& c : connections.all()) {
    if (c.tokens.key_id == keys.current_key_id()) continue;
    const std::string aad = store::ConnectionStore::token_aad(c.id);
    auto sealed = keys.seal(keys.open(c.tokens, aad), aad);
    if (connections.replace_tokens(c.id, c.generation, sealed, c.expires_at_ms)) ++rotated;
  }
  const int webhooks = store::WebhookStore(*db, keys).reseal();
  store::verify_encryption_key(*db, keys);  // the check value follows the current key too
  std::cout << "re-encrypted " << rotated << " connections and " << webhooks << " webhook secrets with key "
            << keys.current_key_id() << "\n";
  return 0;
}

}  // namespace

int run_key_command(const Config& config, const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "" : args[0];
  try {
    if (verb == "create") {
      auto db = open_current_database(config);
      store::ApiKeyStore keys(*db);
      if (flag(args, "--admin")) {
        std::cerr << "lagentry-host: --admin is gone: tenant keys never administer the host. Use --operator for a "
                     "host operator key (tenant '" << store::kOperatorTenant << "')\n";
        return 2;
      }
      const bool host_operator = flag(args, "--operator");
      const std::string tenant = option(args, "--tenant", store::kOperatorTenant);
      if (host_operator && tenant != store::kOperatorTenant) {
        std::cerr << "lagentry-host: operator keys belong to the host's own tenant '" << store::kOperatorTenant
                  << "', not to '" << tenant << "'\n";
        return 2;
      }
      const std::string user = option(args, "--user", "");
      if (host_operator && !user.empty()) {
        std::cerr << "lagentry-host: operator keys are not bound to an end user (drop --user or --operator)\n";
        return 2;
      }
      auto [record, plaintext] = keys.create(tenant, option(args, "--name", "cli"),
                                             host_operator ? store::KeyRole::host_operator : store::KeyRole::tenant, user);
      std::cout << plaintext << "\n";
      std::cerr << "created " << record.id << " for tenant " << record.tenant_id << (record.is_operator() ? " (operator)" : "")
                << (user.empty() ? "" : ", acting for " + user + " only") << " in " << db->description()
                << "; the key is shown only once\n";
      return 0;
    }
    if (verb == "list") {
      auto db = open_current_database(config);
      store::ApiKeyStore keys(*db);
      for (const auto& k : keys.list())
        std::cout << k.id << "\t" << k.tenant_id << "\t" << k.scopes << "\t" << k.name << "\t"
                  << (k.revoked_at_ms ? "revoked" : "active") << "\t" << (k.user_email.empty() ? "-" : k.user_email) << "\n";
      std::cerr << "database: " << db->description() << "\n";
      return 0;
    }
    if (verb == "revoke" && args.size() == 2) {
      auto db = open_current_database(config);
      store::ApiKeyStore keys(*db);
      if (!keys.revoke(args[1])) {
        std::cerr << "lagentry-host: no active key " << args[1] << "\n";
        return 1;
      }
      std::cout << "revoked " << args[1] << "\n";
      return 0;
    }
    if (verb == "rotate-encryption") return rotate_encryption(config);
  } catch (const std::exception& e) {
    std::cerr << "lagentry-host: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: lagentry-host keys create [--tenant T [--user EMAIL] | --operator] [--name N] | list | revoke ID | "
               "rotate-encryption\n";
  return 2;
}

}  // namespace lagentry::host
