// Wall-clock time as stored: Unix epoch milliseconds.
#pragma once

#include <chrono>
#include <cstdint>

namespace lagentry::store {

inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace lagentry::store
