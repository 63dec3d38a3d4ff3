// Versioned schema migrations.
//
// Each migration runs once, in its own transaction, and is recorded in
// schema_migrations. Migrations are only ever appended; an applied one is
// never edited (write a new one instead).
#pragma once

#include "core/store/database.hpp"

#include <string>
#include <vector>

namespace lagentry::store {

struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;  // "{id_pk}" becomes the backend's auto-increment key
};

// The schema, oldest first.
const std::vector<Migration>& migrations();

// Applies every pending migration; returns how many ran. Throws on failure
// (the failing migration is rolled back, earlier ones stay).
int migrate(Database& db);

// Highest applied version, 0 for an empty database.
int schema_version(Database& db);

}  // namespace lagentry::store
