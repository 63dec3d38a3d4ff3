// `lagentry-host mcp-stdio --url URL --key KEY [--user EMAIL]`: the MCP stdio
// transport for agents that only launch local servers. Reads one JSON-RPC
// message per line from stdin, POSTs it to a running host's /mcp (keeping
// the session id and protocol version initialize returned), and writes each
// answer as one line to stdout. Logs go to stderr; stdout carries only MCP.
#pragma once

#include <string>
#include <vector>

namespace lagentry::host {

int run_mcp_stdio(const std::vector<std::string>& args);

}  // namespace lagentry::host
