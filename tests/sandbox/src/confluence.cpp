#include "providers.hpp"

namespace lagentry::sandbox {
void add_confluence_routes(Router&) {}
}  // namespace lagentry::sandbox
