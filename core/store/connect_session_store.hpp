// Connect sessions: links an app hands to its end user, who opens them in a
// browser to connect and disconnect accounts (host/web/connect_pages.hpp).
//
// The link carries a random token that is the only credential the browser
// ever holds (no API key reaches it); rows are keyed by the token's SHA-256,
// so a leaked database leaks no working link. A session is bound to one
// tenant and one user, optionally to a list of providers and an app URL to
// return to, and expires (30 minutes unless asked otherwise).
#pragma once

#include "core/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lagentry::store {

struct ConnectSession {
  std::string id;  // "cs_...": names the session in answers and logs; grants nothing
  std::string tenant_id;
  std::string user_email;
  std::vector<std::string> providers;  // empty: every configured provider
  std::string redirect_to;             // the app to send the browser back to; "" for none
  std::string scopes;                  // a one-provider link's scopes instead of its defaults; "" for those
  std::string csrf;                    // embedded in the page's forms
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
};

class ConnectSessionStore {
 public:
  explicit ConnectSessionStore(Database& db) : db_(db) {}

  // Stores a new session (id, csrf and created_at are filled in) and returns
  // {session, token}; only the token's hash is kept.
  std::pair<ConnectSession, std::string> create(ConnectSession session);
  // The unexpired session whose link carries `token`.
  std::optional<ConnectSession> find(const std::string& token);
  int purge_expired();

 private:
  Database& db_;
};

}  // namespace lagentry::store
