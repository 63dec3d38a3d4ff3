// The connect page: what an end user sees when they open a connect link
// (host/api/connect_session_api.hpp).
//   GET  /connect/{token}     trades the link for a cookie, then 303 /connect
//   GET  /connect             the providers, each with its state and buttons;
//                             ?status=&provider=&error= shows an outcome
//   POST /connect/authorize   provider, csrf: 303 to the provider's consent page
//   POST /connect/disconnect  provider, csrf: revokes, then back to the page
// The token moves out of the address bar into an HttpOnly, SameSite=Lax
// cookie scoped to /connect (Lax, so it comes along when the provider sends
// the browser back). Forms carry the session's CSRF token. Flows started
// here return to /connect, or to the session's redirect_to with status= and
// provider= after each outcome.
#pragma once

#include "core/oauth/oauth_engine.hpp"
#include "host/config/config.hpp"
#include "host/http/router.hpp"

namespace lagentry::host::web {

inline constexpr const char* kConnectCookie = "lagentry_connect";

void add_connect_pages(Router& router, store::Database& database, store::DatabaseWork& work, oauth::OAuthEngine& engine,
                       const Config& config);

// "Your agent will be able to use Gmail, Google Drive and Google Calendar."
std::string provider_summary(const oauth::ProviderEntry& provider);

}  // namespace lagentry::host::web
