#include "core/runtime/plugin_step.hpp"

#include "core/runtime/operation_runner.hpp"

namespace lagentry::runtime {
namespace {
lg_bytes bytes_of(std::string_view text) { return {text.data(), text.size()}; }
}  // namespace

ResponseList::ResponseList(const std::vector<UpstreamResponse>& responses) {
  std::size_t pairs = 0;
  for (const auto& r : responses) pairs += r.headers.size();
  headers_.reserve(2 * pairs);  // never reallocated below: the lg_responses point into it
  responses_.reserve(responses.size());
  for (const auto& r : responses) {
    lg_response out{};
    out.struct_size = sizeof(lg_response);
    out.status = r.status;
    out.body = bytes_of(r.body);
    out.error = bytes_of(r.error);
    out.headers = headers_.data() + headers_.size();
    out.header_count = r.headers.size();
    for (const auto& [name, value] : r.headers) {
      headers_.push_back(bytes_of(name));
      headers_.push_back(bytes_of(value));
    }
    responses_.push_back(out);
  }
  pointers_.reserve(responses_.size());
  for (const auto& r : responses_) pointers_.push_back(&r);
}

plugin::StepResult invoke_step(const plugin::LoadedPlugin& plugin, std::string_view operation, std::string_view input,
                               std::string_view state, const std::vector<UpstreamResponse>& responses,
                               std::string_view request_id) {
  if (responses.empty()) return plugin.invoke(operation, input, state, {}, request_id);
  if (plugin.takes_response_list()) {
    const ResponseList list(responses);
    return plugin.invoke_with_list(operation, input, state, list.data(), list.size(), request_id);
  }
  const std::string document = responses_document(responses);
  return plugin.invoke(operation, input, state, document, request_id);
}

}  // namespace lagentry::runtime
