// Operator endpoints (admin API key required):
//   GET  /admin/plugins          id, version, ABI, file hash, load time,
//                                requests in flight, isolation (none or
//                                process: worker pids, restarts, failing),
//                                and the last load errors
//   POST /admin/plugins/reload   rescan the plugin folder now
#pragma once

#include "core/plugin/registry.hpp"
#include "host/http/router.hpp"

#include <boost/json/object.hpp>

namespace lagentry::host {

// What /admin/plugins answers (the console's plugins page shows the same).
boost::json::object plugins_view(const plugin::Registry& registry);

void add_admin_routes(Router& router, plugin::Registry& registry);

}  // namespace lagentry::host
