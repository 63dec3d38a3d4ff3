// The unified connector endpoints, for every connector of every plugin:
//   GET    /api/v1/unified/connectors/{connector}/test
//   GET    /api/v1/unified/connectors/{connector}/items?cursor=&limit=
//   GET    /api/v1/unified/connectors/{connector}/items/{id}
//   POST   /api/v1/unified/connectors/{connector}/items
//   PATCH  /api/v1/unified/connectors/{connector}/items/{id}   (PUT too)
//   DELETE /api/v1/unified/connectors/{connector}/items/{id}
//   GET    /api/v1/unified/connectors/{connector}/search?q=
// Each runs the plugin operation "<connector>.<verb>" (docs/connectors.md).
#pragma once

#include "core/plugin/registry.hpp"
#include "host/api/operation_call.hpp"

namespace lagentry::host {

void add_connector_routes(Router& router, const plugin::Registry& registry, OperationServices& services);

// 404 unknown_connector: what every path below /api/v1/unified/connectors/
// answers for a name no loaded plugin provides, as a connector, an alias or
// (at /capabilities) a provider.
ApiError unknown_connector(const std::string& name);

}  // namespace lagentry::host
