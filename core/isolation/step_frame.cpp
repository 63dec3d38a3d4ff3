#include "core/isolation/step_frame.hpp"

#include <cstring>
#include <initializer_list>

namespace lagentry::isolation {
namespace {

void put_u32(std::string& out, std::uint32_t value) {
  char bytes[4];
  std::memcpy(bytes, &value, 4);
  out.append(bytes, 4);
}

void put_bytes(std::string& out, std::string_view bytes) {
  put_u32(out, static_cast<std::uint32_t>(bytes.size()));
  out.append(bytes);
}

// Prefixes `payload` (written after a 4-byte gap) with its length.
std::string framed(std::string frame) {
  const auto length = static_cast<std::uint32_t>(frame.size() - kFrameHeaderBytes);
  std::memcpy(frame.data(), &length, 4);
  return frame;
}

// Reads the payload front to back; any overrun makes the whole message invalid.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  std::optional<std::uint32_t> u32() {
    if (data_.size() < 4) return std::nullopt;
    std::uint32_t value;
    std::memcpy(&value, data_.data(), 4);
    data_.remove_prefix(4);
    return value;
  }
  std::optional<std::string> bytes() {
    auto length = u32();
    if (!length || data_.size() < *length) return std::nullopt;
    std::string out(data_.substr(0, *length));
    data_.remove_prefix(*length);
    return out;
  }
  bool at_end() const { return data_.empty(); }

 private:
  std::string_view data_;
};

}  // namespace

std::uint32_t frame_length(const char (&header)[kFrameHeaderBytes]) {
  std::uint32_t length;
  std::memcpy(&length, header, 4);
  return length;
}

std::string encode_call(std::string_view operation, std::string_view input, std::string_view state,
                        const std::vector<runtime::UpstreamResponse>& responses) {
  std::size_t size = kFrameHeaderBytes + 16 + operation.size() + input.size() + state.size();
  for (const auto& r : responses) {
    size += 16 + r.body.size() + r.error.size();
    for (const auto& [name, value] : r.headers) size += 8 + name.size() + value.size();
  }
  std::string frame(kFrameHeaderBytes, '\0');
  frame.reserve(size);
  for (std::string_view field : {operation, input, state}) put_bytes(frame, field);
  put_u32(frame, static_cast<std::uint32_t>(responses.size()));
  for (const auto& r : responses) {
    put_u32(frame, static_cast<std::uint32_t>(r.status));
    put_bytes(frame, r.body);
    put_bytes(frame, r.error);
    put_u32(frame, static_cast<std::uint32_t>(r.headers.size()));
    for (const auto& [name, value] : r.headers) {
      put_bytes(frame, name);
      put_bytes(frame, value);
    }
  }
  return framed(std::move(frame));
}

std::string encode_result(const plugin::StepResult& result) {
  std::string frame(kFrameHeaderBytes, '\0');
  frame.reserve(kFrameHeaderBytes + 16 + result.json.size() + result.state.size());
  put_u32(frame, static_cast<std::uint32_t>(result.code));
  put_u32(frame, static_cast<std::uint32_t>(result.kind));
  put_bytes(frame, result.json);
  put_bytes(frame, result.state);
  return framed(std::move(frame));
}

std::optional<StepCall> decode_call(std::string_view payload) {
  Reader in(payload);
  auto operation = in.bytes();
  auto input = in.bytes();
  auto state = in.bytes();
  auto count = in.u32();
  if (!operation || !input || !state || !count) return std::nullopt;
  StepCall call{std::move(*operation), std::move(*input), std::move(*state), {}};
  // Every count is checked by reading what it announces: a frame claiming
  // more than it holds fails on the first overrun, before any large allocation.
  for (std::uint32_t i = 0; i < *count; ++i) {
    runtime::UpstreamResponse r;
    auto status = in.u32();
    auto body = in.bytes();
    auto error = in.bytes();
    auto headers = in.u32();
    if (!status || !body || !error || !headers) return std::nullopt;
    r.status = static_cast<std::int32_t>(*status);
    r.body = std::move(*body);
    r.error = std::move(*error);
    for (std::uint32_t h = 0; h < *headers; ++h) {
      auto name = in.bytes();
      auto value = in.bytes();
      if (!name || !value) return std::nullopt;
      r.headers.insert_or_assign(std::move(*name), std::move(*value));
    }
    call.responses.push_back(std::move(r));
  }
  if (!in.at_end()) return std::nullopt;
  return call;
}

std::optional<plugin::StepResult> decode_result(std::string_view payload) {
  Reader in(payload);
  auto code = in.u32();
  auto kind = in.u32();
  auto json = in.bytes();
  auto state = in.bytes();
  if (!code || !kind || !json || !state || !in.at_end()) return std::nullopt;
  if (*kind != LG_STEP_REPLY && *kind != LG_STEP_FETCH) return std::nullopt;
  plugin::StepResult result;
  result.code = static_cast<std::int32_t>(*code);
  result.kind = static_cast<lg_step_kind>(*kind);
  result.json = std::move(*json);
  result.state = std::move(*state);
  return result;
}

}  // namespace lagentry::isolation
