#include "core/metrics/metrics.hpp"

#include <prometheus/text_serializer.h>

#include <string_view>
#include <unordered_map>

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
  connection_moves_ = &prometheus::BuildCounter().Name("lagentry_connection_moves_total").Help("Client connections moved to another I/O thread between requests (a light load packed, a heavy one spread)").Register(r).Add({});
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

namespace {
// Family::Add builds a label map, hashes it and takes the family's lock on
// every call, a measurable share of a proxied request. Series are never
// removed, so each thread remembers the ones it used by a flat key (label
// values are bounded: route templates, methods, statuses, origins).
template <class Metric>
using SeriesCache = std::unordered_map<std::string, Metric*>;

template <class Metric, class Add>
Metric& series(SeriesCache<Metric>& cache, const std::string& key, Add add) {
  if (auto it = cache.find(key); it != cache.end()) return *it->second;
  Metric& metric = add();
  cache.emplace(key, &metric);
  return metric;
}

std::string series_key(std::initializer_list<std::string_view> values) {
  std::string key;
  for (std::string_view v : values) key.append(v).push_back('\0');
  return key;
}
}  // namespace

void Metrics::request(const std::string& route, const std::string& method, int status, double seconds) {
  thread_local SeriesCache<prometheus::Counter> counters;
  thread_local SeriesCache<prometheus::Histogram> durations;
  const std::string code = std::to_string(status);
  series(counters, series_key({route, method, code}), [&]() -> prometheus::Counter& {
    return requests_->Add({{"route", route}, {"method", method}, {"status", code}});
  }).Increment();
  series(durations, route, [&]() -> prometheus::Histogram& {
    return request_seconds_->Add({{"route", route}}, kLatency);
  }).Observe(seconds);
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
  thread_local SeriesCache<prometheus::Counter> counters;
  thread_local SeriesCache<prometheus::Histogram> durations;
  const std::string code = std::to_string(status);
  const std::string counter_key = series_key({provider, origin, code}), duration_key = series_key({provider, origin});
  auto counter = counters.find(counter_key);
  auto duration = durations.find(duration_key);
  if (counter != counters.end() && duration != durations.end()) {
    counter->second->Increment();
    duration->second->Observe(seconds);
    return;
  }
  // Origins past the bound share "other" and are not remembered: any URL
  // fetched without a token would grow the caches.
  const std::string label = bounded_origin(origin);
  auto& c = upstream_->Add({{"provider", provider}, {"origin", label}, {"status", code}});
  auto& d = upstream_seconds_->Add({{"provider", provider}, {"origin", label}}, kLatency);
  c.Increment();
  d.Observe(seconds);
  if (label != origin) return;
  counters.emplace(counter_key, &c);
  durations.emplace(duration_key, &d);
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
