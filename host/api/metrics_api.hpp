// GET /metrics: the Prometheus text format (core/metrics/metrics.hpp). Needs
// an operator key unless LAGENTRY_METRICS_PUBLIC=true (for a scraper on a
// private network). Gauges of state (plugins, activity queue, connections by
// provider and status) are read when scraped.
#pragma once

#include "core/plugin/registry.hpp"
#include "core/store/activity_log.hpp"
#include "core/store/database.hpp"
#include "core/store/database_work.hpp"
#include "host/http/router.hpp"

namespace lagentry::host {

void add_metrics_routes(Router& router, const plugin::Registry& registry, store::Database& database,
                        store::DatabaseWork& work, const store::ActivityLog& activity, bool public_metrics);

}  // namespace lagentry::host
