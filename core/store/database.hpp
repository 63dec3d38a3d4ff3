// The SOCI connection pool behind every store.
//
// SQLite (the embedded default) runs in WAL mode with a busy timeout so
// readers never block the writer; PostgreSQL uses the same SQL.
#pragma once

#include <soci/connection-pool.h>
#include <soci/session.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace lagentry::store {

enum class Backend { sqlite, postgresql };

class Database {
 public:
  // Opens (creating if needed) an SQLite file. Throws std::runtime_error
  // with the path and SQLite's reason on failure.
  static std::unique_ptr<Database> open_sqlite(const std::filesystem::path& file, std::size_t pool_size = 4);
  // Opens a PostgreSQL database from a libpq connection string or URL.
  static std::unique_ptr<Database> open_postgresql(const std::string& connection, std::size_t pool_size = 4);

  Backend backend() const { return backend_; }
  // A description safe to log (no password).
  const std::string& description() const { return description_; }

  // Borrow a session for one unit of work: `soci::session sql(db.pool());`.
  soci::connection_pool& pool() { return *pool_; }
  // A session of its own, set up like the pooled ones, for a long-lived
  // user that keeps prepared statements (the activity writer).
  std::unique_ptr<soci::session> open_session() const;

 private:
  Database(Backend backend, std::string description, std::size_t pool_size);
  Backend backend_;
  std::string description_;
  std::string connect_;  // SOCI's connect string (may hold a password: never logged)
  std::unique_ptr<soci::connection_pool> pool_;
};

}  // namespace lagentry::store
