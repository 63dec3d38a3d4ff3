#include "providers.hpp"

namespace lagentry::sandbox {
void add_gmail_routes(Router&) {}
}  // namespace lagentry::sandbox
