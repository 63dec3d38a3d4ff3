// Runs one plugin operation for an API request: finds the user's connection
// and fresh tokens, performs the plugin's upstream fetches with those tokens
// (refreshing once on a 401), records the activity entry and builds the
// HTTP response. Shared by connector endpoints and manifest routes.
#pragma once

#include "core/net/http_client.hpp"
#include "core/oauth/oauth_engine.hpp"
#include "core/store/activity_log.hpp"
#include "core/store/database_work.hpp"
#include "host/http/router.hpp"

#include <boost/json/object.hpp>

#include <set>

namespace lagentry::host {

struct OperationServices {
  oauth::OAuthEngine& engine;
  net::HttpClient& http;
  store::ActivityLog& activity;
  store::DatabaseWork& work;      // where handlers send their database work
  bool validate_results = false;  // LAGENTRY_VALIDATE_RESULTS
};

struct OperationCall {
  plugin::PluginPtr plugin;  // held for the whole call
  std::string operation;     // "gmail.list"
  std::string provider;      // whose connection
  std::string connector;     // for the activity log; empty for routes
  boost::json::object params;
  std::set<std::string, std::less<>> path_names;  // which params came from the path
  boost::json::value body;                       // null: the request has none
  bool connection_required = true;  // false: run without credentials when no user_email is given
};

boost::asio::awaitable<Response> run_operation_call(OperationCall call, const RequestContext& ctx,
                                                    OperationServices& services);

// Query parameters as a JSON object of strings.
boost::json::object query_params(const RequestContext& ctx);

}  // namespace lagentry::host
