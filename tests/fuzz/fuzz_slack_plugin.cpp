// The slack plugin's invoke() over fuzzed operations, inputs and upstream
// answers (see plugin_exchange.hpp for the input format).
#include "plugin_exchange.hpp"

extern "C" const lg_plugin* lagentry_plugin_entry(const lg_host* host);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return lagentry::fuzz::run_exchange(lagentry_plugin_entry, data, size);
}
