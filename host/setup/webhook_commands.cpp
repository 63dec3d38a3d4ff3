#include "host/setup/webhook_commands.hpp"

#include "core/store/webhook_store.hpp"
#include "host/setup/command_arguments.hpp"
#include "host/setup/command_database.hpp"
#include "host/setup/secrets.hpp"

#include <iostream>

namespace lagentry::host {

int run_webhook_command(const Config& config, const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "" : args[0];
  const bool known = verb == "add" || verb == "list" || (verb == "remove" && args.size() == 2);
  if (!known) {
    std::cerr << "usage: lagentry-host webhooks add --tenant T --url URL | list [--tenant T] | remove ID\n";
    return 2;
  }
  try {
    const auto keys = load_key_ring(config);
    auto db = open_current_database(config);
    store::WebhookStore webhooks(*db, keys);
    if (verb == "add") {
      const std::string tenant = option(args, "--tenant", "");
      const std::string url = option(args, "--url", "");
      if (tenant.empty() || url.empty()) {
        std::cerr << "lagentry-host: webhooks add needs --tenant T and --url URL\n";
        return 2;
      }
      auto [webhook, secret] = webhooks.add(tenant, url);
      // The secret alone on stdout, so a script can capture it; the rest on stderr.
      std::cout << secret << "\n";
      std::cerr << "created " << webhook.id << " for tenant " << webhook.tenant_id << " -> " << webhook.url << " in "
                << db->description() << "; the signing secret is shown only once\n";
      return 0;
    }
    if (verb == "list") {
      const auto all = webhooks.list(option(args, "--tenant", ""));
      for (const auto& w : all) std::cout << w.id << "\t" << w.tenant_id << "\t" << w.url << "\n";
      std::cerr << "database: " << db->description() << "\n";
      return 0;
    }
    if (!webhooks.remove(args[1])) {
      std::cerr << "lagentry-host: no webhook " << args[1] << "\n";
      return 1;
    }
    std::cout << "removed " << args[1] << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lagentry-host: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace lagentry::host
