// The unified connector endpoints as data: which HTTP method and path under
// /api/v1/unified/connectors/{connector} runs which verb. The connector API
// serves them, the catalog and /openapi.json describe them from this one table.
#pragma once

#include <boost/beast/http/verb.hpp>

#include <span>
#include <string_view>

namespace lagentry::host {

struct ConnectorEndpoint {
  boost::beast::http::verb method;
  std::string_view path;  // below /api/v1/unified/connectors/{connector}
  std::string_view verb;  // runs the operation "<connector>.<verb>"
  bool primary;           // the one to show when a verb has several (update: PATCH, not PUT)
};

inline constexpr std::string_view kConnectorsPrefix = "/api/v1/unified/connectors/";

inline constexpr ConnectorEndpoint kConnectorEndpoints[] = {
    {boost::beast::http::verb::get, "/test", "test", true},
    {boost::beast::http::verb::get, "/items", "list", true},
    {boost::beast::http::verb::get, "/items/{id}", "get", true},
    {boost::beast::http::verb::post, "/items", "create", true},
    {boost::beast::http::verb::patch, "/items/{id}", "update", true},
    {boost::beast::http::verb::put, "/items/{id}", "update", false},
    {boost::beast::http::verb::delete_, "/items/{id}", "delete", true},
    {boost::beast::http::verb::get, "/search", "search", true},
};

}  // namespace lagentry::host
