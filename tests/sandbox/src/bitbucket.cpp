#include "providers.hpp"

namespace lagentry::sandbox {
void add_bitbucket_routes(Router&) {}
}  // namespace lagentry::sandbox
