// .env parsing (host/config/dotenv.cpp): any text either parses or names the
// offending line; what it parses must be usable as environment variables.
#include "host/config/dotenv.hpp"

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {
bool is_environment_name(std::string_view key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key.front()))) return false;
  for (char c : key)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = lagentry::host::parse_dotenv(text);
  if (!result.error.empty() && result.error.rfind("line ", 0) != 0) std::abort();
  for (const auto& [key, value] : result.values) {
    if (!is_environment_name(key)) std::abort();
    // One line, one value: a value never spans lines.
    if (value.find('\n') != std::string::npos) std::abort();
  }
  return 0;
}
