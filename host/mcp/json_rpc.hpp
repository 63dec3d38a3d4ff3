// JSON-RPC 2.0 messages as MCP's Streamable HTTP carries them: one message
// per POST body (MCP 2025-11-25 has no batches).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <variant>

namespace lagentry::host::mcp {

// Error codes (JSON-RPC 2.0 and MCP).
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kUrlElicitationRequired = -32042;

struct RpcMessage {
  enum class Kind { request, notification, response } kind = Kind::request;
  boost::json::value id;      // string or integer; null for notifications
  std::string method;         // requests and notifications
  boost::json::object params; // {} when absent
};

struct RpcFailure {
  int code;
  std::string message;
};

// Checks the envelope: "jsonrpc": "2.0", an id that is a string or integer,
// a string method, params an object when present.
std::variant<RpcMessage, RpcFailure> parse_message(const boost::json::value& body);

boost::json::object rpc_result(const boost::json::value& id, boost::json::value result);
boost::json::object rpc_error(const boost::json::value& id, int code, std::string_view message,
                              boost::json::value data = nullptr);

}  // namespace lagentry::host::mcp
