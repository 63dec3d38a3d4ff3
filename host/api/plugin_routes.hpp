// Provider-specific endpoints declared in plugin manifests ("routes"), e.g.
// GET /api/v1/unified/gmail/labels. Looked up in the current registry
// snapshot on every request, so they follow hot reloads.
#pragma once

#include "core/plugin/registry.hpp"
#include "host/api/operation_call.hpp"

namespace lagentry::host {

// Installs the fallback that serves manifest routes under /api/v1/unified.
// With ?user_email= the route's provider connection supplies the tokens.
void add_plugin_routes(Router& router, const plugin::Registry& registry, OperationServices& services);

}  // namespace lagentry::host
