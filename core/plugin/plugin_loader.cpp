#include "core/plugin/plugin_loader.hpp"

#include "core/crypto/sha256.hpp"
#include "core/log/logger.hpp"
#include "core/plugin/abi_check.hpp"

#include <exception>
#include <system_error>

namespace lagentry::plugin {
namespace fs = std::filesystem;

namespace {
// Copies `file` to a private name in runtime_dir unless that copy already
// exists; writes to a temporary name first so the copy is never partial.
fs::path make_private_copy(const fs::path& file, const fs::path& runtime_dir, const std::string& sha256) {
  fs::create_directories(runtime_dir);
  fs::path target = runtime_dir / (sha256 + file.extension().string());
  if (fs::exists(target)) return target;
  fs::path temporary = target;
  temporary += ".partial";
  fs::copy_file(file, temporary, fs::copy_options::overwrite_existing);
  fs::rename(temporary, target);
  return target;
}
}  // namespace

LoadOutcome load_plugin(const fs::path& file, const fs::path& runtime_dir) {
  try {
    return load_plugin(file, runtime_dir, crypto::sha256_file_hex(file));
  } catch (const std::exception& e) {
    return {nullptr, e.what()};
  }
}

LoadOutcome load_plugin(const fs::path& file, const fs::path& runtime_dir, const std::string& sha256) {
  LoadedPlugin::Origin origin{file, {}, sha256};
  try {
    origin.private_copy = make_private_copy(file, runtime_dir, sha256);
  } catch (const std::exception& e) {
    return {nullptr, std::string("cannot copy to runtime folder: ") + e.what()};
  }
  LoadOutcome outcome = load_private_copy(origin);
  if (!outcome.plugin) {
    std::error_code ignored;
    fs::remove(origin.private_copy, ignored);
  }
  return outcome;
}

LoadOutcome load_private_copy(const LoadedPlugin::Origin& origin) {
  const fs::path& file = origin.source;
  auto fail = [](std::string message) { return LoadOutcome{nullptr, std::move(message)}; };

  boost::dll::shared_library library;
  try {
    // RTLD_LOCAL keeps one plugin's symbols from resolving another's.
    library.load(boost::dll::fs::path(origin.private_copy.string()),
                 boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return fail(std::string("cannot load library: ") + e.what());
  }
  if (!library.has(LG_PLUGIN_ENTRY_SYMBOL))
    return fail("missing entry symbol " LG_PLUGIN_ENTRY_SYMBOL " (not a Lagentry plugin)");

  auto entry = library.get<const lg_plugin*(const lg_host*)>(LG_PLUGIN_ENTRY_SYMBOL);
  auto host = make_host_table(file.stem().string());
  const lg_plugin* table = entry(&host->table);
  if (auto problem = check_plugin_table(table)) {
    if (table && table->shutdown && LG_ABI_MAJOR(table->abi_version) == LG_ABI_VERSION_MAJOR) table->shutdown();
    return fail(*problem);
  }
  host->component = table->id;

  auto parsed = parse_manifest(table->manifest);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    if (table->shutdown) table->shutdown();
    return fail(*error);
  }
  Manifest manifest = std::move(std::get<Manifest>(parsed));
  if (manifest.id != table->id || manifest.version != table->version) {
    if (table->shutdown) table->shutdown();
    return fail("manifest id/version (" + manifest.id + " " + manifest.version + ") differ from the plugin's (" +
                table->id + " " + table->version + ")");
  }
  // Not an error (ABI 1.0 plugins have no api_origins), but such a provider's
  // operations get no tokens: the host sends credentials only to declared origins.
  for (const auto& provider : manifest.providers)
    if (provider.api_origins.empty())
      log::warn(manifest.id, "provider " + provider.name +
                                 " declares no api_origins: its operations get no tokens (add \"api_origins\" to the manifest)");
  auto plugin = std::make_shared<LoadedPlugin>(std::move(host), std::move(library), table,
                                                     std::move(manifest), origin);
  return {std::move(plugin), {}};
}

}  // namespace lagentry::plugin
