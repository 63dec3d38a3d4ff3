#include "core/runtime/operation_runner.hpp"

#include "core/isolation/step_frame.hpp"
#include "core/isolation/worker_pool.hpp"
#include "core/log/logger.hpp"
#include "core/plugin/recent_failures.hpp"
#include "core/runtime/egress.hpp"
#include "core/runtime/plugin_step.hpp"
#include "core/runtime/reply_body_check.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <boost/locale/utf.hpp>

#include <algorithm>
#include <cmath>

namespace lagentry::runtime {
namespace json = boost::json;

namespace {
constexpr std::string_view kLog = "runtime";

OperationResult failure(int status, std::string code, std::string message) {
  OperationResult r;
  r.status = status;
  r.error_code = std::move(code);
  r.error_message = std::move(message);
  return r;
}

std::string string_or(const json::object& o, std::string_view key, std::string fallback) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::move(fallback);
}

// A number no double holds (the text 1e99999) parses as infinity, and the
// host would write it back out as `Infinity`, which is not JSON.
bool has_non_finite(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_:
      return !std::isfinite(v.get_double());
    case json::kind::array:
      return std::any_of(v.get_array().begin(), v.get_array().end(), has_non_finite);
    case json::kind::object:
      return std::any_of(v.get_object().begin(), v.get_object().end(),
                         [](const json::key_value_pair& m) { return has_non_finite(m.value()); });
    default:
      return false;
  }
}

int item_count(const json::value& body) {
  const auto* items = body.is_object() ? body.get_object().if_contains("items") : nullptr;
  return items && items->is_array() ? static_cast<int>(items->get_array().size()) : -1;
}

// Interprets a LG_STEP_REPLY document. Whatever the plugin wrote, the client
// gets valid JSON: a reply that is not (invalid UTF-8 included, which the
// parser rejects) or carries a non-finite number is the plugin's error.
// A reply shaped as the SDK writes it is checked in one pass and its body
// kept as written (no DOM built only to be serialised again); any other
// shape, and any body that fails the check, takes the DOM path, which also
// says what is wrong.
OperationResult parse_reply(const plugin::LoadedPlugin& plugin, const std::string& text, std::string_view request_id) {
  if (const auto shape = plain_reply_shape(text); shape && shape->status < 400) {
    if (const auto facts = check_reply_body(shape->body)) {
      OperationResult r;
      r.status = shape->status;
      r.body.assign(shape->body.data(), shape->body.size());
      r.item_count = facts->item_count;
      return r;
    }
  }
  json::error_code ec;
  json::value reply = json::parse(text, ec);
  if (ec) {
    log::warn(kLog, "plugin " + plugin.id() + " returned a reply that is not valid JSON: " + ec.message(),
              {{"request_id", request_id}});
    return failure(502, "plugin_error", "plugin " + plugin.id() + " returned a reply that is not valid JSON (" +
                                            ec.message() + ")");
  }
  if (!reply.is_object())
    return failure(502, "plugin_error", "plugin " + plugin.id() + " returned a malformed reply");
  if (has_non_finite(reply)) {
    log::warn(kLog, "plugin " + plugin.id() + " returned a non-finite number", {{"request_id", request_id}});
    return failure(502, "plugin_error", "plugin " + plugin.id() + " returned a number JSON cannot carry");
  }
  json::object& o = reply.get_object();
  OperationResult r;
  if (auto* s = o.if_contains("status"); s && s->is_int64() && s->get_int64() >= 100 && s->get_int64() <= 599)
    r.status = static_cast<int>(s->get_int64());
  if (auto* e = o.if_contains("error"); e && e->is_object()) {
    if (r.status < 400) r.status = 502;
    r.error_code = string_or(e->get_object(), "code", "upstream_error");
    r.error_message = string_or(e->get_object(), "message", "the provider returned an error");
    if (auto* d = e->get_object().if_contains("details")) r.error_details = std::move(*d);
    return r;
  }
  if (auto* b = o.if_contains("body")) {
    r.body = json::serialize(*b);
    r.item_count = item_count(*b);
  }
  return r;
}

// One step, in this process or, for an isolated plugin, in one of its
// workers; the plugin sees the same bytes either way.
boost::asio::awaitable<plugin::StepResult> run_step(const plugin::LoadedPlugin& plugin, const std::string& operation,
                                                    const std::string& input, const std::string& state,
                                                    const std::vector<UpstreamResponse>& responses,
                                                    const std::string& request_id) {
  if (isolation::WorkerPool* workers = plugin.workers()) {
    std::string frame = isolation::encode_call(operation, input, state, responses);
    plugin::StepResult result = co_await workers->invoke(std::move(frame), operation);
    co_return result;
  }
  co_return invoke_step(plugin, operation, input, state, responses, request_id);
}

// A step whose worker process failed, as the client sees it.
OperationResult worker_failure(const plugin::StepResult& result) {
  using Failure = plugin::StepResult::WorkerFailure;
  if (result.worker_failure == Failure::timed_out) return failure(504, "plugin_timeout", result.json);
  if (result.worker_failure == Failure::failing) return failure(503, "plugin_failing", result.json);
  return failure(502, "plugin_crashed", result.json);
}

}  // namespace

std::vector<UpstreamRequest> parse_fetch_requests(const json::value& fetch) {
  std::vector<UpstreamRequest> out;
  const auto* requests = fetch.is_object() ? fetch.get_object().if_contains("requests") : nullptr;
  if (!requests || !requests->is_array()) throw std::invalid_argument("fetch step without a requests array");
  for (const auto& item : requests->get_array()) {
    if (!item.is_object()) throw std::invalid_argument("fetch request is not an object");
    const auto& o = item.get_object();
    UpstreamRequest r;
    r.method = string_or(o, "method", "GET");
    r.url = string_or(o, "url", "");
    if (r.url.empty()) throw std::invalid_argument("fetch request without url");
    r.body = string_or(o, "body", "");
    r.auth = string_or(o, "auth", "connection");
    if (auto* h = o.if_contains("headers"); h && h->is_object())
      for (const auto& [k, v] : h->get_object())
        if (v.is_string()) r.headers[std::string(k)] = std::string(v.get_string());
    out.push_back(std::move(r));
  }
  return out;
}

namespace {
// Length of the valid UTF-8 sequence at `p` (1 for ASCII), or 0 when none
// begins there. Boost.Locale's decoder refuses overlongs, surrogates and
// code points past U+10FFFF, as JSON parsers do.
std::size_t utf8_sequence(const char* p, const char* end) {
  if (static_cast<unsigned char>(*p) < 0x80) return 1;
  const char* next = p;
  const auto c = boost::locale::utf::utf_traits<char>::decode(next, end);
  return c == boost::locale::utf::illegal || c == boost::locale::utf::incomplete ? 0 : static_cast<std::size_t>(next - p);
}

bool valid_utf8(std::string_view text) {
  for (const char *p = text.data(), *end = p + text.size(); p != end;) {
    const std::size_t n = utf8_sequence(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

// `text` with U+FFFD for every byte that does not begin a valid sequence.
std::string repaired_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (const char *p = text.data(), *end = p + text.size(); p != end;) {
    const std::size_t n = utf8_sequence(p, end);
    if (n == 0) out += "\xEF\xBF\xBD";
    else out.append(p, n);
    p += std::max<std::size_t>(n, 1);
  }
  return out;
}

// Appends `text` as a JSON string literal, exactly as serializing a
// json::string would, straight into `out`, except that bytes which are not
// UTF-8 become U+FFFD: a JSON document holds only UTF-8, and the plugin's
// parser would refuse the whole document (a provider's Latin-1 error page
// was a plugin_error). Boost.JSON escapes only '"', '\\' and control
// characters; text without them (most header values) is copied as it is,
// the rest (JSON bodies, with their quotes) goes through its serializer.
void append_string(std::string& out, json::serializer& serializer, std::string_view text) {
  bool plain = true, ascii = true;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    plain = plain && c != '"' && c != '\\' && byte >= 0x20;
    ascii = ascii && byte < 0x80;
    if (!plain && !ascii) break;  // both known
  }
  std::string repaired;
  if (!ascii && !valid_utf8(text)) {
    repaired = repaired_utf8(text);
    text = repaired;
  }
  if (plain) {
    out.append("\"").append(text).append("\"");
    return;
  }
  serializer.reset(json::string_view(text.data(), text.size()));
  while (!serializer.done()) {
    const std::size_t used = out.size();
    out.resize(used + std::max<std::size_t>(text.size() + 2, 64));  // escapes may need more: then another round
    const json::string_view written = serializer.read(out.data() + used, out.size() - used);
    out.resize(used + written.size());
  }
}
}  // namespace

// Written as text: a DOM of every response (each body copied into it) would
// be built only to be serialized and dropped.
std::string responses_document(const std::vector<UpstreamResponse>& responses) {
  std::size_t size = 2;
  for (const auto& r : responses) {
    size += r.body.size() + r.error.size() + 64;
    for (const auto& [k, v] : r.headers) size += k.size() + v.size() + 6;
  }
  std::string out;
  out.reserve(size);
  json::serializer serializer;
  out += '[';
  for (const auto& r : responses) {
    if (out.size() > 1) out += ',';
    out += "{\"status\":" + std::to_string(r.status) + ",\"headers\":{";
    bool first = true;
    for (const auto& [k, v] : r.headers) {
      if (!first) out += ',';
      first = false;
      append_string(out, serializer, k);
      out += ':';
      append_string(out, serializer, v);
    }
    out += "},\"body\":";
    append_string(out, serializer, r.body);
    if (!r.error.empty()) {
      out += ",\"error\":";
      append_string(out, serializer, r.error);
    }
    out += '}';
  }
  out += ']';
  return out;
}

namespace {
boost::asio::awaitable<OperationResult> run_steps(const plugin::PluginPtr& plugin, const std::string& operation,
                                                  const json::value& input, Fetcher& fetcher, RunLimits limits,
                                                  const std::string& request_id) {
  const std::string input_text = json::serialize(input);
  std::string state;
  std::vector<UpstreamResponse> fetched;  // the previous step's, empty before the first
  int upstream_calls = 0;
  for (int step = 0; step < limits.max_steps; ++step) {
    plugin::StepResult result = co_await run_step(*plugin, operation, input_text, state, fetched, request_id);
    if (result.worker_failure != plugin::StepResult::WorkerFailure::none) co_return worker_failure(result);
    if (result.code == LG_ERR_UNKNOWN_OPERATION)
      co_return failure(404, "unknown_operation", "plugin " + plugin->id() + " does not implement " + operation);
    if (result.code == LG_ERR_BAD_INPUT) co_return failure(400, "invalid_request", result.json);
    if (result.code != LG_OK) {
      log::error(plugin->id(), operation + " failed: " + result.json, {{"request_id", request_id}});
      co_return failure(502, "plugin_error", "plugin " + plugin->id() + " failed while running " + operation);
    }
    if (result.kind == LG_STEP_REPLY) {
      OperationResult reply = parse_reply(*plugin, result.json, request_id);
      reply.upstream_calls = upstream_calls;
      co_return reply;
    }
    std::vector<UpstreamRequest> requests;
    try {
      requests = parse_fetch_requests(json::parse(result.json));
    } catch (const std::exception& e) {
      co_return failure(502, "plugin_error", "plugin " + plugin->id() + " asked for a malformed fetch: " + e.what());
    }
    if (requests.empty() || requests.size() > limits.max_requests_per_step)
      co_return failure(502, "plugin_error", "plugin " + plugin->id() + " asked for " + std::to_string(requests.size()) +
                                                 " upstream requests in one step");
    upstream_calls += static_cast<int>(requests.size());
    std::optional<std::string> refused;
    try {
      fetched = co_await fetcher.fetch_all(std::move(requests));
    } catch (const EgressRefused& e) {
      refused = e.what();
    }
    if (refused) {
      log::error(plugin->id(), operation + ": upstream request refused by the host: " + *refused,
                 {{"request_id", request_id}});
      co_return failure(502, "plugin_error", "plugin " + plugin->id() + " asked for an upstream request the host refuses (" +
                                                 *refused + ")");
    }
    state = std::move(result.state);
  }
  co_return failure(502, "plugin_error", "plugin " + plugin->id() + " did not finish " + operation + " within " +
                                             std::to_string(limits.max_steps) + " steps");
}
}  // namespace

boost::asio::awaitable<OperationResult> run_operation(const plugin::PluginPtr& plugin, std::string operation,
                                                      const json::value& input, Fetcher& fetcher, RunLimits limits) {
  const std::string request_id(fetcher.request_id());  // for log lines
  OperationResult result = co_await run_steps(plugin, operation, input, fetcher, limits, request_id);
  if (plugin::is_plugin_failure(result.error_code))  // for operators (/admin/plugins, the console)
    plugin::recent_failures().record(
        plugin->id(), {operation, result.error_code, result.error_message, request_id, std::chrono::system_clock::now()});
  co_return result;
}

}  // namespace lagentry::runtime
