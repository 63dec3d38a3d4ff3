// The last few requests each plugin failed (a reply or fetch the host
// refused, an exception, a crashed or hung worker), for operators:
// /admin/plugins and the console's plugins page. Only what the client was
// told is kept (the error code and message), never a plugin's own text.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace lagentry::plugin {

struct PluginFailure {
  std::string operation;
  std::string code;  // plugin_error, plugin_crashed, plugin_timeout, plugin_failing
  std::string message;
  std::string request_id;
  std::chrono::system_clock::time_point at;
};

class RecentFailures {
 public:
  static constexpr std::size_t kKept = 5;  // per plugin

  void record(const std::string& plugin_id, PluginFailure failure);
  // Newest first.
  std::vector<PluginFailure> of(const std::string& plugin_id) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<PluginFailure>, std::less<>> failures_;
};

// One per process, like the metrics: failures are recorded where operations
// run and read where plugins are shown.
RecentFailures& recent_failures();

// Whether an operation's error code means the plugin failed (not the
// provider, not the caller).
bool is_plugin_failure(const std::string& code);

}  // namespace lagentry::plugin
