// Throws from init: the host must refuse it and log the plugin's reason.
#include <lagentry/plugin.hpp>

#include <stdexcept>

namespace {
lagentry::Step handle(const lagentry::Call& call) { throw lagentry::UnknownOperation(call.operation); }
void init() { throw std::runtime_error("missing configuration file"); }
}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = "init-fails", .version = "1.0.0", .manifest = "{}", .handle = handle, .init = init})
