// The OAuth endpoints of the unified API:
//   GET    /api/v1/unified/auth/{provider}/url?user_email=&scopes=&redirect_to=
//   GET    /api/v1/unified/auth/{provider}/callback   (also /auth/{provider}/callback; no API key)
//   GET    /api/v1/unified/auth/{provider}/validate?user_email=
//   GET|POST /api/v1/unified/auth/{provider}/refresh?user_email=
//   DELETE /api/v1/unified/auth/{provider}/revoke?user_email=
//   GET    /api/v1/unified/auth/{provider}/status?user_email=
//   GET    /api/v1/unified/auth/status?user_email=
#pragma once

#include "core/oauth/oauth_engine.hpp"
#include "host/config/config.hpp"
#include "host/http/router.hpp"

namespace lagentry::host {

void add_auth_routes(Router& router, oauth::OAuthEngine& engine, const Config& config);

// The OAuth app of a provider from <PREFIX>_CLIENT_ID/_CLIENT_SECRET/_REDIRECT_URI;
// the redirect URI defaults to LAGENTRY_PUBLIC_URL + /auth/{provider}/callback.
std::optional<oauth::ClientConfig> client_config(const plugin::ProviderDescriptor& provider, const Config& config);

}  // namespace lagentry::host
