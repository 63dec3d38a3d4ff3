// Checks a plugin's table against the ABI this host was built with.
#pragma once

#include <lagentry/plugin.h>

#include <optional>
#include <string>

namespace lagentry::plugin {

// The smallest lg_plugin an ABI 1.x plugin may hand us: everything up to
// and including `shutdown`. Later minors only append.
inline constexpr size_t kMinPluginTableSize = offsetof(lg_plugin, shutdown) + sizeof(void (*)(void));

// Empty when the table is usable; otherwise one sentence saying why not.
std::optional<std::string> check_plugin_table(const lg_plugin* table);

// ABI 1.2: whether the plugin asks for its responses as lg_call.response_list
// (LG_PLUGIN_RESPONSE_LIST). A table too small to hold `flags` (a 1.0 or 1.1
// plugin) never does, whatever lies beyond its end.
bool takes_response_list(const lg_plugin& table);

}  // namespace lagentry::plugin
