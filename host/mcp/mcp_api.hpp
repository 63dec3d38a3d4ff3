// The MCP server at /mcp (Streamable HTTP, spec revision 2025-11-25; 2025-06-18
// and 2025-03-26 clients are accepted): every loaded connector verb and
// plugin route as a tool, for one end user per session.
//
//   POST   /mcp  one JSON-RPC message; requests are answered application/json,
//               notifications and responses 202
//   GET    /mcp  405: this server sends no unsolicited messages (no SSE stream)
//   DELETE /mcp  ends the session
//
// The same tenant API keys as REST (Bearer). The end user is fixed when the
// session starts: the key's bound user (keys create --user) or ?user_email=
// on the URL; ?connectors=, ?providers= and ?tools=discover shape the tool
// set. When a tool needs a connection the user lacks, the answer carries a
// link to connect (URL elicitation, or an isError result for clients
// without it); the same call succeeds once the user has connected.
#pragma once

#include "core/plugin/registry.hpp"
#include "host/api/operation_call.hpp"
#include "host/config/config.hpp"
#include "host/http/router.hpp"

namespace lagentry::host {

void add_mcp_routes(Router& router, const plugin::Registry& registry, OperationServices& services, store::Database& database,
                    const Config& config);

}  // namespace lagentry::host
