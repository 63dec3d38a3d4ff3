#include "host/mcp/session_store.hpp"

#include "core/crypto/encoding.hpp"

#include <algorithm>

namespace lagentry::host::mcp {

void SessionStore::expire_locked(std::chrono::steady_clock::time_point now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now - it->second.last_used > idle_ttl_) it = sessions_.erase(it);
    else ++it;
  }
}

std::string SessionStore::create(Session session) {
  const auto now = std::chrono::steady_clock::now();
  session.id = crypto::random_token(32);
  session.last_used = now;
  std::lock_guard lock(mutex_);
  expire_locked(now);
  if (sessions_.size() >= max_sessions_) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    sessions_.erase(oldest);
  }
  const std::string id = session.id;
  sessions_.emplace(id, std::move(session));
  return id;
}

std::optional<Session> SessionStore::find(const std::string& id) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_used > idle_ttl_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second;
}

void SessionStore::add_elicitation(const std::string& id, PendingElicitation elicitation) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  auto& pending = it->second.elicitations;
  if (pending.size() >= kMaxPendingElicitations) pending.erase(pending.begin());
  pending.push_back(std::move(elicitation));
}

void SessionStore::drop_elicitation(const std::string& id, const std::string& elicitation_id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  std::erase_if(it->second.elicitations, [&](const PendingElicitation& e) { return e.id == elicitation_id; });
}

bool SessionStore::erase(const std::string& id) {
  std::lock_guard lock(mutex_);
  return sessions_.erase(id) > 0;
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace lagentry::host::mcp
