#include "host/setup/command_database.hpp"

#include "core/store/migrations.hpp"

#include <filesystem>
#include <stdexcept>

namespace lagentry::host {

std::unique_ptr<store::Database> open_existing_database(const Config& config) {
  if (config.database_url.empty() && !std::filesystem::exists(config.database_path))
    throw std::runtime_error("no database at " + std::filesystem::absolute(config.database_path).string() +
                             " (set DATABASE_PATH, or start the host once to create it)");
  return config.database_url.empty() ? store::Database::open_sqlite(config.database_path, 1)
                                     : store::Database::open_postgresql(config.database_url, 1);
}

std::unique_ptr<store::Database> open_current_database(const Config& config) {
  auto db = open_existing_database(config);
  store::migrate(*db);
  return db;
}

}  // namespace lagentry::host
