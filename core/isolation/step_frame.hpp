// The messages between the host and a plugin worker process: one frame per
// invoke step each way, over the socketpair the worker inherits as fd 3.
//
// A frame is a 4-byte length (native byte order: both ends are the same
// machine and build) and then the payload. A call's payload is three
// length-prefixed byte strings, operation, input and state, then the count
// of upstream responses and each one's status, body, error and headers (the
// worker hands them to the plugin as the in-process path does:
// runtime::invoke_step); a result's payload is the code, the kind, and the
// length-prefixed json and state.
#pragma once

#include "core/plugin/loaded_plugin.hpp"
#include "core/runtime/upstream.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lagentry::isolation {

inline constexpr std::size_t kFrameHeaderBytes = 4;
// A worker that announces more than this is broken (or hostile): the host
// kills it instead of allocating what it asks for.
inline constexpr std::size_t kMaxFramePayload = 64 * 1024 * 1024;

// The payload length a frame header announces.
std::uint32_t frame_length(const char (&header)[kFrameHeaderBytes]);

struct StepCall {
  std::string operation, input, state;
  std::vector<runtime::UpstreamResponse> responses;  // empty on the first step
};

// Whole frames, header included.
std::string encode_call(std::string_view operation, std::string_view input, std::string_view state,
                        const std::vector<runtime::UpstreamResponse>& responses);
std::string encode_result(const plugin::StepResult& result);

// Payloads (the header already read); nullopt when malformed.
std::optional<StepCall> decode_call(std::string_view payload);
std::optional<plugin::StepResult> decode_result(std::string_view payload);

}  // namespace lagentry::isolation
