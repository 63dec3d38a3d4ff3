// `lagentry-host migrate [--dry-run]`: the database's schema version, the
// migrations this build would apply, and (without --dry-run) applies them.
// The host also migrates at startup; this is for upgrades done by hand.
#pragma once

#include "host/config/config.hpp"

#include <string>
#include <vector>

namespace lagentry::host {

int run_migrate_command(const Config& config, const std::vector<std::string>& args);

}  // namespace lagentry::host
