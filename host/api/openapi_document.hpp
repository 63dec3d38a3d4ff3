// Builds the OpenAPI 3.1 document of everything the host serves, at request
// time, from three sources that are also what the host runs on:
//   * the router's fixed routes, described by host/api/builtin_routes.json;
//   * the connector endpoints (host/api/connector_endpoints.hpp) of every
//     loaded connector, with the schemas of its operations;
//   * every plugin route of the loaded manifests.
// So the document follows hot reloads and cannot drift from the manifests.
#pragma once

#include "core/plugin/registry.hpp"
#include "host/http/router.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace lagentry::host {

boost::json::object openapi_document(const Router& router, const plugin::Snapshot& plugins,
                                     const std::string& server_url);

// "GET /path" of fixed routes that builtin_routes.json does not describe, and
// of entries there that the router does not serve (both should be empty).
struct RouteDocCoverage {
  std::vector<std::string> undocumented;
  std::vector<std::string> stale;
};
RouteDocCoverage route_doc_coverage(const Router& router);

}  // namespace lagentry::host
