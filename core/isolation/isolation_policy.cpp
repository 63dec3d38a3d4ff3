#include "core/isolation/isolation_policy.hpp"

#include "core/plugin/manifest.hpp"

namespace lagentry::isolation {

std::optional<IsolationPolicy> IsolationPolicy::parse(std::string_view text, std::string& error) {
  IsolationPolicy policy;
  if (text.empty() || text == "none") return policy;
  if (text == "process") {
    policy.all_ = true;
    return policy;
  }
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string id(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    while (!id.empty() && id.front() == ' ') id.erase(0, 1);
    while (!id.empty() && id.back() == ' ') id.pop_back();
    if (!plugin::is_valid_name(id)) {
      error = "'" + id + "' is not a plugin id ([a-z0-9_-]{1,64}); use none, process or a comma list of plugin ids";
      return std::nullopt;
    }
    policy.ids_.insert(std::move(id));
  }
  return policy;
}

std::string IsolationPolicy::describe() const {
  if (all_) return "process";
  if (ids_.empty()) return "none";
  std::string out = "process for ";
  for (const auto& id : ids_) out += (out.size() > 12 ? ", " : "") + id;
  return out;
}

}  // namespace lagentry::isolation
