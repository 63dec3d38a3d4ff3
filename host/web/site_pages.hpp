// The host's own pages outside the API:
//   GET /                      what this host is, with links to the API
//                              explorer, the console and the health endpoints
//   GET /assets/lagentry.css   the stylesheet of every page (embedded in the binary)
#pragma once

#include "core/plugin/registry.hpp"
#include "host/http/router.hpp"

namespace lagentry::host::web {

void add_site_pages(Router& router, const plugin::Registry& registry);

}  // namespace lagentry::host::web
