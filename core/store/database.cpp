#include "core/store/database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <stdexcept>

namespace lagentry::store {

Database::Database(Backend backend, std::string description, std::size_t pool_size)
    : backend_(backend), description_(std::move(description)), pool_(std::make_unique<soci::connection_pool>(pool_size)) {}

std::unique_ptr<Database> Database::open_sqlite(const std::filesystem::path& file, std::size_t pool_size) {
  if (pool_size == 0) pool_size = 1;
  std::unique_ptr<Database> db(new Database(Backend::sqlite, "sqlite:" + file.string(), pool_size));
  // SOCI's sqlite3 connect string: quote the path so spaces survive.
  const std::string connect = "db=\"" + file.string() + "\" timeout=10";
  try {
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    for (std::size_t i = 0; i < pool_size; ++i) {
      soci::session& sql = db->pool_->at(i);
      sql.open(soci::sqlite3, connect);
      sql << "PRAGMA journal_mode=WAL";
      sql << "PRAGMA synchronous=NORMAL";
      sql << "PRAGMA foreign_keys=ON";
      sql << "PRAGMA busy_timeout=10000";
    }
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot open SQLite database " + file.string() + ": " + e.what());
  }
  return db;
}

std::unique_ptr<Database> Database::open_postgresql(const std::string& connection, std::size_t pool_size) {
  if (pool_size == 0) pool_size = 1;
  std::unique_ptr<Database> db(new Database(Backend::postgresql, "postgresql", pool_size));
  try {
    for (std::size_t i = 0; i < pool_size; ++i) db->pool_->at(i).open(soci::postgresql, connection);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("cannot open PostgreSQL database: ") + e.what());
  }
  return db;
}

}  // namespace lagentry::store
