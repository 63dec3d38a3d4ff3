// Route registration for every emulated provider.
#pragma once

#include "google.hpp"
#include "router.hpp"

namespace lagentry::sandbox {

void add_slack_routes(Router& router);
void add_atlassian_oauth_routes(Router& router);
void add_jira_routes(Router& router);
void add_confluence_routes(Router& router);
void add_bitbucket_routes(Router& router);

inline void add_provider_routes(Router& router) {
  add_google_oauth_routes(router);
  add_gmail_routes(router);
  add_drive_routes(router);
  add_calendar_routes(router);
  add_slack_routes(router);
  add_atlassian_oauth_routes(router);
  add_jira_routes(router);
  add_confluence_routes(router);
  add_bitbucket_routes(router);
}

}  // namespace lagentry::sandbox
