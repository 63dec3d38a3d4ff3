// The host's Prometheus metrics (prometheus-cpp core; GET /metrics renders
// them with its text serializer).
//
// One process-wide set, like Prometheus client libraries' default registry:
// the server, the outbound client, the OAuth engine and the registry report
// into it without being wired to each other. Label values are bounded by
// construction: route templates (never raw paths), provider names and API
// origins from manifests, HTTP status codes, fixed result words; never user
// data.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace lagentry::metrics {

class Metrics {
 public:
  Metrics();

  // One API request: its route template, method and status.
  void request(const std::string& route, const std::string& method, int status, double seconds);
  // One upstream HTTP exchange (retries count separately) for a provider ("" for
  // none): origin "https://host[:port]", status 0 for transport failures.
  void upstream(const std::string& provider, const std::string& origin, int status, double seconds);
  void upstream_retry(const std::string& provider, const std::string& origin);
  // One unit of database work on the pool (store::DatabaseWork), however many statements.
  void database_call(double seconds);
  // An OAuth event of a provider: action auth.connect|auth.refresh|auth.revoke, status ok or an error code.
  void oauth_event(const std::string& provider, const std::string& action, const std::string& status);
  // A reload of the plugin folder and what it did.
  void reload(int loaded, int refused);
  // A client connection moved to another I/O thread between two requests.
  void connection_moved() { connection_moves_->Increment(); }

  // Set just before rendering.
  prometheus::Gauge& plugins_loaded() { return *plugins_loaded_; }
  prometheus::Gauge& activity_queue() { return *activity_queue_; }
  prometheus::Family<prometheus::Gauge>& connections() { return *connections_; }
  prometheus::Family<prometheus::Counter>& database_statements() { return *database_statements_; }

  // The Prometheus text exposition format (version 0.0.4).
  std::string render() const;

 private:
  std::string bounded_origin(const std::string& origin);
  static constexpr std::size_t kMaxOrigins = 64;
  std::mutex origins_mutex_;
  std::set<std::string> origins_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* request_seconds_;
  prometheus::Family<prometheus::Counter>* upstream_;
  prometheus::Family<prometheus::Histogram>* upstream_seconds_;
  prometheus::Family<prometheus::Counter>* upstream_retries_;
  prometheus::Family<prometheus::Counter>* oauth_;
  prometheus::Counter* reloads_;
  prometheus::Counter* refusals_;
  prometheus::Counter* connection_moves_;
  prometheus::Gauge* plugins_loaded_;
  prometheus::Gauge* activity_queue_;
  prometheus::Family<prometheus::Gauge>* connections_;
  prometheus::Family<prometheus::Counter>* database_statements_;
  prometheus::Histogram* database_seconds_;
};

Metrics& global();

}  // namespace lagentry::metrics
