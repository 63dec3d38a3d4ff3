// Header-only C++ helper over lagentry/plugin.h, for plugin authors.
//
// Write ordinary C++: a handler taking a lagentry::Call and returning a
// lagentry::Step. This header turns it into the C ABI, copies results into
// host-allocated memory and catches every exception at the boundary, so
// nothing C++ ever crosses into the host.
//
//   static lagentry::Step handle(const lagentry::Call& call) {
//     if (call.operation == "ping") return lagentry::Step::reply(R"({"status":200,"body":"pong"})");
//     throw lagentry::UnknownOperation(call.operation);
//   }
//   LAGENTRY_DEFINE_PLUGIN({.id = "demo", .version = "1.0.0",
//                           .manifest = kManifest, .handle = handle})
#ifndef LAGENTRY_PLUGIN_HPP
#define LAGENTRY_PLUGIN_HPP

#include <lagentry/plugin.h>

#include <cstddef>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace lagentry {

// One step's input, all views borrowed for the duration of the call.
struct Call {
  std::string_view operation;
  std::string_view input;      // JSON object {"params":..,"body":..,"connection":..}
  std::string_view state;      // empty on the first step
  // The previous fetch's responses: a JSON array, or (ABI 1.2, for a
  // plugin defined with .response_list = true, on a host that gives it)
  // response_count lg_responses, one per request, with `responses` empty.
  // Both are empty on the first step.
  std::string_view responses;
  const lg_response* const* response_list = nullptr;
  std::size_t response_count = 0;
  bool first_step() const noexcept { return responses.empty() && response_count == 0; }
};

// One step's output.
struct Step {
  lg_step_kind kind = LG_STEP_REPLY;
  std::string json;
  std::string state;

  // Final answer: {"status":200,"body":...} or {"status":4xx,"error":{...}}.
  static Step reply(std::string reply_json) { return {LG_STEP_REPLY, std::move(reply_json), {}}; }
  // Ask the host to perform {"requests":[...]} and call back with `state`.
  static Step fetch(std::string requests_json, std::string continuation) {
    return {LG_STEP_FETCH, std::move(requests_json), std::move(continuation)};
  }
};

// Thrown by a handler for an operation it does not know.
struct UnknownOperation : std::runtime_error {
  explicit UnknownOperation(std::string_view op)
      : std::runtime_error("unknown operation: " + std::string(op)) {}
};
// Thrown by a handler for input it cannot use.
struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Everything a plugin declares about itself.
struct PluginDefinition {
  const char* id = nullptr;
  const char* version = nullptr;
  const char* manifest = nullptr;
  Step (*handle)(const Call&) = nullptr;
  void (*init)() = nullptr;      // optional; throwing refuses the load
  void (*shutdown)() = nullptr;  // optional
  // ABI 1.2: take responses as Call::response_list (no JSON document to
  // unescape). A handler that sets it must still read Call::responses
  // when the list is empty after the first step: a 1.1 host sends that.
  bool response_list = false;
};

namespace detail {
inline const lg_host*& host_slot() noexcept {
  static const lg_host* host = nullptr;
  return host;
}
inline const PluginDefinition*& definition_slot() noexcept {
  static const PluginDefinition* definition = nullptr;
  return definition;
}

// Copies bytes into host-allocated memory; the host takes ownership.
inline char* host_copy(std::string_view bytes, size_t& length_out) noexcept {
  length_out = 0;
  const lg_host* host = host_slot();
  if (!host || bytes.empty()) return nullptr;
  auto* memory = static_cast<char*>(host->alloc(bytes.size()));
  if (!memory) return nullptr;
  std::memcpy(memory, bytes.data(), bytes.size());
  length_out = bytes.size();
  return memory;
}

inline int32_t fail(lg_step* out, int32_t code, std::string_view message) noexcept {
  out->kind = LG_STEP_REPLY;
  out->json = host_copy(message, out->json_length);
  return code;
}

inline int32_t invoke(const lg_call* call, lg_step* out) noexcept {
  if (!call || !out) return LG_ERR_BAD_INPUT;
  try {
    Call c;
    c.operation = {call->operation ? call->operation : "", call->operation_length};
    c.input = {call->input ? call->input : "", call->input_length};
    c.state = {call->state ? call->state : "", call->state_length};
    c.responses = {call->responses ? call->responses : "", call->responses_length};
    if (call->struct_size >= offsetof(lg_call, response_count) + sizeof(size_t) && call->response_list &&
        call->response_count > 0) {
      c.response_list = call->response_list;
      c.response_count = call->response_count;
    }
    Step step = definition_slot()->handle(c);
    out->kind = static_cast<uint32_t>(step.kind);
    out->json = host_copy(step.json, out->json_length);
    out->state = host_copy(step.state, out->state_length);
    return LG_OK;
  } catch (const UnknownOperation& e) {
    return fail(out, LG_ERR_UNKNOWN_OPERATION, e.what());
  } catch (const BadInput& e) {
    return fail(out, LG_ERR_BAD_INPUT, e.what());
  } catch (const std::exception& e) {
    return fail(out, LG_ERR_INTERNAL, e.what());
  } catch (...) {
    return fail(out, LG_ERR_INTERNAL, "unknown exception");
  }
}

inline void shutdown() noexcept {
  try {
    if (auto fn = definition_slot()->shutdown) fn();
  } catch (...) {
  }
}
}  // namespace detail

// Log through the host (safe to call from any thread once loaded).
inline void log(lg_log_level level, std::string_view message) noexcept {
  if (const lg_host* host = detail::host_slot())
    host->log(host, level, message.data(), message.size());
}

// Builds the lg_plugin table for `definition`; used by LAGENTRY_DEFINE_PLUGIN.
inline const lg_plugin* make_plugin(const lg_host* host, const PluginDefinition& definition) noexcept {
  if (!host || host->struct_size < offsetof(lg_host, host_context) + sizeof(void*) ||
      LG_ABI_MAJOR(host->abi_version) != LG_ABI_VERSION_MAJOR)
    return nullptr;  // a host of another major version: refuse quietly
  detail::host_slot() = host;
  detail::definition_slot() = &definition;
  try {
    if (definition.init) definition.init();
  } catch (const std::exception& e) {
    log(LG_LOG_ERROR, std::string("init failed: ") + e.what());
    return nullptr;
  } catch (...) {
    log(LG_LOG_ERROR, "init failed: unknown exception");
    return nullptr;
  }
  static lg_plugin table{};
  table.struct_size = sizeof(lg_plugin);
  table.abi_version = LG_ABI_VERSION;
  table.id = definition.id;
  table.version = definition.version;
  table.manifest = definition.manifest;
  table.invoke = &detail::invoke;
  table.shutdown = &detail::shutdown;
  table.flags = definition.response_list ? LG_PLUGIN_RESPONSE_LIST : 0u;
  return &table;
}

}  // namespace lagentry

// Defines the exported entry point from a PluginDefinition initialiser.
#define LAGENTRY_DEFINE_PLUGIN(...)                                                     \
  extern "C" LG_EXPORT const lg_plugin* lagentry_plugin_entry(const lg_host* host) {   \
    static const ::lagentry::PluginDefinition lagentry_definition = __VA_ARGS__;        \
    return ::lagentry::make_plugin(host, lagentry_definition);                          \
  }

#endif  // LAGENTRY_PLUGIN_HPP
