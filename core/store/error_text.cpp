#include "core/store/error_text.hpp"

#include <soci/error.h>

namespace lagentry::store {

std::string error_text(const std::exception& e) {
  if (const auto* database = dynamic_cast<const soci::soci_error*>(&e)) return database->get_error_message();
  return e.what();
}

}  // namespace lagentry::store
