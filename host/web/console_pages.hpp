// The operator console: connections, activity, plugins and settings as
// server-rendered pages, for a person holding an operator API key.
//   GET  /console/sign-in, POST /console/sign-in (api_key), POST /console/sign-out
//   GET  /console                       -> /console/connections
//   GET  /console/connections           ?tenant=&provider=&status=&user_email=&cursor=
//   POST /console/connections/revoke    id, tenant
//   POST /console/connect-links         tenant, user_email, providers, expires_in
//   GET  /console/activity              ?tenant=&user_email=&provider=&status=&since=&until=&cursor=
//   GET  /console/plugins, POST /console/plugins/reload
//   GET  /console/settings              a summary, never a secret
// Signing in trades the key for a server-side session (8 hours): an
// HttpOnly, SameSite=Strict cookie scoped to /console (Secure when the
// public URL is https). Every page checks the session and that its key is
// still active; every POST carries the session's CSRF token.
#pragma once

#include "core/oauth/oauth_engine.hpp"
#include "core/plugin/registry.hpp"
#include "host/config/config.hpp"
#include "host/http/router.hpp"

namespace lagentry::host::web {

inline constexpr const char* kConsoleCookie = "lagentry_console";
inline constexpr std::chrono::hours kConsoleSessionLifetime{8};

struct ConsoleServices {
  plugin::Registry& registry;
  store::Database& database;
  oauth::OAuthEngine& engine;
  const Config& config;
};

void add_console_pages(Router& router, ConsoleServices services);

}  // namespace lagentry::host::web
