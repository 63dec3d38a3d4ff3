// What happened, per tenant, and who is connected:
//   GET    /api/v1/unified/activity?user_email=&provider=&connector=&action=&status=&since=&until=&cursor=&limit=
//   GET    /api/v1/unified/connections?provider=&status=&user_email=&cursor=&limit=
//   GET    /api/v1/unified/connections/{id}
//   DELETE /api/v1/unified/connections/{id}   (revokes at the provider, then deletes; as auth/{provider}/revoke)
// Tenant-scoped (a key sees its own tenant only), newest activity first,
// keyset pagination with opaque cursors; never a token.
#pragma once

#include "core/oauth/oauth_engine.hpp"
#include "core/store/database.hpp"
#include "core/store/database_work.hpp"
#include "host/http/router.hpp"

namespace lagentry::host {

void add_activity_routes(Router& router, store::Database& database, store::DatabaseWork& work, oauth::OAuthEngine& engine);

}  // namespace lagentry::host
