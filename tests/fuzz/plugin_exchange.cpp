#include "plugin_exchange.hpp"

#include "core/plugin/abi_check.hpp"
#include "core/runtime/operation_runner.hpp"
#include "core/runtime/plugin_step.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

namespace lagentry::fuzz {
namespace {
namespace json = boost::json;

constexpr std::string_view kSeparator = "\n--- ";
constexpr int kMaxSteps = runtime::RunLimits{}.max_steps;
constexpr std::size_t kMaxRequests = runtime::RunLimits{}.max_requests_per_step;

void* host_alloc(std::size_t size) { return std::malloc(size); }
void host_free(void* p) { std::free(p); }
void host_log(const lg_host*, lg_log_level, const char*, std::size_t) {}

const lg_host kHost{sizeof(lg_host), LG_ABI_VERSION, host_alloc, host_free, host_log, nullptr};

struct Free {
  void operator()(char* p) const { std::free(p); }
};
using Owned = std::unique_ptr<char, Free>;

[[noreturn]] void finding(std::string_view what, std::string_view document) {
  // fwrite, not %s: the document may hold a NUL, and printing must not stop there.
  std::fprintf(stderr, "\n*** plugin finding: %.*s\n", static_cast<int>(what.size()), what.data());
  std::fwrite(document.data(), 1, std::min<std::size_t>(document.size(), 4096), stderr);
  std::fputc('\n', stderr);
  std::abort();
}

// One fuzzed upstream response.
struct Record {
  int status = 0;
  std::string content_type;
  std::string_view body;
};

struct Script {
  std::string operation;
  std::string input;
  std::vector<Record> responses;
};

Script read_script(std::string_view text) {
  Script script;
  std::vector<std::string_view> chunks;
  for (;;) {
    const auto at = text.find(kSeparator);
    chunks.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + kSeparator.size());
  }
  const std::string_view head = chunks.front();
  const auto newline = std::min(head.find('\n'), head.size());
  script.operation = std::string(head.substr(0, newline));
  script.input = std::string(head.substr(std::min(newline + 1, head.size())));
  for (std::size_t i = 1; i < chunks.size(); ++i) {
    const std::string_view chunk = chunks[i];
    const auto end = std::min(chunk.find('\n'), chunk.size());
    const std::string_view line = chunk.substr(0, end);
    Record r;
    const auto [rest, ec] = std::from_chars(line.data(), line.data() + line.size(), r.status);
    if (ec != std::errc()) r.status = 0;
    std::string_view type = line.substr(static_cast<std::size_t>(rest - line.data()));
    while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
    r.content_type = type.empty() ? "application/json; charset=UTF-8" : std::string(type);
    r.body = chunk.substr(std::min(end + 1, chunk.size()));
    script.responses.push_back(r);
  }
  return script;
}

// The host writes the input document with Boost.JSON, which spells a
// non-finite number `Infinity` (not JSON): a plugin never receives one as a
// number, so input documents holding one (1e999) are not fuzzed. Upstream
// bodies are fed as they come: plugins must cope with such numbers there.
bool has_non_finite(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_: return !std::isfinite(v.get_double());
    case json::kind::array:
      return std::any_of(v.get_array().begin(), v.get_array().end(), [](const json::value& e) { return has_non_finite(e); });
    case json::kind::object:
      return std::any_of(v.get_object().begin(), v.get_object().end(),
                         [](const json::key_value_pair& e) { return has_non_finite(e.value()); });
    default: return false;
  }
}
bool carries_non_finite(std::string_view text) {
  json::error_code ec;
  const json::value v = json::parse(text, ec);
  return !ec && has_non_finite(v);
}

json::value parse_document(std::string_view what, std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) finding(std::string(what) + " is not valid JSON (" + ec.message() + ")", text);
  if (!v.is_object()) finding(std::string(what) + " is not a JSON object", text);
  return v;
}

bool has_line_break(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos; }

// What the host sends upstream must be a plain https URL: an input value
// that escapes its place (a "..", an unescaped '?' or '#', a line break in a
// header) would reach another resource or forge a request.
void check_request(const runtime::UpstreamRequest& r, std::string_view document) {
  auto url = boost::urls::parse_absolute_uri(r.url);
  if (!url || url->scheme() != "https" || url->encoded_host().empty() || url->has_fragment())
    finding("fetch url is not an absolute https URL: " + r.url, document);
  for (auto segment : url->segments())
    if (segment == "." || segment == "..") finding("fetch url has a dot segment: " + r.url, document);
  for (const auto& [name, value] : r.headers)
    if (has_line_break(name) || has_line_break(value)) finding("fetch header has a line break", document);
  if (has_line_break(r.method)) finding("fetch method has a line break", document);
}

std::vector<runtime::UpstreamResponse> answer(std::size_t count, const Script& script, std::size_t& next) {
  std::vector<runtime::UpstreamResponse> out(count);
  for (auto& response : out) {
    if (next >= script.responses.size()) {
      response.error = "fuzz input has no more responses";
      continue;
    }
    const Record& r = script.responses[next++];
    response.status = r.status;
    if (r.status == 0) {
      response.error = r.body.empty() ? "connection reset" : std::string(r.body);
    } else {
      response.headers["content-type"] = r.content_type;
      response.body = std::string(r.body);
    }
  }
  return out;
}
}  // namespace

int run_exchange(lg_plugin_entry_fn entry, const std::uint8_t* data, std::size_t size) {
  static const lg_plugin* const plugin = entry(&kHost);
  if (!plugin) std::abort();
  const Script script = read_script(std::string_view(reinterpret_cast<const char*>(data), size));
  if (carries_non_finite(script.input)) return 0;

  // Handed over as the host does: as a list to a plugin that asks for one
  // (ABI 1.2), as the JSON document to any other.
  const bool takes_list = lagentry::plugin::takes_response_list(*plugin);
  std::string state, responses;
  std::vector<runtime::UpstreamResponse> fetched;
  std::optional<runtime::ResponseList> list;
  std::size_t next_response = 0;
  for (int step = 0; step < kMaxSteps; ++step) {
    lg_call call{};
    call.struct_size = sizeof(lg_call);
    call.operation = script.operation.data();
    call.operation_length = script.operation.size();
    call.input = script.input.data();
    call.input_length = script.input.size();
    call.state = state.empty() ? nullptr : state.data();
    call.state_length = state.size();
    call.responses = responses.empty() ? nullptr : responses.data();
    call.responses_length = responses.size();
    if (list) {
      call.response_list = list->data();
      call.response_count = list->size();
    }
    lg_step out{};
    out.struct_size = sizeof(lg_step);
    const std::int32_t code = plugin->invoke(&call, &out);
    const Owned json_text(out.json), state_text(out.state);
    const std::string_view document(out.json ? out.json : "", out.json_length);
    if (code == LG_ERR_UNKNOWN_OPERATION || code == LG_ERR_BAD_INPUT || code == LG_ERR_INTERNAL) return 0;
    if (code != LG_OK) finding("invoke returned code " + std::to_string(code), document);
    if (out.kind == LG_STEP_REPLY) {
      const json::value reply = parse_document("reply", document);
      const auto* status = reply.get_object().if_contains("status");
      if (!status || !status->is_int64()) finding("reply has no integer status", document);
      return 0;
    }
    if (out.kind != LG_STEP_FETCH) finding("invoke answered step kind " + std::to_string(out.kind), document);
    std::vector<runtime::UpstreamRequest> requests;
    try {
      requests = runtime::parse_fetch_requests(parse_document("fetch", document));
    } catch (const std::exception& e) {
      finding(std::string("malformed fetch: ") + e.what(), document);
    }
    if (requests.empty() || requests.size() > kMaxRequests)
      finding("fetch of " + std::to_string(requests.size()) + " requests", document);
    for (const auto& r : requests) check_request(r, document);
    state.assign(out.state ? out.state : "", out.state_length);
    fetched = answer(requests.size(), script, next_response);
    list.reset();
    if (takes_list)
      list.emplace(fetched);
    else
      responses = runtime::responses_document(fetched);
  }
  return 0;  // the host stops a plugin after kMaxSteps; so does this
}

}  // namespace lagentry::fuzz
