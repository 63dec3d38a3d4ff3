// Every provider the OAuth engine can connect to: those declared by loaded
// plugins (looked up in the registry's current snapshot) and those defined
// by configuration alone (JSON descriptors in config/providers/).
#pragma once

#include "core/plugin/registry.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace lagentry::oauth {

struct ProviderEntry {
  plugin::PluginPtr plugin;  // null for configuration-only providers
  // Keeps the plugin version alive when it points into a plugin's manifest.
  std::shared_ptr<const plugin::ProviderDescriptor> descriptor;
};

class ProviderDirectory {
 public:
  ProviderDirectory(const plugin::Registry& registry, std::vector<plugin::ProviderDescriptor> configured);

  std::optional<ProviderEntry> find(std::string_view name) const;
  // Plugin providers first (by name), then configured ones not shadowed by a plugin.
  std::vector<ProviderEntry> all() const;

  // Reads every *.json in `dir` (a missing folder is fine): each file is one
  // provider object, {"name","display_name","oauth":{...}} as in a manifest.
  // Throws std::runtime_error naming the file and field on a bad descriptor.
  static std::vector<plugin::ProviderDescriptor> load_descriptors(const std::filesystem::path& dir);
  // One descriptor file's text; throws std::runtime_error naming the field.
  static plugin::ProviderDescriptor parse_descriptor(std::string_view text);

 private:
  const plugin::Registry& registry_;
  std::vector<std::shared_ptr<const plugin::ProviderDescriptor>> configured_;
};

}  // namespace lagentry::oauth
