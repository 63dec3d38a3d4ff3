// Process-wide, thread-safe line logger.
//
// One line per event: UTC timestamp, level, component, message. Callers must
// never pass tokens, client secrets or PKCE verifiers; the host gives plugins
// none, and the OAuth engine logs only connection ids.
#pragma once

#include <string_view>

namespace lagentry::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

// Lines below `level` are dropped. Default: info.
void set_level(Level level);
Level level();

void write(Level level, std::string_view component, std::string_view message);

inline void debug(std::string_view c, std::string_view m) { write(Level::debug, c, m); }
inline void info(std::string_view c, std::string_view m) { write(Level::info, c, m); }
inline void warn(std::string_view c, std::string_view m) { write(Level::warn, c, m); }
inline void error(std::string_view c, std::string_view m) { write(Level::error, c, m); }

}  // namespace lagentry::log
