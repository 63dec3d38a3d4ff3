// A fake Lagentry host for unit-testing a plugin in-process, without the real
// host, a network or a database. Header-only; needs only the C++ standard
// library and lagentry/plugin.h (plugin.hpp is not required, so a plugin
// written directly against the C ABI can be tested too).
//
// Link the plugin's sources (not the .so) into the test executable, then:
//
//   #include <lagentry/testing.hpp>
//   extern "C" const lg_plugin* lagentry_plugin_entry(const lg_host*);
//
//   lagentry::testing::FakeHost host(lagentry_plugin_entry);
//   auto r = host.run("hello-items.list", lagentry::testing::make_input({{"limit", "10"}}),
//                     [](const std::string& requests_json) {
//                       // play the provider: one response per request, same order
//                       return lagentry::testing::responses({lagentry::testing::response(200, R"({"items":[]})")});
//                     });
//   // r.code == LG_OK, r.status == 200, r.json == the reply document,
//   // r.steps == 2, r.fetches[0] == the first step's {"requests":[...]}, r.logs
//
// What it checks, like the host does at load: the entry returns a table, the
// ABI major matches, struct_size covers ABI 1.0, id matches [a-z0-9_-]{1,64},
// version, manifest and invoke are present. It does NOT validate the manifest
// (the host does, at load: run the plugin in a host or the SDK's template test
// for that), nor perform real fetches: the test's responder plays the provider.
// Like the host, it logs a warning (in logs()) when the manifest declares no
// "api_origins": a real host then sends that plugin's requests no tokens.
// The host's egress rules (https to api_origins, no dot segments) are not
// applied here: the responder sees the requests exactly as the plugin built them.
//
// Responses reach the plugin as a 1.2 host hands them: as lg_call.response_list
// to a plugin that sets LG_PLUGIN_RESPONSE_LIST (plugin.hpp: .response_list =
// true), the responder's entries decoded into it; as the JSON document to any
// other. set_delivery(Delivery::document) hands every plugin the document, as
// a 1.1 host does: a plugin that takes a list must handle both.
//
// Ownership, mirroring the real host (docs/plugin-abi.md):
//  * The lg_host table is owned by the FakeHost and lives exactly as long as
//    it; a FakeHost can be neither copied nor moved, so the pointer the plugin
//    keeps stays valid. Its destructor calls the plugin's shutdown (if any).
//    After that the plugin must not use the host pointer again.
//  * lg_host.alloc/free are std::malloc/std::free. Every lg_step.json and
//    lg_step.state the plugin returns is copied into a std::string and freed
//    with lg_host.free by the FakeHost right after invoke() returns; the
//    plugin never frees them and the test never sees raw pointers.
//  * Every pointer in the lg_call (operation, input, state, responses) is
//    borrowed by the plugin for the duration of one invoke() call only.
//  * Log messages are copied into FakeHost::logs() (thread-safe); the plugin's
//    buffer is borrowed for the call.
//
// One FakeHost per plugin at a time: a plugin built with plugin.hpp keeps the
// most recent lg_host in a static, so a second live FakeHost for the same
// entry function takes over its log lines.
#ifndef LAGENTRY_TESTING_HPP
#define LAGENTRY_TESTING_HPP

#include <lagentry/plugin.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lagentry::testing {

// One line the plugin logged through lg_host.log.
struct LogLine {
  lg_log_level level = LG_LOG_INFO;
  std::string message;
};

// The outcome of FakeHost::run.
struct Result {
  // invoke()'s return code of the last step: LG_OK, LG_ERR_UNKNOWN_OPERATION,
  // LG_ERR_BAD_INPUT or LG_ERR_INTERNAL. LG_ERR_INTERNAL too when the fake
  // host stopped the operation (step limit, empty fetch), with `json` saying why.
  int32_t code = LG_OK;
  // The HTTP status the host would answer: the reply's "status" (502 when it
  // is missing, or below 400 with an "error"), or 404/400/502 for the error codes.
  int status = 0;
  // The reply document ({"status":..,"body":..} or {"status":..,"error":..})
  // when code == LG_OK; otherwise the plugin's error message.
  std::string json;
  // invoke() calls made, including the final one.
  int steps = 0;
  // Each fetch step's requests document ({"requests":[...]}), in order.
  std::vector<std::string> fetches;
  // Log lines written during this run.
  std::vector<LogLine> logs;
  // Whether the responses went to the plugin as lg_call.response_list.
  bool responses_as_list = false;

  bool ok() const noexcept { return code == LG_OK && status >= 200 && status < 300; }
};

// Plays the provider: receives one fetch step's {"requests":[...]} document and
// returns the responses JSON array (one entry per request, in order), e.g.
// responses({response(200, "...")}).
using Responder = std::function<std::string(const std::string& requests_json)>;

// JSON string literal (with quotes) for `text`.
inline std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

// An input document as the host builds it: {"params":{..},"body":<body_json>,"provider":".."}.
// `body_json` is raw JSON ("null" when there is no body).
inline std::string make_input(const std::map<std::string, std::string>& params = {},
                              std::string_view body_json = "null", std::string_view provider = "") {
  std::string out = "{\"params\":{";
  bool first = true;
  for (const auto& [key, value] : params) {
    if (!first) out += ',';
    first = false;
    out += json_string(key) + ':' + json_string(value);
  }
  out += "},\"body\":";
  out += body_json.empty() ? std::string_view("null") : body_json;
  if (!provider.empty()) out += ",\"provider\":" + json_string(provider);
  out += '}';
  return out;
}

// One upstream response entry; `body` is the raw response text (it is
// JSON-escaped here). Header names should be lower-case, as the host sends them.
inline std::string response(
    int status, std::string_view body,
    const std::map<std::string, std::string>& headers = {{"content-type", "application/json"}}) {
  std::string out = "{\"status\":" + std::to_string(status) + ",\"headers\":{";
  bool first = true;
  for (const auto& [key, value] : headers) {
    if (!first) out += ',';
    first = false;
    out += json_string(key) + ':' + json_string(value);
  }
  out += "},\"body\":" + json_string(body) + '}';
  return out;
}

// A transport failure entry (status 0), as the host reports timeouts and resets.
inline std::string transport_error(std::string_view error) {
  return "{\"status\":0,\"headers\":{},\"body\":\"\",\"error\":" + json_string(error) + '}';
}

// The responses array from entries built with response()/transport_error().
inline std::string responses(std::initializer_list<std::string> entries) {
  std::string out = "[";
  bool first = true;
  for (const auto& entry : entries) {
    if (!first) out += ',';
    first = false;
    out += entry;
  }
  return out + ']';
}

namespace detail {
// Finds the top-level "status" number and whether a top-level "error" key
// exists in a reply object; a small scanner so this header needs no JSON library.
inline void scan_reply(std::string_view json, int& status, bool& has_error) {
  status = 0;
  has_error = false;
  int depth = 0;
  bool expect_key = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (c == '"') {
      std::size_t start = ++i;
      while (i < json.size() && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
      if (depth == 1 && expect_key) {
        std::string_view key = json.substr(start, i - start);
        std::size_t j = i + 1;
        while (j < json.size() && (json[j] == ' ' || json[j] == '\t' || json[j] == '\n' || json[j] == '\r' ||
                                   json[j] == ':'))
          ++j;
        if (key == "error") has_error = true;
        if (key == "status") {
          int value = 0;
          bool digits = false;
          while (j < json.size() && json[j] >= '0' && json[j] <= '9' && value < 100000) {
            value = value * 10 + (json[j++] - '0');
            digits = true;
          }
          if (digits) status = value;
        }
      }
      expect_key = false;
    } else if (c == '{') {
      ++depth;
      expect_key = true;
    } else if (c == '[') {
      ++depth;
      expect_key = false;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',') {
      expect_key = true;
    }
  }
}

// One entry of a responses document, decoded: what lg_response points into.
struct DecodedResponse {
  int status = 0;
  std::vector<std::string> headers;  // name, value, name, value, ...
  std::string body;
  std::string error;
};

// Reads a responses document ([{"status":..,"headers":{..},"body":"..",
// "error":".."}, ...]) the way the host's JSON parser would, for the list a
// plugin gets; a small reader so this header needs no JSON library. Unknown
// members are skipped; false for anything that is not such an array.
class ResponsesReader {
 public:
  explicit ResponsesReader(std::string_view text) : s_(text) {}

  bool read(std::vector<DecodedResponse>& out) {
    space();
    if (!take('[')) return false;
    space();
    if (!take(']')) {
      do {
        DecodedResponse r;
        space();
        if (!response(r)) return false;
        out.push_back(std::move(r));
        space();
      } while (take(','));
      if (!take(']')) return false;
    }
    space();
    return i_ == s_.size();
  }

 private:
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool take(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  bool hex4(unsigned& out) {
    if (i_ + 4 > s_.size()) return false;
    out = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      out <<= 4;
      if (c >= '0' && c <= '9') out |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') out |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') out |= static_cast<unsigned>(c - 'A' + 10);
      else return false;
    }
    return true;
  }
  static void utf8(unsigned cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  bool string(std::string& out) {
    if (!take('"')) return false;
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return false;
      switch (s_[i_++]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp) || (cp >= 0xDC00 && cp <= 0xDFFF)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair, or invalid
            unsigned low = 0;
            if (!literal("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          utf8(cp, out);
          break;
        }
        default: return false;
      }
    }
    return false;
  }
  bool number(long long* out) {
    const std::size_t start = i_;
    take('-');
    long long value = 0;
    bool digits = false;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      if (value < 1000000000) value = value * 10 + (s_[i_] - '0');
      ++i_;
      digits = true;
    }
    if (!digits) return false;
    bool integral = true;
    if (take('.')) integral = false;
    while (i_ < s_.size() && ((s_[i_] >= '0' && s_[i_] <= '9') || s_[i_] == 'e' || s_[i_] == 'E' ||
                              s_[i_] == '+' || s_[i_] == '-')) {
      integral = false;
      ++i_;
    }
    if (out) {
      if (!integral) return false;
      *out = s_[start] == '-' ? -value : value;
    }
    return true;
  }
  bool skip(int depth = 0) {
    if (depth > 64) return false;
    space();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    std::string ignored;
    if (c == '"') return string(ignored);
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i_;
      space();
      if (take(close)) return true;
      do {
        space();
        if (c == '{') {
          ignored.clear();
          if (!string(ignored)) return false;
          space();
          if (!take(':')) return false;
        }
        if (!skip(depth + 1)) return false;
        space();
      } while (take(','));
      return take(close);
    }
    if (literal("true") || literal("false") || literal("null")) return true;
    return number(nullptr);
  }
  bool headers(std::vector<std::string>& out) {
    if (!take('{')) return false;
    space();
    if (take('}')) return true;
    do {
      std::string name, value;
      space();
      if (!string(name)) return false;
      space();
      if (!take(':')) return false;
      space();
      if (!string(value)) return false;
      out.push_back(std::move(name));
      out.push_back(std::move(value));
      space();
    } while (take(','));
    return take('}');
  }
  bool response(DecodedResponse& r) {
    if (!take('{')) return false;
    space();
    if (take('}')) return true;
    do {
      std::string key;
      space();
      if (!string(key)) return false;
      space();
      if (!take(':')) return false;
      space();
      long long status = 0;
      bool ok = true;
      if (key == "status") {
        ok = number(&status) && status >= 0 && status <= 999;
        r.status = static_cast<int>(status);
      } else if (key == "headers") {
        ok = headers(r.headers);
      } else if (key == "body") {
        ok = string(r.body);
      } else if (key == "error") {
        ok = string(r.error);
      } else {
        ok = skip();
      }
      if (!ok) return false;
      space();
    } while (take(','));
    return take('}');
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// The borrowed lg_response structs (and their header arrays) for `decoded`,
// which must outlive them.
struct ResponseList {
  explicit ResponseList(const std::vector<DecodedResponse>& decoded) {
    headers.resize(decoded.size());
    responses.resize(decoded.size());
    for (std::size_t i = 0; i < decoded.size(); ++i) {
      for (const auto& text : decoded[i].headers) headers[i].push_back({text.data(), text.size()});
      lg_response& r = responses[i];
      r.struct_size = sizeof(lg_response);
      r.status = decoded[i].status;
      r.body = {decoded[i].body.data(), decoded[i].body.size()};
      r.error = {decoded[i].error.data(), decoded[i].error.size()};
      r.headers = headers[i].data();
      r.header_count = headers[i].size() / 2;
    }
    for (const auto& r : responses) pointers.push_back(&r);
  }
  ResponseList(const ResponseList&) = delete;
  ResponseList& operator=(const ResponseList&) = delete;

  std::vector<std::vector<lg_bytes>> headers;
  std::vector<lg_response> responses;
  std::vector<const lg_response*> pointers;
};

inline bool valid_id(const char* id) {
  if (!id) return false;
  std::string_view s(id);
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}
}  // namespace detail

// How FakeHost hands a plugin its responses: as_host, like a 1.2 host (a list
// to a plugin that sets LG_PLUGIN_RESPONSE_LIST, the document to others);
// document, always the JSON document, like a 1.1 host.
enum class Delivery { as_host, document };

class FakeHost {
 public:
  // The smallest lg_plugin the host accepts (ABI 1.0).
  static constexpr std::size_t kMinPluginTableSize = offsetof(lg_plugin, shutdown) + sizeof(void*);
  // The host stops a plugin that keeps fetching after this many steps.
  static constexpr int kMaxSteps = 16;
  // ... or that asks for more requests than this in one step.
  static constexpr std::size_t kMaxRequestsPerStep = 64;

  // Calls `entry` with this host's table and checks the answer like the host
  // does at load; throws std::runtime_error (naming the problem, with the
  // plugin's log lines) when the host would refuse the plugin.
  explicit FakeHost(lg_plugin_entry_fn entry) {
    host_.struct_size = sizeof(lg_host);
    host_.abi_version = LG_ABI_VERSION;
    host_.alloc = &FakeHost::host_alloc;
    host_.free = &FakeHost::host_free;
    host_.log = &FakeHost::host_log;
    host_.host_context = this;
    if (!entry) throw std::runtime_error("FakeHost: no entry function");
    plugin_ = entry(&host_);
    if (auto problem = check(plugin_)) {
      std::string message = "FakeHost: plugin refused: " + *problem;
      for (const auto& line : logs()) message += "\n  log: " + line.message;
      plugin_ = nullptr;
      throw std::runtime_error(message);
    }
    if (std::string_view(plugin_->manifest).find("\"api_origins\"") == std::string_view::npos)
      logs_.push_back({LG_LOG_WARN, "manifest declares no api_origins: the host will send this plugin's requests no tokens"});
  }

  ~FakeHost() {
    if (plugin_ && plugin_->shutdown) plugin_->shutdown();
  }

  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;
  FakeHost(FakeHost&&) = delete;
  FakeHost& operator=(FakeHost&&) = delete;

  // The plugin's table (static in the plugin) and its strings.
  const lg_plugin& plugin() const noexcept { return *plugin_; }
  std::string_view id() const noexcept { return plugin_->id; }
  std::string_view version() const noexcept { return plugin_->version; }
  std::string_view manifest() const noexcept { return plugin_->manifest; }
  // The table handed to the plugin (e.g. to call a C ABI plugin's invoke by hand).
  const lg_host* host_table() const noexcept { return &host_; }

  void set_delivery(Delivery delivery) noexcept { delivery_ = delivery; }
  // Whether run() hands this plugin its responses as lg_call.response_list.
  bool delivers_list() const noexcept {
    return delivery_ == Delivery::as_host &&
           plugin_->struct_size >= offsetof(lg_plugin, flags) + sizeof(plugin_->flags) &&
           (plugin_->flags & LG_PLUGIN_RESPONSE_LIST) != 0;
  }

  // Every line logged since construction (or clear_logs), copied.
  std::vector<LogLine> logs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return logs_;
  }
  void clear_logs() {
    std::lock_guard<std::mutex> lock(mutex_);
    logs_.clear();
  }

  // Runs `operation` with `input_json` to completion, as the host's operation
  // runner does: invoke, and while the plugin answers a fetch, pass its
  // requests to `responder` and call back with the state and the responses,
  // at most kMaxSteps steps. Without a responder a fetch step throws
  // std::logic_error (the test did not expect the plugin to call upstream).
  Result run(std::string_view operation, std::string_view input_json = R"({"params":{},"body":null})",
             const Responder& responder = {}) {
    Result result;
    std::size_t first_log = log_count();
    std::string state, responses_json;
    std::vector<detail::DecodedResponse> decoded;
    std::optional<detail::ResponseList> list;
    bool first = true;
    for (int step = 0; step < kMaxSteps; ++step) {
      lg_call call{};
      call.struct_size = sizeof(lg_call);
      call.operation = operation.data();
      call.operation_length = operation.size();
      call.input = input_json.data();
      call.input_length = input_json.size();
      if (!first) {
        call.state = state.data();
        call.state_length = state.size();
        if (list) {
          call.response_list = list->pointers.data();
          call.response_count = list->pointers.size();
        } else {
          call.responses = responses_json.data();
          call.responses_length = responses_json.size();
        }
      }
      lg_step out{};
      out.struct_size = sizeof(lg_step);
      int32_t code = plugin_->invoke(&call, &out);
      ++result.steps;
      std::string json = take(out.json, out.json_length);
      std::string next_state = take(out.state, out.state_length);
      result.code = code;
      if (code != LG_OK) {
        result.status = code == LG_ERR_UNKNOWN_OPERATION ? 404 : code == LG_ERR_BAD_INPUT ? 400 : 502;
        result.json = std::move(json);
        return finish(result, first_log);
      }
      if (out.kind == LG_STEP_REPLY) {
        bool has_error = false;
        detail::scan_reply(json, result.status, has_error);
        if (result.status < 100 || result.status > 599) result.status = has_error ? 502 : 200;
        if (has_error && result.status < 400) result.status = 502;
        result.json = std::move(json);
        return finish(result, first_log);
      }
      if (out.kind != LG_STEP_FETCH) return stop(result, first_log, "plugin returned an unknown step kind");
      if (json.find("\"requests\"") == std::string::npos)
        return stop(result, first_log, "plugin asked for a fetch without a requests array");
      result.fetches.push_back(json);
      if (!responder)
        throw std::logic_error("FakeHost: " + std::string(operation) +
                               " asked for a fetch but run() was given no responder: " + json);
      responses_json = responder(json);
      list.reset();
      decoded.clear();
      if (delivers_list()) {
        if (!detail::ResponsesReader(responses_json).read(decoded) || decoded.empty())
          return stop(result, first_log, "the responder's answer is not a JSON array of responses: " + responses_json);
        list.emplace(decoded);
        result.responses_as_list = true;
      }
      state = std::move(next_state);
      first = false;
    }
    return stop(result, first_log,
                "plugin did not finish " + std::string(operation) + " within " + std::to_string(kMaxSteps) + " steps");
  }

 private:
  static void* host_alloc(std::size_t size) { return std::malloc(size ? size : 1); }
  static void host_free(void* ptr) { std::free(ptr); }
  static void host_log(const lg_host* host, lg_log_level level, const char* message, std::size_t length) {
    if (!host || !host->host_context) return;
    auto* self = static_cast<FakeHost*>(host->host_context);
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->logs_.push_back({level, std::string(message ? message : "", message ? length : 0)});
  }

  // Copies a host-allocated buffer from the plugin and frees it.
  std::string take(char* data, std::size_t length) {
    std::string out = data ? std::string(data, length) : std::string();
    host_.free(data);
    return out;
  }

  std::size_t log_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return logs_.size();
  }
  Result finish(Result& result, std::size_t first_log) const {
    std::lock_guard<std::mutex> lock(mutex_);
    result.logs.assign(logs_.begin() + static_cast<std::ptrdiff_t>(first_log), logs_.end());
    return std::move(result);
  }
  Result stop(Result& result, std::size_t first_log, std::string why) const {
    result.code = LG_ERR_INTERNAL;
    result.status = 502;
    result.json = std::move(why);
    return finish(result, first_log);
  }

  // The host's load-time checks of the plugin table (core/plugin/abi_check.cpp).
  static std::optional<std::string> check(const lg_plugin* table) {
    if (!table) return "entry point returned NULL (plugin initialisation failed)";
    if (LG_ABI_MAJOR(table->abi_version) != LG_ABI_VERSION_MAJOR)
      return "not binary compatible: plugin ABI " + std::to_string(LG_ABI_MAJOR(table->abi_version)) + "." +
             std::to_string(LG_ABI_MINOR(table->abi_version)) + ", host ABI " +
             std::to_string(LG_ABI_VERSION_MAJOR) + "." + std::to_string(LG_ABI_VERSION_MINOR);
    if (table->struct_size < kMinPluginTableSize)
      return "plugin table too small (" + std::to_string(table->struct_size) + " bytes, ABI 1.0 needs " +
             std::to_string(kMinPluginTableSize) + ")";
    if (!detail::valid_id(table->id)) return "plugin id missing or not [a-z0-9_-]{1,64}";
    if (!table->version || !*table->version) return "plugin version missing";
    if (!table->manifest) return "plugin manifest missing";
    if (!table->invoke) return "plugin has no invoke function";
    return std::nullopt;
  }

  lg_host host_{};
  const lg_plugin* plugin_ = nullptr;
  Delivery delivery_ = Delivery::as_host;
  mutable std::mutex mutex_;
  std::vector<LogLine> logs_;
};

}  // namespace lagentry::testing

#endif  // LAGENTRY_TESTING_HPP
