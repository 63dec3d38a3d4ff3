// Process-wide, thread-safe line logger.
//
// One line per event: UTC timestamp, level, component, message and optional
// fields; as text (`... INFO  [access] GET /healthz 200 key=value`) or, with
// LAGENTRY_LOG_FORMAT=json, one JSON object per line. Callers must
// never pass tokens, client secrets or PKCE verifiers; the host gives plugins
// none, and the OAuth engine logs only connection ids.
#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>

namespace lagentry::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

enum class Format { text, json };

// Lines below `level` are dropped. Default: info.
void set_level(Level level);
Level level();
void set_format(Format format);
Format format();

// Fields with an empty value are left out of the line.
using Fields = std::initializer_list<std::pair<std::string_view, std::string_view>>;
void write(Level level, std::string_view component, std::string_view message, Fields fields = {});

inline void debug(std::string_view c, std::string_view m, Fields f = {}) { write(Level::debug, c, m, f); }
inline void info(std::string_view c, std::string_view m, Fields f = {}) { write(Level::info, c, m, f); }
inline void warn(std::string_view c, std::string_view m, Fields f = {}) { write(Level::warn, c, m, f); }
inline void error(std::string_view c, std::string_view m, Fields f = {}) { write(Level::error, c, m, f); }

}  // namespace lagentry::log
