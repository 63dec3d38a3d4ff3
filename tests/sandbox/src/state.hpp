// Everything the sandbox remembers: tokens, authorization codes, settings,
// faults, counters and the providers' data. One object, one mutex: the router
// holds the lock around each handler, so handlers never lock themselves.
#pragma once

#include "data.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace lagentry::sandbox {

enum class Provider { google, slack, atlassian, bitbucket };
const char* provider_name(Provider p);

inline constexpr const char* kClientId = "sandbox-client-id";
inline constexpr const char* kClientSecret = "sandbox-client-secret";

struct Token {
  std::string value;
  Provider provider = Provider::google;
  bool refresh = false;  // a refresh token (else an access token)
  std::string client_id;
  std::vector<std::string> scopes;
  std::string slack_type;          // Slack: "bot" or "user"
  std::vector<std::string> sites;  // Atlassian: cloud ids the grant covers
  std::string grant;               // id of the consent it descends from
  std::int64_t expires_at = 0;     // epoch seconds; 0 = never
  bool revoked = false;
};

struct AuthCode {
  Provider provider = Provider::google;
  std::string client_id, redirect_uri, code_challenge, grant;
  std::vector<std::string> scopes, user_scopes, sites;
  bool offline = false;  // Google access_type=offline: a refresh token comes back
  std::int64_t expires_at = 0;
  bool used = false;
};

struct Settings {
  int access_token_ttl = 0;  // seconds; 0 = each provider's default
  bool slack_token_rotation = false;
  bool deny_consent = false;
  std::vector<std::string> atlassian_sites;  // cloud ids consent grants; empty = all
};

// A rule from POST /_sandbox/faults. Empty origin/path_prefix match everything.
struct Fault {
  std::string origin, path_prefix;
  int status = 0;         // 429/500/503...; 0 = no status fault
  int retry_after = -1;   // seconds for Retry-After; -1 = none
  int latency_ms = 0;
  bool reset = false;     // drop the connection
  long remaining = -1;    // calls left; -1 = until cleared
};

struct Stats {
  std::map<std::string, long> calls;         // "origin METHOD /pattern" -> n
  std::map<std::string, long> token_grants;  // grant_type -> n
  long faults_injected = 0;
};

enum class TokenStatus { ok, missing, invalid, expired };
struct TokenCheck {
  TokenStatus status;
  const Token* token;  // set when ok
};

class State {
 public:
  State() { reset(); }

  std::mutex mutex;
  Settings settings;
  std::map<std::string, Token> tokens;
  std::map<std::string, AuthCode> codes;
  std::vector<Fault> faults;
  // Google: what each client was granted so far, for include_granted_scopes
  // (incremental authorization adds to earlier grants).
  std::map<std::string, std::vector<std::string>> granted_scopes;
  Stats stats;
  GoogleData google;
  SlackData slack;
  AtlassianData atlassian;
  BitbucketData bitbucket;

  // Seeded data, default settings, no tokens, codes, faults or counters.
  void reset();

  // Looks an access token up for a provider (tokens of other providers are invalid).
  TokenCheck check_access(Provider provider, const std::string& value) const;
  // Stores a new token; ttl <= 0 means it never expires.
  const Token& issue(Token prototype, std::string_view prefix, int ttl);
  // Revokes every token descending from one consent.
  void revoke_grant(const std::string& grant);
  // The configured access-token lifetime, or the provider's default.
  int access_ttl(int provider_default) const;
};

bool has_scope(const Token& token, std::string_view scope);
bool has_any_scope(const Token& token, std::initializer_list<std::string_view> scopes);

}  // namespace lagentry::sandbox
