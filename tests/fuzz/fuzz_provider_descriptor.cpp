// Configuration-only provider descriptors (config/providers/*.json, read by
// core/oauth/provider_directory.cpp): one file is exactly one provider
// object; whatever is accepted is what that object says.
#include "core/oauth/provider_directory.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace json = boost::json;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  lagentry::plugin::ProviderDescriptor descriptor;
  try {
    descriptor = lagentry::oauth::ProviderDirectory::parse_descriptor(text);
  } catch (const std::runtime_error&) {
    return 0;  // refused with a message: startup stops naming the file
  }
  // Accepted: the file must be one JSON object naming this provider.
  json::error_code ec;
  const json::value file = json::parse(text, ec);
  if (ec || !file.is_object()) std::abort();
  const auto* name = file.get_object().if_contains("name");
  if (!name || !name->is_string() || name->get_string() != descriptor.name) std::abort();
  if (!file.get_object().contains("oauth")) std::abort();
  return 0;
}
