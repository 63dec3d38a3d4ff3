#include "core/log/logger.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace lagentry::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::atomic<Format> g_format{Format::text};
std::mutex g_mutex;

const char* name(Level level) {
  switch (level) {
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO ";
    case Level::warn: return "WARN ";
    case Level::error: return "ERROR";
  }
  return "?";
}

std::string timestamp() {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t seconds = system_clock::to_time_t(now);
  auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return buffer;
}
}  // namespace

void set_level(Level level) { g_level = level; }
Level level() { return g_level; }
void set_format(Format format) { g_format = format; }
Format format() { return g_format; }

void write(Level level, std::string_view component, std::string_view message, Fields fields) {
  if (level < g_level.load(std::memory_order_relaxed)) return;
  std::string line;
  if (g_format.load(std::memory_order_relaxed) == Format::json) {
    std::string level_name = name(level);
    while (!level_name.empty() && level_name.back() == ' ') level_name.pop_back();
    for (char& c : level_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    boost::json::object event{{"time", timestamp()}, {"level", level_name}, {"component", component}, {"message", message}};
    for (const auto& [key, value] : fields)
      if (!value.empty()) event[key] = value;
    line = boost::json::serialize(event);  // escapes newlines and control characters
  } else {
    line = timestamp();
    line += ' ';
    line += name(level);
    line += " [";
    line += component;
    line += "] ";
    line += message;
    for (const auto& [key, value] : fields) {
      if (value.empty()) continue;  // e.g. no request id outside a request
      line += ' ';
      line += key;
      line += '=';
      line += value;
    }
    // One event, one line: fold embedded newlines so log scrapers stay simple.
    for (char& c : line) c = (c == '\n' || c == '\r') ? ' ' : c;
  }
  line += '\n';
  std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace lagentry::log
