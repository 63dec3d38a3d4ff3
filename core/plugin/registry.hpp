// The set of plugins currently serving, indexed by provider and connector.
//
// Readers take an immutable Snapshot (one shared_ptr copy under a short
// lock); reload() builds a new snapshot and swaps it in. A plugin version
// dropped from the snapshot lives on until its last request lets go.
#pragma once

#include "core/plugin/loaded_plugin.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lagentry::plugin {

using PluginPtr = std::shared_ptr<const LoadedPlugin>;

struct LoadError {
  std::filesystem::path file;
  std::string message;
  std::chrono::system_clock::time_point at;
};

struct Snapshot {
  std::vector<PluginPtr> plugins;  // sorted by id
  std::map<std::string, PluginPtr, std::less<>> by_provider;
  std::map<std::string, PluginPtr, std::less<>> by_connector;
  std::vector<LoadError> errors;   // files refused in the reload that built this snapshot
};

struct ReloadReport {
  int loaded = 0;    // new or changed files now serving
  int kept = 0;      // unchanged files
  int retired = 0;   // plugins whose file disappeared
  int refused = 0;   // files that failed to load (the old version, if any, keeps serving)
};

// Starts the worker processes of a newly loaded plugin version that is to
// run isolated, or answers null to keep it in the host.
using WorkerFactory = std::function<std::shared_ptr<isolation::WorkerPool>(const LoadedPlugin&)>;

class Registry {
 public:
  Registry(std::filesystem::path plugin_dir, std::filesystem::path runtime_dir, WorkerFactory isolate = {});

  // Scans the plugin folder: loads new or changed files, keeps unchanged
  // ones (clearing an isolated one's failing mark), retires removed ones.
  // Thread-safe; concurrent calls serialize.
  ReloadReport reload();

  std::shared_ptr<const Snapshot> snapshot() const;
  PluginPtr find_provider(std::string_view name) const;
  PluginPtr find_connector(std::string_view name) const;

  const std::filesystem::path& plugin_dir() const { return plugin_dir_; }

 private:
  std::filesystem::path plugin_dir_;
  std::filesystem::path runtime_dir_;
  WorkerFactory isolate_;
  std::mutex reload_mutex_;
  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
};

// True for files the registry treats as plugins (*.so on Linux).
bool is_plugin_file(const std::filesystem::path& path);

}  // namespace lagentry::plugin
