// The database the command-line tools (keys, webhooks, migrate) work on: the host's
// own, never a new one. A key put into a fresh file in the wrong folder
// would be lost on the real host.
#pragma once

#include "core/store/database.hpp"
#include "host/config/config.hpp"

#include <memory>

namespace lagentry::host {

// Throws std::runtime_error ("no database at ...") when the SQLite file does
// not exist. Does not migrate.
std::unique_ptr<store::Database> open_existing_database(const Config& config);
// The same, with the schema brought up to date (keys, webhooks).
std::unique_ptr<store::Database> open_current_database(const Config& config);

}  // namespace lagentry::host
