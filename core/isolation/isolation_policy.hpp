// Which plugins run in worker processes (LAGENTRY_PLUGIN_ISOLATION):
// "none" (all in the host, the default), "process" (all isolated), or a
// comma-separated list of plugin ids to isolate.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace lagentry::isolation {

class IsolationPolicy {
 public:
  IsolationPolicy() = default;  // none

  // nullopt (and `error` set) for text that is none of the three forms.
  static std::optional<IsolationPolicy> parse(std::string_view text, std::string& error);

  bool isolates(std::string_view plugin_id) const { return all_ || ids_.count(std::string(plugin_id)) > 0; }
  std::string describe() const;  // "none", "process" or "process for a, b"

 private:
  bool all_ = false;
  std::set<std::string> ids_;
};

}  // namespace lagentry::isolation
