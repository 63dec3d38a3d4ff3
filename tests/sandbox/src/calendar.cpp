#include "providers.hpp"

namespace lagentry::sandbox {
void add_calendar_routes(Router&) {}
}  // namespace lagentry::sandbox
