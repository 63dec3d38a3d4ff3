// Options of the command-line tools (keys, webhooks): `--name value` pairs
// and bare `--flag`s after the verb.
#pragma once

#include <string>
#include <vector>

namespace lagentry::host {

// The value after `name`, or `fallback` when absent.
inline std::string option(const std::vector<std::string>& args, const std::string& name, const std::string& fallback) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == name) return args[i + 1];
  return fallback;
}

inline bool flag(const std::vector<std::string>& args, const std::string& name) {
  for (const auto& a : args)
    if (a == name) return true;
  return false;
}

}  // namespace lagentry::host
