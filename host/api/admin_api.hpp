// Operator endpoints (admin API key required):
//   GET  /admin/plugins          id, version, ABI, file hash, load time,
//                                requests in flight, isolation (none or
//                                process: worker pids, restarts, failing),
//                                and the last load errors
//   POST /admin/plugins/reload   rescan the plugin folder now
#pragma once

#include "core/plugin/registry.hpp"
#include "host/http/router.hpp"

namespace lagentry::host {

void add_admin_routes(Router& router, plugin::Registry& registry);

}  // namespace lagentry::host
