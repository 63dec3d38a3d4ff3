// `lagentry-host webhooks ...`: a tenant's webhook subscriptions.
#pragma once

#include "host/config/config.hpp"

#include <string>
#include <vector>

namespace lagentry::host {

// Runs `webhooks <args>` against the configured database; returns the exit code.
int run_webhook_command(const Config& config, const std::vector<std::string>& args);

}  // namespace lagentry::host
