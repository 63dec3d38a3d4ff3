// The control API under <base>/_sandbox/: what tests use to steer the sandbox.
#pragma once

#include "router.hpp"

namespace lagentry::sandbox {
void add_control_routes(Router& router);
}
