// Reading soci rows the same way on both backends: the integer type a
// column reports differs (SQLite's INTEGER PRIMARY KEY is int, PostgreSQL's
// BIGSERIAL long long), and NULL reads as empty or zero.
#pragma once

#include <soci/soci.h>

#include <string>

namespace lagentry::store {

inline std::string text_or_empty(const soci::row& r, std::size_t i) {
  return r.get_indicator(i) == soci::i_ok ? r.get<std::string>(i) : std::string();
}

inline long long integer_or_zero(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) != soci::i_ok) return 0;
  return r.get_properties(i).get_data_type() == soci::dt_integer ? r.get<int>(i) : r.get<long long>(i);
}

}  // namespace lagentry::store
