// MCP sessions: what initialize negotiated, kept in memory per host.
//
// A session is bound to the tenant and key that created it and to one end
// user, fixed at initialize (the key's user, or ?user_email= on the URL):
// no tool argument can switch users. Sessions idle for longer than the TTL
// expire (the client gets 404 and initializes again); the oldest go first
// when the cap is reached.
#pragma once

#include "host/mcp/tool_catalog.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lagentry::host::mcp {

// A connect link handed out as a URL elicitation: once the user has
// connected the provider, the session's stream gets notifications/elicitation/complete.
struct PendingElicitation {
  std::string id;
  std::string provider;
  std::int64_t since_ms = 0;  // a connection updated after this completes it
};

struct Session {
  std::string id;                  // visible ASCII, 43 random base64url characters
  std::string tenant_id;
  std::string key_id;
  std::string user_email;
  std::string protocol_version;
  bool url_elicitation = false;    // the client declared capabilities.elicitation.url
  ToolFilter filter;
  bool discover_tools = false;     // ?tools=discover: three meta-tools instead of all
  std::vector<PendingElicitation> elicitations;  // at most kMaxPendingElicitations, oldest first
  std::chrono::steady_clock::time_point last_used;
};

inline constexpr std::size_t kMaxPendingElicitations = 16;

class SessionStore {
 public:
  explicit SessionStore(std::chrono::seconds idle_ttl = std::chrono::hours(1), std::size_t max_sessions = 10000)
      : idle_ttl_(idle_ttl), max_sessions_(max_sessions) {}

  // Stores the session under a new random id and returns it.
  std::string create(Session session);
  // The live session with this id, its idle time reset; nullopt when unknown or expired.
  std::optional<Session> find(const std::string& id);
  bool erase(const std::string& id);
  // Remembers an elicitation of the session (the oldest goes beyond the cap).
  void add_elicitation(const std::string& id, PendingElicitation elicitation);
  // Forgets one once its completion was sent.
  void drop_elicitation(const std::string& id, const std::string& elicitation_id);
  std::size_t size() const;

 private:
  void expire_locked(std::chrono::steady_clock::time_point now);

  std::chrono::seconds idle_ttl_;
  std::size_t max_sessions_;
  mutable std::mutex mutex_;
  std::map<std::string, Session, std::less<>> sessions_;
};

}  // namespace lagentry::host::mcp
