// Connect links for end users:
//   POST /api/v1/unified/connect/sessions
//        {user_email, providers?: [...], redirect_to?, expires_in?}
//   -> 201 {id, url, expires_at, user_email, providers, redirect_to}
// The url opens the connect page (host/web/connect_pages.hpp) for that user
// of the key's tenant; it expires after expires_in seconds (default 1800).
#pragma once

#include "core/oauth/oauth_engine.hpp"
#include "core/store/connect_session_store.hpp"
#include "host/config/config.hpp"
#include "host/http/router.hpp"

#include <chrono>

namespace lagentry::host {

inline constexpr std::chrono::seconds kConnectLinkDefaultLifetime{1800};
inline constexpr std::chrono::seconds kConnectLinkMaxLifetime{86400};

struct ConnectLinkRequest {
  std::string tenant_id;
  std::string user_email;
  std::vector<std::string> providers;  // empty: every configured provider
  std::string redirect_to;
  std::chrono::seconds lifetime = kConnectLinkDefaultLifetime;
  std::string scopes;  // with exactly one provider: asked for instead of its defaults
};

struct ConnectLink {
  store::ConnectSession session;
  std::string url;
};

// Checks the request (an email address, known providers, an allow-listed
// redirect_to, a lifetime from 1 s to a day) and stores the session. Throws
// ApiError 400 invalid_request naming the field.
ConnectLink issue_connect_link(store::Database& database, const oauth::OAuthEngine& engine, const Config& config,
                               ConnectLinkRequest request);

void add_connect_session_routes(Router& router, store::Database& database, store::DatabaseWork& work,
                                oauth::OAuthEngine& engine, const Config& config);

}  // namespace lagentry::host
