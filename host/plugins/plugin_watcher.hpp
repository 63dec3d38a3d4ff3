// Watches the plugin folder with inotify and reloads the registry when a
// plugin file is complete: closed after writing, or renamed into place (the
// atomic way to replace a plugin). Events are debounced, so a burst (several
// files copied at once) causes one reload.
#pragma once

#include "core/plugin/registry.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>

namespace lagentry::host {

class PluginWatcher {
 public:
  PluginWatcher(boost::asio::io_context& io, plugin::Registry& registry,
                std::chrono::milliseconds debounce = std::chrono::milliseconds(200));
  ~PluginWatcher();

  // Starts watching; false (with a log line) when the folder cannot be watched.
  bool start();
  void stop();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace lagentry::host
