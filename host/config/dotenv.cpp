#include "host/config/dotenv.hpp"

#include <cctype>

namespace lagentry::host {
namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}
bool is_key(std::string_view key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key.front()))) return false;
  for (char c : key)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}
}  // namespace

DotenvResult parse_dotenv(std::string_view text) {
  DotenvResult result;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    auto end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, 7) == "export ") line = trim(line.substr(7));
    auto eq = line.find('=');
    std::string_view key = eq == std::string_view::npos ? line : trim(line.substr(0, eq));
    if (eq == std::string_view::npos || !is_key(key)) {
      result.error = "line " + std::to_string(line_number) + ": expected KEY=value";
      return result;
    }
    std::string_view value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    } else if (auto hash = value.find(" #"); hash != std::string_view::npos) {
      value = trim(value.substr(0, hash));  // trailing comment on an unquoted value
    }
    result.values[std::string(key)] = std::string(value);
  }
  return result;
}

}  // namespace lagentry::host
