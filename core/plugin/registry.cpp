#include "core/plugin/registry.hpp"

#include "core/metrics/metrics.hpp"

#include "core/crypto/sha256.hpp"
#include "core/isolation/worker_pool.hpp"
#include "core/log/logger.hpp"
#include "core/plugin/plugin_loader.hpp"

#include <algorithm>
#include <set>
#include <system_error>

namespace lagentry::plugin {
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kLog = "plugins";

std::vector<fs::path> list_plugin_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec) && is_plugin_file(it->path())) files.push_back(it->path());
  std::sort(files.begin(), files.end());
  return files;
}

// Why `plugin` cannot join `next`, or empty when its names are all free.
std::string find_conflict(const Snapshot& next, const LoadedPlugin& plugin) {
  for (const auto& other : next.plugins)
    if (other->id() == plugin.id()) return "plugin id " + plugin.id() + " is already served by " + other->origin().source.filename().string();
  for (const auto& p : plugin.manifest().providers)
    if (auto it = next.by_provider.find(p.name); it != next.by_provider.end())
      return "provider " + p.name + " is already served by plugin " + it->second->id();
  for (const auto& c : plugin.manifest().connectors) {
    if (auto it = next.by_connector.find(c.name); it != next.by_connector.end())
      return "connector " + c.name + " is already served by plugin " + it->second->id();
    for (const auto& alias : c.aliases)
      if (auto it = next.by_connector.find(alias); it != next.by_connector.end())
        return "connector name " + alias + " is already served by plugin " + it->second->id();
  }
  return {};
}

void add(Snapshot& next, PluginPtr plugin) {
  for (const auto& p : plugin->manifest().providers) next.by_provider.emplace(p.name, plugin);
  for (const auto& c : plugin->manifest().connectors) {
    next.by_connector.emplace(c.name, plugin);
    for (const auto& alias : c.aliases) next.by_connector.emplace(alias, plugin);  // by_connector holds aliases too
  }
  next.plugins.push_back(std::move(plugin));
}
}  // namespace

bool is_plugin_file(const fs::path& path) { return path.extension() == ".so"; }

Registry::Registry(fs::path plugin_dir, fs::path runtime_dir, WorkerFactory isolate)
    : plugin_dir_(std::move(plugin_dir)),
      runtime_dir_(std::move(runtime_dir)),
      isolate_(std::move(isolate)),
      snapshot_(std::make_shared<Snapshot>()) {
  // Private copies from an earlier run are never mapped again: remove them.
  // Only our own files (<sha256>.so[.partial]) go: the folder may be shared.
  std::error_code ec;
  for (fs::directory_iterator it(runtime_dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool ours = name.size() >= 67 && name.find_first_not_of("0123456789abcdef") == 64 &&
                      (name.substr(64) == ".so" || name.substr(64) == ".so.partial");
    std::error_code ignored;
    if (ours) fs::remove(it->path(), ignored);
  }
}

ReloadReport Registry::reload() {
  std::lock_guard reload_lock(reload_mutex_);
  const auto current = snapshot();
  auto next = std::make_shared<Snapshot>();
  ReloadReport report;

  std::set<fs::path> still_present;
  for (const fs::path& file : list_plugin_files(plugin_dir_)) {
    still_present.insert(file);
    PluginPtr previous;
    for (const auto& p : current->plugins)
      if (p->origin().source == file) previous = p;

    auto refuse = [&](const std::string& message) {
      ++report.refused;
      log::error(kLog, "refused " + file.filename().string() + ": " + message +
                           (previous ? " (version " + previous->version() + " keeps serving)" : ""));
      next->errors.push_back({file, message, std::chrono::system_clock::now()});
      if (previous && find_conflict(*next, *previous).empty()) add(*next, previous);
    };

    std::string sha256;
    try {
      sha256 = crypto::sha256_file_hex(file);
    } catch (const std::exception& e) {
      refuse(e.what());
      continue;
    }
    if (previous && previous->origin().sha256 == sha256) {
      ++report.kept;
      if (auto* workers = previous->workers()) workers->revive();
      if (std::string conflict = find_conflict(*next, *previous); conflict.empty()) add(*next, previous);
      continue;
    }
    LoadOutcome outcome = load_plugin(file, runtime_dir_, sha256);
    if (!outcome.plugin) {
      refuse(outcome.error);
      continue;
    }
    if (std::string conflict = find_conflict(*next, *outcome.plugin); !conflict.empty()) {
      refuse(conflict);
      continue;
    }
    ++report.loaded;
    if (isolate_) outcome.plugin->run_in_workers(isolate_(*outcome.plugin));
    const auto& m = outcome.plugin->manifest();
    log::info(kLog, "loaded " + m.id + " " + m.version + " from " + file.filename().string() + " (" +
                        std::to_string(m.providers.size()) + " providers, " + std::to_string(m.connectors.size()) +
                        " connectors, sha256 " + sha256.substr(0, 12) +
                        (outcome.plugin->workers() ? ", isolated in worker processes" : "") + ")");
    add(*next, std::move(outcome.plugin));
  }
  for (const auto& p : current->plugins)
    if (!still_present.count(p->origin().source)) {
      ++report.retired;
      log::info(kLog, "retiring " + p->id() + " " + p->version() + ": file removed");
    }
  std::sort(next->plugins.begin(), next->plugins.end(), [](const auto& a, const auto& b) { return a->id() < b->id(); });
  {
    std::lock_guard lock(snapshot_mutex_);
    snapshot_ = std::move(next);
  }
  metrics::global().reload(report.loaded, report.refused);
  return report;
}

std::shared_ptr<const Snapshot> Registry::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

PluginPtr Registry::find_provider(std::string_view name) const {
  auto snap = snapshot();
  auto it = snap->by_provider.find(name);
  return it == snap->by_provider.end() ? nullptr : it->second;
}

PluginPtr Registry::find_connector(std::string_view name) const {
  auto snap = snapshot();
  auto it = snap->by_connector.find(name);
  return it == snap->by_connector.end() ? nullptr : it->second;
}

}  // namespace lagentry::plugin
