#include "providers.hpp"

namespace lagentry::sandbox {
void add_drive_routes(Router&) {}
}  // namespace lagentry::sandbox
