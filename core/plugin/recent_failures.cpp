#include "core/plugin/recent_failures.hpp"

namespace lagentry::plugin {

void RecentFailures::record(const std::string& plugin_id, PluginFailure failure) {
  std::lock_guard lock(mutex_);
  auto& kept = failures_[plugin_id];
  kept.push_front(std::move(failure));
  if (kept.size() > kKept) kept.pop_back();
}

std::vector<PluginFailure> RecentFailures::of(const std::string& plugin_id) const {
  std::lock_guard lock(mutex_);
  auto found = failures_.find(plugin_id);
  if (found == failures_.end()) return {};
  return {found->second.begin(), found->second.end()};
}

RecentFailures& recent_failures() {
  static RecentFailures failures;
  return failures;
}

bool is_plugin_failure(const std::string& code) {
  return code == "plugin_error" || code == "plugin_crashed" || code == "plugin_timeout" || code == "plugin_failing";
}

}  // namespace lagentry::plugin
