#include "core/plugin/loaded_plugin.hpp"

#include "core/log/logger.hpp"
#include "core/plugin/abi_check.hpp"

#include <cstdlib>
#include <system_error>

namespace lagentry::plugin {
namespace {

void* host_alloc(size_t size) { return std::malloc(size == 0 ? 1 : size); }
void host_free(void* ptr) { std::free(ptr); }

// The request whose step runs on this thread: a plugin logs synchronously
// from invoke(), so its lines can name the request as the host's own do.
thread_local std::string_view current_request_id;

void host_log(const lg_host* host, lg_log_level level, const char* message, size_t length) {
  if (!host || !message) return;
  const auto* self = static_cast<const HostTable*>(host->host_context);
  log::Level mapped = level == LG_LOG_DEBUG  ? log::Level::debug
                      : level == LG_LOG_WARN ? log::Level::warn
                      : level == LG_LOG_ERROR ? log::Level::error
                                              : log::Level::info;
  log::write(mapped, self ? std::string_view(self->component) : "plugin", std::string_view(message, length),
             {{"request_id", current_request_id}});
}

// Takes a host-allocated buffer from the plugin and releases it.
std::string adopt(char* data, size_t length) {
  if (!data) return {};
  std::string out(data, length);
  host_free(data);
  return out;
}

}  // namespace

std::unique_ptr<HostTable> make_host_table(std::string component) {
  auto host = std::make_unique<HostTable>();
  host->component = std::move(component);
  host->table.struct_size = sizeof(lg_host);
  host->table.abi_version = LG_ABI_VERSION;
  host->table.alloc = &host_alloc;
  host->table.free = &host_free;
  host->table.log = &host_log;
  host->table.host_context = host.get();
  return host;
}

LoadedPlugin::LoadedPlugin(std::unique_ptr<HostTable> host, boost::dll::shared_library library,
                           const lg_plugin* table, Manifest manifest, Origin origin)
    : host_(std::move(host)),
      library_(std::move(library)),
      table_(table),
      manifest_(std::move(manifest)),
      origin_(std::move(origin)),
      loaded_at_(std::chrono::system_clock::now()) {}

LoadedPlugin::~LoadedPlugin() {
  if (table_ && table_->shutdown) table_->shutdown();
  library_.unload();
  std::error_code ignored;
  std::filesystem::remove(origin_.private_copy, ignored);
  log::info("plugins", "unloaded " + manifest_.id + " " + manifest_.version + " (" + origin_.sha256.substr(0, 12) + ")");
}

namespace {
lg_call call_of(std::string_view operation, std::string_view input, std::string_view state) {
  lg_call call{};
  call.struct_size = sizeof(lg_call);
  call.operation = operation.data();
  call.operation_length = operation.size();
  call.input = input.data();
  call.input_length = input.size();
  call.state = state.empty() ? nullptr : state.data();
  call.state_length = state.size();
  return call;
}
}  // namespace

StepResult LoadedPlugin::invoke(std::string_view operation, std::string_view input, std::string_view state,
                                std::string_view responses, std::string_view request_id) const {
  lg_call call = call_of(operation, input, state);
  call.responses = responses.empty() ? nullptr : responses.data();
  call.responses_length = responses.size();
  return run(call, request_id);
}

bool LoadedPlugin::takes_response_list() const { return plugin::takes_response_list(*table_); }

StepResult LoadedPlugin::invoke_with_list(std::string_view operation, std::string_view input, std::string_view state,
                                          const lg_response* const* response_list, std::size_t response_count,
                                          std::string_view request_id) const {
  lg_call call = call_of(operation, input, state);
  call.response_list = response_count > 0 ? response_list : nullptr;
  call.response_count = response_count;
  return run(call, request_id);
}

StepResult LoadedPlugin::run(const lg_call& call, std::string_view request_id) const {
  lg_step step{};
  step.struct_size = sizeof(lg_step);
  StepResult result;
  struct RequestScope {
    explicit RequestScope(std::string_view id) { current_request_id = id; }
    ~RequestScope() { current_request_id = {}; }
  } scope{request_id};
  result.code = table_->invoke(&call, &step);
  result.kind = step.kind == LG_STEP_FETCH ? LG_STEP_FETCH : LG_STEP_REPLY;
  result.json = adopt(step.json, step.json_length);
  result.state = adopt(step.state, step.state_length);
  return result;
}

}  // namespace lagentry::plugin
