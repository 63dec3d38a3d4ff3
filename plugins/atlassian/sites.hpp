// Post-connect hook: which Atlassian sites (cloud ids) the grant covers.
// Every Jira and Confluence call needs a cloud id; it is kept with the
// connection as {"sites":[{"id","name","url"}]}, the first site the default.
#pragma once

#include <lagentry/plugin.hpp>

namespace atlassian {

lagentry::Step sites_step(const lagentry::Call& call);

}  // namespace atlassian
