// `lagentry-host keys ...`: API key management and encryption key rotation.
#pragma once

#include "host/config/config.hpp"

#include <string>
#include <vector>

namespace lagentry::host {

// Runs `keys <args>` against the configured database; returns the exit code.
int run_key_command(const Config& config, const std::vector<std::string>& args);

}  // namespace lagentry::host
