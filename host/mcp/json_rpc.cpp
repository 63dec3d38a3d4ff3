#include "host/mcp/json_rpc.hpp"

namespace lagentry::host::mcp {
namespace json = boost::json;

std::variant<RpcMessage, RpcFailure> parse_message(const json::value& body) {
  if (body.is_array()) return RpcFailure{kInvalidRequest, "batches are not supported: send one message per request"};
  if (!body.is_object()) return RpcFailure{kInvalidRequest, "a JSON-RPC message is an object"};
  const auto& o = body.get_object();
  const auto* version = o.if_contains("jsonrpc");
  if (!version || !version->is_string() || version->get_string() != "2.0")
    return RpcFailure{kInvalidRequest, "jsonrpc must be \"2.0\""};
  RpcMessage message;
  const auto* id = o.if_contains("id");
  if (id && !(id->is_string() || id->is_int64() || id->is_uint64()))
    return RpcFailure{kInvalidRequest, "id must be a string or an integer"};
  if (id) message.id = *id;
  const auto* method = o.if_contains("method");
  if (!method) {
    if (!id || !(o.contains("result") || o.contains("error")))
      return RpcFailure{kInvalidRequest, "a message needs a method, or an id with a result or error"};
    message.kind = RpcMessage::Kind::response;
    return message;
  }
  if (!method->is_string() || method->get_string().empty()) return RpcFailure{kInvalidRequest, "method must be a string"};
  message.method = std::string(method->get_string());
  message.kind = id ? RpcMessage::Kind::request : RpcMessage::Kind::notification;
  if (const auto* params = o.if_contains("params")) {
    if (!params->is_object()) return RpcFailure{kInvalidRequest, "params must be an object"};
    message.params = params->get_object();
  }
  return message;
}

json::object rpc_result(const json::value& id, json::value result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json::object rpc_error(const json::value& id, int code, std::string_view message, json::value data) {
  json::object error{{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

}  // namespace lagentry::host::mcp
