// Runs one plugin operation to completion over the sans-I/O protocol:
// invoke, perform the requested fetches, feed the responses back, repeat
// until the plugin replies.
#pragma once

#include "core/plugin/registry.hpp"
#include "core/runtime/upstream.hpp"

#include <boost/json/value.hpp>

#include <string>

namespace lagentry::runtime {

struct OperationResult {
  int status = 200;
  // The reply body on success, as JSON text: checked (reply_body_check.hpp)
  // and forwarded as the plugin wrote it, or serialised from the DOM when
  // the reply had another shape.
  std::string body = "null";
  int item_count = -1;  // the length of the body's "items" array, for the activity record
  // On failure (status >= 400): the unified error model's fields.
  std::string error_code;
  std::string error_message;
  boost::json::value error_details;
  int upstream_calls = 0;
};

struct RunLimits {
  int max_steps = 16;             // a plugin that keeps fetching is stopped
  std::size_t max_requests_per_step = 64;
};

boost::asio::awaitable<OperationResult> run_operation(const plugin::PluginPtr& plugin, std::string operation,
                                                      const boost::json::value& input, Fetcher& fetcher,
                                                      RunLimits limits = {});

// Pure helpers, exposed for tests.
std::vector<UpstreamRequest> parse_fetch_requests(const boost::json::value& fetch);
// The responses document a plugin's next step reads (docs/plugin-abi.md):
// [{"status":N,"headers":{...},"body":"...","error":"..."?},...].
std::string responses_document(const std::vector<UpstreamResponse>& responses);

}  // namespace lagentry::runtime
