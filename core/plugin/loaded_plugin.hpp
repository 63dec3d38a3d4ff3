// One loaded version of one plugin library.
//
// Requests hold a shared_ptr<const LoadedPlugin> for as long as they run, so
// a reload that replaces the version never unloads code a request still uses:
// the library is closed when the last holder lets go (Boost.DLL tutorial 8).
#pragma once

#include "core/plugin/manifest.hpp"

#include <lagentry/plugin.h>

#include <boost/dll/shared_library.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace lagentry::isolation {
class WorkerPool;
}

namespace lagentry::plugin {

// The lg_host table handed to one plugin; its log lines carry the plugin's name.
// host_context points back at this struct. Must outlive the library.
struct HostTable {
  lg_host table{};
  std::string component;
};
std::unique_ptr<HostTable> make_host_table(std::string component);

// One invoke() step's outcome, copied out of host-allocated buffers.
struct StepResult {
  // Set only when the step ran in a worker process and the worker, not the
  // plugin, failed (core/isolation/worker_pool.hpp); `json` then says why.
  enum class WorkerFailure { none, crashed, timed_out, failing };

  int32_t code = LG_OK;        // LG_OK or an LG_ERR_* value
  lg_step_kind kind = LG_STEP_REPLY;
  std::string json;            // reply, fetch requests, or error message
  std::string state;           // continuation for LG_STEP_FETCH
  WorkerFailure worker_failure = WorkerFailure::none;
};

class LoadedPlugin {
 public:
  struct Origin {
    std::filesystem::path source;        // the file dropped in the plugin folder
    std::filesystem::path private_copy;  // the content-hashed copy actually mapped
    std::string sha256;
  };

  // Takes ownership of an opened library whose entry returned `table`.
  LoadedPlugin(std::unique_ptr<HostTable> host, boost::dll::shared_library library, const lg_plugin* table,
               Manifest manifest, Origin origin);
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const std::string& id() const { return manifest_.id; }
  const std::string& version() const { return manifest_.version; }
  uint32_t abi_version() const { return table_->abi_version; }
  const Manifest& manifest() const { return manifest_; }
  const Origin& origin() const { return origin_; }
  std::chrono::system_clock::time_point loaded_at() const { return loaded_at_; }

  // Runs one sans-I/O step in this process. Never throws for plugin
  // failures: they come back as a non-LG_OK code with the plugin's message.
  // Lines the plugin logs meanwhile carry `request_id`.
  StepResult invoke(std::string_view operation, std::string_view input, std::string_view state = {},
                    std::string_view responses = {}, std::string_view request_id = {}) const;
  // ABI 1.2: whether the plugin takes its responses as lg_call.response_list
  // (LG_PLUGIN_RESPONSE_LIST), and the step given them that way.
  bool takes_response_list() const;
  StepResult invoke_with_list(std::string_view operation, std::string_view input, std::string_view state,
                              const lg_response* const* response_list, std::size_t response_count,
                              std::string_view request_id = {}) const;

  // API requests currently served by this version (the admin view): a
  // request holds one of these from routing to its response.
  class RequestHold {
   public:
    explicit RequestHold(const LoadedPlugin& plugin) : plugin_(&plugin) { ++plugin_->requests_; }
    ~RequestHold() { --plugin_->requests_; }
    RequestHold(const RequestHold&) = delete;
    RequestHold& operator=(const RequestHold&) = delete;

   private:
    const LoadedPlugin* plugin_;
  };
  int requests_in_flight() const { return requests_.load(); }

  // Isolated plugins run their steps in worker processes of their own
  // (LAGENTRY_PLUGIN_ISOLATION); in-process ones have none. Set once by the
  // registry before the version serves; the workers end with this version.
  void run_in_workers(std::shared_ptr<isolation::WorkerPool> workers) { workers_ = std::move(workers); }
  isolation::WorkerPool* workers() const { return workers_.get(); }

 private:
  // Declared first so it is destroyed last: the library may use it until unloaded.
  std::unique_ptr<HostTable> host_;
  boost::dll::shared_library library_;
  const lg_plugin* table_;
  Manifest manifest_;
  Origin origin_;
  std::chrono::system_clock::time_point loaded_at_;
  mutable std::atomic<int> requests_{0};
  std::shared_ptr<isolation::WorkerPool> workers_;

  StepResult run(const lg_call& call, std::string_view request_id) const;
};

}  // namespace lagentry::plugin
