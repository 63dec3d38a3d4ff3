#include "core/plugin/abi_check.hpp"

#include "core/plugin/manifest.hpp"

namespace lagentry::plugin {

std::optional<std::string> check_plugin_table(const lg_plugin* table) {
  if (!table) return "entry point returned NULL (plugin initialisation failed)";
  if (LG_ABI_MAJOR(table->abi_version) != LG_ABI_VERSION_MAJOR)
    return "not binary compatible: plugin ABI " + std::to_string(LG_ABI_MAJOR(table->abi_version)) + "." +
           std::to_string(LG_ABI_MINOR(table->abi_version)) + ", host ABI " +
           std::to_string(LG_ABI_VERSION_MAJOR) + "." + std::to_string(LG_ABI_VERSION_MINOR);
  if (table->struct_size < kMinPluginTableSize)
    return "plugin table too small (" + std::to_string(table->struct_size) + " bytes, ABI 1.0 needs " +
           std::to_string(kMinPluginTableSize) + ")";
  if (!table->id || !is_valid_name(table->id)) return "plugin id missing or not [a-z0-9_-]{1,64}";
  if (!table->version || !*table->version) return "plugin version missing";
  if (!table->manifest) return "plugin manifest missing";
  if (!table->invoke) return "plugin has no invoke function";
  return std::nullopt;
}

bool takes_response_list(const lg_plugin& table) {
  return table.struct_size >= offsetof(lg_plugin, flags) + sizeof(table.flags) &&
         (table.flags & LG_PLUGIN_RESPONSE_LIST) != 0;
}

}  // namespace lagentry::plugin
