// Provider-specific endpoints declared in plugin manifests ("routes"), e.g.
// GET /api/v1/unified/gmail/labels. Looked up in the current registry
// snapshot on every request, so they follow hot reloads.
#pragma once

#include "core/plugin/registry.hpp"
#include "core/runtime/upstream.hpp"
#include "core/store/activity_log.hpp"
#include "host/http/router.hpp"

namespace lagentry::host {

// Installs the fallback that serves manifest routes under /api/v1/unified.
// Every call is recorded in the activity log.
void add_plugin_routes(Router& router, const plugin::Registry& registry, runtime::Fetcher& fetcher,
                       store::ActivityLog& activity);

}  // namespace lagentry::host
