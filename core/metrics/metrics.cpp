#include "core/metrics/metrics.hpp"

#include <prometheus/text_serializer.h>

namespace lagentry::metrics {

namespace {
// Seconds: 0.5 ms to 10 s, where API and upstream latencies live.
const prometheus::Histogram::BucketBoundaries kLatency = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1,    0.25,  0.5,    1,     2.5,  5,     10};
}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& r = *registry_;
  requests_ = &prometheus::BuildCounter().Name("lagentry_http_requests_total").Help("API requests by route template, method and status").Register(r);
  request_seconds_ = &prometheus::BuildHistogram().Name("lagentry_http_request_duration_seconds").Help("API request durations by route template").Register(r);
  upstream_ = &prometheus::BuildCounter().Name("lagentry_upstream_requests_total").Help("Upstream HTTP exchanges by provider, origin and status (0: transport failure)").Register(r);
  upstream_seconds_ = &prometheus::BuildHistogram().Name("lagentry_upstream_request_duration_seconds").Help("Upstream exchange durations by provider and origin").Register(r);
  upstream_retries_ = &prometheus::BuildCounter().Name("lagentry_upstream_retries_total").Help("Upstream requests sent again (429, 5xx, resets)").Register(r);
  oauth_ = &prometheus::BuildCounter().Name("lagentry_oauth_events_total").Help("Connects, refreshes and revocations by provider and outcome").Register(r);
  reloads_ = &prometheus::BuildCounter().Name("lagentry_plugin_reloads_total").Help("Rescans of the plugin folder").Register(r).Add({});
  refusals_ = &prometheus::BuildCounter().Name("lagentry_plugin_refusals_total").Help("Plugin files a reload refused").Register(r).Add({});
  plugins_loaded_ = &prometheus::BuildGauge().Name("lagentry_plugins_loaded").Help("Plugins serving now").Register(r).Add({});
  activity_queue_ = &prometheus::BuildGauge().Name("lagentry_activity_queue_depth").Help("Activity records waiting to be written").Register(r).Add({});
  connections_ = &prometheus::BuildGauge().Name("lagentry_connections").Help("Connections by provider and status").Register(r);
  database_statements_ = &prometheus::BuildCounter()
                              .Name("lagentry_database_statements_total")
                              .Help("Statements sent to the database, by the kind of thread that sent them (io stays 0)")
                              .Register(r);
  database_seconds_ = &prometheus::BuildHistogram()
                           .Name("lagentry_database_call_duration_seconds")
                           .Help("Database work a request or a refresh awaited on the pool, however many statements")
                           .Register(r)
                           .Add({}, kLatency);
}

void Metrics::database_call(double seconds) { database_seconds_->Observe(seconds); }

void Metrics::request(const std::string& route, const std::string& method, int status, double seconds) {
  requests_->Add({{"route", route}, {"method", method}, {"status", std::to_string(status)}}).Increment();
  request_seconds_->Add({{"route", route}}, kLatency).Observe(seconds);
}

// Origins come from manifests, but a plugin may fetch any URL without a
// token: past a bound, further origins share one label value.
std::string Metrics::bounded_origin(const std::string& origin) {
  std::lock_guard lock(origins_mutex_);
  if (origins_.count(origin) || origins_.size() < kMaxOrigins) {
    origins_.insert(origin);
    return origin;
  }
  return "other";
}

// Provider names come from manifests (bounded like the plugins loaded).
void Metrics::upstream(const std::string& provider, const std::string& origin, int status, double seconds) {
  const std::string label = bounded_origin(origin);
  upstream_->Add({{"provider", provider}, {"origin", label}, {"status", std::to_string(status)}}).Increment();
  upstream_seconds_->Add({{"provider", provider}, {"origin", label}}, kLatency).Observe(seconds);
}

void Metrics::upstream_retry(const std::string& provider, const std::string& origin) {
  upstream_retries_->Add({{"provider", provider}, {"origin", bounded_origin(origin)}}).Increment();
}

void Metrics::oauth_event(const std::string& provider, const std::string& action, const std::string& status) {
  oauth_->Add({{"provider", provider}, {"action", action}, {"status", status}}).Increment();
}

void Metrics::reload(int loaded, int refused) {
  reloads_->Increment();
  if (refused > 0) refusals_->Increment(refused);
  (void)loaded;
}

std::string Metrics::render() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

Metrics& global() {
  static Metrics metrics;
  return metrics;
}

}  // namespace lagentry::metrics
