// Read-only endpoints answered from the loaded plugin manifests:
//   GET /healthz   liveness: the process answers (and says how the database is)
//   GET /readyz    readiness: database, schema, encryption key and plugins all good
//   GET /api/v1/unified/auth/providers
//   GET /api/v1/unified/connectors
//   GET /api/v1/unified/connectors/{connector}/capabilities
#pragma once

#include "core/crypto/secret_box.hpp"
#include "core/oauth/provider_directory.hpp"
#include "core/plugin/registry.hpp"
#include "core/store/database.hpp"
#include "core/store/database_work.hpp"
#include "host/config/config.hpp"
#include "host/http/router.hpp"

namespace lagentry::host {

void add_catalog_routes(Router& router, const plugin::Registry& registry, const oauth::ProviderDirectory& providers,
                        const Config& config, store::Database& database, store::DatabaseWork& work,
                        const crypto::KeyRing& keys);

}  // namespace lagentry::host
