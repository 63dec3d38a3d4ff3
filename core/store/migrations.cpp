#include "core/store/migrations.hpp"

#include "core/log/logger.hpp"
#include "core/store/clock.hpp"

#include <soci/soci.h>

#include <chrono>
#include <stdexcept>

namespace lagentry::store {
namespace {

std::string for_backend(std::string statement, Backend backend) {
  const std::string placeholder = "{id_pk}";
  const std::string replacement = backend == Backend::sqlite ? "id INTEGER PRIMARY KEY AUTOINCREMENT"
                                                             : "id BIGSERIAL PRIMARY KEY";
  for (auto pos = statement.find(placeholder); pos != std::string::npos; pos = statement.find(placeholder))
    statement.replace(pos, placeholder.size(), replacement);
  return statement;
}

void ensure_migrations_table(soci::session& sql) {
  sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
         " version INTEGER PRIMARY KEY,"
         " name TEXT NOT NULL,"
         " applied_at BIGINT NOT NULL)";
}

int current_version(soci::session& sql) {
  int version = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
  return ind == soci::i_ok ? version : 0;
}

}  // namespace

const std::vector<Migration>& migrations() {
  // Times are Unix epoch milliseconds. Secret columns (token_set, PKCE
  // verifiers) hold AES-256-GCM ciphertext, base64, with the key id beside it;
  // API keys and OAuth states are stored only as SHA-256 hashes.
  static const std::vector<Migration> all = {
      {1,
       "initial schema",
       {
           "CREATE TABLE tenants ("
           " id TEXT PRIMARY KEY,"
           " name TEXT NOT NULL,"
           " created_at BIGINT NOT NULL)",

           "CREATE TABLE api_keys ("
           " id TEXT PRIMARY KEY,"
           " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
           " key_hash TEXT NOT NULL UNIQUE,"
           " name TEXT NOT NULL,"
           " scopes TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " last_used_at BIGINT,"
           " revoked_at BIGINT)",

           "CREATE TABLE connections ("
           " id TEXT PRIMARY KEY,"
           " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
           " user_email TEXT NOT NULL,"
           " provider TEXT NOT NULL,"
           " scopes TEXT NOT NULL DEFAULT '',"
           " metadata TEXT NOT NULL DEFAULT '{}',"
           " status TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " updated_at BIGINT NOT NULL,"
           " UNIQUE (tenant_id, user_email, provider))",

           "CREATE TABLE connection_tokens ("
           " connection_id TEXT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,"
           " key_id TEXT NOT NULL,"
           " token_set TEXT NOT NULL,"
           " expires_at BIGINT,"
           " generation BIGINT NOT NULL DEFAULT 0,"
           " updated_at BIGINT NOT NULL)",

           "CREATE TABLE oauth_states ("
           " state_hash TEXT PRIMARY KEY,"
           " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
           " user_email TEXT NOT NULL,"
           " provider TEXT NOT NULL,"
           " scopes TEXT NOT NULL DEFAULT '',"
           " key_id TEXT,"
           " pkce_verifier TEXT,"
           " redirect_to TEXT,"
           " created_at BIGINT NOT NULL,"
           " expires_at BIGINT NOT NULL,"
           " used_at BIGINT)",

           "CREATE INDEX oauth_states_expiry ON oauth_states (expires_at)",

           "CREATE TABLE activity_log ("
           " {id_pk},"
           " occurred_at BIGINT NOT NULL,"
           " tenant_id TEXT,"
           " provider TEXT,"
           " connector TEXT,"
           " action TEXT NOT NULL,"
           " status TEXT NOT NULL,"
           " http_status INTEGER,"
           " latency_ms INTEGER,"
           " item_count INTEGER,"
           " detail TEXT)",

           "CREATE INDEX activity_log_tenant_time ON activity_log (tenant_id, occurred_at)",
       }},
      {2,
       "refresh lease",
       {
           // Hosts sharing one database take this lease before refreshing a
           // connection, so only one of them calls the provider.
           "ALTER TABLE connection_tokens ADD COLUMN refresh_lease_until BIGINT",
       }},
      {3,
       "host operators apart from tenants",
       {
           // "tenant admin" keys of any tenant could administer the whole
           // host. The host's own tenant keeps that power as operators;
           // every other tenant's key becomes a plain tenant key.
           "UPDATE api_keys SET scopes = 'operator' WHERE scopes = 'tenant admin' AND tenant_id = 'default'",
           "UPDATE api_keys SET scopes = 'tenant' WHERE scopes = 'tenant admin'",
       }},
      {4,
       "api keys bound to one end user",
       {
           // A key created with --user acts for that end user only (MCP
           // clients, agents that must not switch users).
           "ALTER TABLE api_keys ADD COLUMN user_email TEXT",
       }},
      {5,
       "host settings",
       {
           // encryption_check: a value sealed with the encryption key, so a
           // host with the wrong key stops at startup (store/key_check.hpp).
           "CREATE TABLE host_settings ("
           " name TEXT PRIMARY KEY,"
           " key_id TEXT,"
           " value TEXT NOT NULL)",
       }},
      {6,
       "activity records name the user and the request",
       {
           "ALTER TABLE activity_log ADD COLUMN user_email TEXT",
           "ALTER TABLE activity_log ADD COLUMN request_id TEXT",
           "CREATE INDEX activity_log_tenant_user_time ON activity_log (tenant_id, user_email, occurred_at)",
       }},
      {7,
       "webhooks and their delivery outbox",
       {
           // The signing secret is sealed like tokens (AAD "webhooks:<id>").
           "CREATE TABLE webhooks ("
           " id TEXT PRIMARY KEY,"
           " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
           " url TEXT NOT NULL,"
           " key_id TEXT NOT NULL,"
           " secret TEXT NOT NULL,"
           " created_at BIGINT NOT NULL)",

           // One row per event and subscribed webhook, written when the
           // connection changes and kept until delivered or given up, so a
           // restart loses nothing. lease_until claims a row for one host.
           "CREATE TABLE webhook_deliveries ("
           " {id_pk},"
           " webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,"
           " event_id TEXT NOT NULL,"
           " event_type TEXT NOT NULL,"
           " payload TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " attempts BIGINT NOT NULL DEFAULT 0,"
           " next_attempt_at BIGINT NOT NULL,"
           " lease_until BIGINT,"
           " delivered_at BIGINT,"
           " abandoned_at BIGINT,"
           " last_error TEXT)",

           "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (delivered_at, abandoned_at, next_attempt_at)",
       }},
      {8,
       "connect links and console sessions",
       {
           // Both are browser credentials: only their SHA-256 is stored.
           "CREATE TABLE connect_sessions ("
           " id TEXT PRIMARY KEY,"
           " token_hash TEXT NOT NULL UNIQUE,"
           " tenant_id TEXT NOT NULL,"
           " user_email TEXT NOT NULL,"
           " providers TEXT NOT NULL,"
           " redirect_to TEXT,"
           " csrf TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " expires_at BIGINT NOT NULL)",
           "CREATE TABLE console_sessions ("
           " token_hash TEXT PRIMARY KEY,"
           " key_id TEXT NOT NULL,"
           " tenant_id TEXT NOT NULL,"
           " csrf TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " expires_at BIGINT NOT NULL)",
       }},
      {9,
       "connect links that ask for given scopes",
       {
           "ALTER TABLE connect_sessions ADD COLUMN scopes TEXT",
       }},
  };
  return all;
}

int migrate(Database& db) {
  soci::session sql(db.pool());
  ensure_migrations_table(sql);
  int applied = 0;
  for (const Migration& m : migrations()) {
    if (m.version <= current_version(sql)) continue;
    // Hosts starting together on one database must not both apply a
    // migration: take a write lock, then look again.
    if (db.backend() == Backend::sqlite) {
      sql << "BEGIN IMMEDIATE";
    } else {
      sql.begin();
      sql << "SELECT pg_advisory_xact_lock(7429111)";
    }
    try {
      if (m.version > current_version(sql)) {
        for (const std::string& statement : m.statements) sql << for_backend(statement, db.backend());
        const long long now = now_ms();
        sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
            soci::use(m.version), soci::use(m.name), soci::use(now);
        log::info("store", "applied migration " + std::to_string(m.version) + ": " + m.name);
        ++applied;
      }
      sql << "COMMIT";
    } catch (const std::exception& e) {
      try {
        sql << "ROLLBACK";
      } catch (const std::exception&) {
      }
      throw std::runtime_error("migration " + std::to_string(m.version) + " (" + m.name + ") failed: " + e.what());
    }
  }
  return applied;
}

int schema_version(Database& db) {
  soci::session sql(db.pool());
  ensure_migrations_table(sql);
  return current_version(sql);
}

}  // namespace lagentry::store
