// How one step's upstream responses reach a plugin. A plugin that asks for
// them as a list (ABI 1.2, LG_PLUGIN_RESPONSE_LIST) gets lg_responses that
// point into the host's own buffers, so a body is neither escaped into a
// JSON string by the host nor unescaped by the plugin; any other plugin gets
// the JSON document (responses_document). The same in this process and in an
// isolated plugin's worker, which receives the responses themselves.
#pragma once

#include "core/plugin/loaded_plugin.hpp"
#include "core/runtime/upstream.hpp"

#include <string_view>
#include <vector>

namespace lagentry::runtime {

// lg_responses over `responses`, which must outlive the list (the plugin
// borrows every byte for the call, as the ABI says).
class ResponseList {
 public:
  explicit ResponseList(const std::vector<UpstreamResponse>& responses);
  ResponseList(const ResponseList&) = delete;
  ResponseList& operator=(const ResponseList&) = delete;

  const lg_response* const* data() const { return pointers_.data(); }
  std::size_t size() const { return pointers_.size(); }

 private:
  std::vector<lg_bytes> headers_;  // every response's pairs, one after another
  std::vector<lg_response> responses_;
  std::vector<const lg_response*> pointers_;
};

// One step of `plugin` in this process; `responses` (the previous fetch's)
// is empty on the first step.
plugin::StepResult invoke_step(const plugin::LoadedPlugin& plugin, std::string_view operation, std::string_view input,
                               std::string_view state, const std::vector<UpstreamResponse>& responses,
                               std::string_view request_id = {});

}  // namespace lagentry::runtime
