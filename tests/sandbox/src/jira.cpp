#include "providers.hpp"

namespace lagentry::sandbox {
void add_jira_routes(Router&) {}
}  // namespace lagentry::sandbox
