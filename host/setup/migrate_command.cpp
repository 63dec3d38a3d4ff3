#include "host/setup/migrate_command.hpp"

#include "core/store/database.hpp"
#include "core/store/migrations.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace lagentry::host {

int run_migrate_command(const Config& config, const std::vector<std::string>& args) {
  const bool dry_run = std::find(args.begin(), args.end(), "--dry-run") != args.end();
  for (const auto& a : args)
    if (a != "--dry-run") {
      std::cerr << "usage: lagentry-host migrate [--dry-run]\n";
      return 2;
    }
  try {
    if (config.database_url.empty() && !std::filesystem::exists(config.database_path)) {
      std::cerr << "lagentry-host: no database at " << std::filesystem::absolute(config.database_path).string()
                << " (set DATABASE_PATH; the host creates a new one when it starts)\n";
      return 1;
    }
    auto db = config.database_url.empty() ? store::Database::open_sqlite(config.database_path, 1)
                                          : store::Database::open_postgresql(config.database_url, 1);
    const int version = store::schema_version(*db);
    int pending = 0;
    std::cout << db->description() << ": schema version " << version << "\n";
    for (const auto& m : store::migrations())
      if (m.version > version) {
        std::cout << (dry_run ? "would apply " : "applying ") << m.version << ": " << m.name << "\n";
        ++pending;
      }
    if (pending == 0) {
      std::cout << "up to date\n";
      return 0;
    }
    if (dry_run) return 0;
    store::migrate(*db);
    std::cout << "now at schema version " << store::schema_version(*db) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lagentry-host: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace lagentry::host
