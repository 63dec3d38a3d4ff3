#include "host/setup/migrate_command.hpp"

#include "core/store/database.hpp"
#include "host/setup/command_database.hpp"
#include "core/store/migrations.hpp"

#include <algorithm>
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
    auto db = open_existing_database(config);
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
