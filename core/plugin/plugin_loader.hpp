// Loads one plugin file: private content-hashed copy, Boost.DLL, ABI and
// manifest checks.
#pragma once

#include "core/plugin/loaded_plugin.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace lagentry::plugin {

struct LoadOutcome {
  std::shared_ptr<LoadedPlugin> plugin;  // null on failure
  std::string error;                           // one sentence when plugin is null
};

// Never maps `file` itself: it is copied to `runtime_dir/<sha256>.so` first,
// because overwriting a mapped library crashes the process and dlopen of an
// already-open path returns the old code.
LoadOutcome load_plugin(const std::filesystem::path& file, const std::filesystem::path& runtime_dir);

// The same load when the content hash is already known (the registry hashes
// each file once to decide whether it changed).
LoadOutcome load_plugin(const std::filesystem::path& file, const std::filesystem::path& runtime_dir,
                        const std::string& sha256);

// Loads an existing private copy (origin.private_copy) with the same checks,
// copying and removing nothing: the plugin worker process maps the copy its
// host made. (The version's destructor would remove the copy; the worker
// never runs it.)
LoadOutcome load_private_copy(const LoadedPlugin::Origin& origin);

}  // namespace lagentry::plugin
