#include "host/api/metrics_api.hpp"
#include "core/store/error_text.hpp"

#include "core/log/logger.hpp"
#include "core/metrics/metrics.hpp"
#include "core/store/statement_count.hpp"

#include <soci/soci.h>

#include <map>
#include <memory>
#include <mutex>

namespace lagentry::host {
using boost::asio::awaitable;

namespace {

// Connections by provider and status, across tenants (this is the operator's view).
void set_connection_gauges(store::Database& database, std::map<std::pair<std::string, std::string>, bool>& seen) {
  auto& family = metrics::global().connections();
  for (auto& [labels, present] : seen) present = false;
  soci::session sql(database.pool());
  // Bulk into typed vectors: SOCI converts COUNT(*) (which has no declared type) itself.
  std::vector<std::string> providers(1000), statuses(1000);
  std::vector<long long> counts(1000);
  sql << "SELECT provider, status, COUNT(*) FROM connections GROUP BY provider, status", soci::into(providers),
      soci::into(statuses), soci::into(counts);
  for (std::size_t i = 0; i < providers.size(); ++i) {
    family.Add({{"provider", providers[i]}, {"status", statuses[i]}}).Set(static_cast<double>(counts[i]));
    seen[{providers[i], statuses[i]}] = true;
  }
  for (const auto& [labels, present] : seen)  // gone since the last scrape
    if (!present) family.Add({{"provider", labels.first}, {"status", labels.second}}).Set(0);
}

// The statement counters (store/statement_count.hpp) as Prometheus counters.
void set_statement_counters() {
  static std::mutex mutex;  // two scrapes at once must not both add the difference
  std::lock_guard lock(mutex);
  auto& family = metrics::global().database_statements();
  for (std::size_t i = 0; i < store::kStatementSources; ++i) {
    const auto source = static_cast<store::StatementSource>(i);
    auto& counter = family.Add({{"thread", store::source_name(source)}});
    const double sent = static_cast<double>(store::statements_sent(source));
    if (sent > counter.Value()) counter.Increment(sent - counter.Value());
  }
}

}  // namespace

void add_metrics_routes(Router& router, const plugin::Registry& registry, store::Database& database,
                        store::DatabaseWork& work, const store::ActivityLog& activity, bool public_metrics) {
  auto seen = std::make_shared<std::pair<std::mutex, std::map<std::pair<std::string, std::string>, bool>>>();
  router.add(http::verb::get, "/metrics", [&, seen](RequestContext&) -> awaitable<Response> {
    auto& m = metrics::global();
    m.plugins_loaded().Set(static_cast<double>(registry.snapshot()->plugins.size()));
    m.activity_queue().Set(static_cast<double>(activity.queued()));
    co_await work.run([&] {
      // The scrape's own statement is not a request's.
      const store::StatementSourceScope counted_as(store::StatementSource::background);
      try {
        std::lock_guard lock(seen->first);
        set_connection_gauges(database, seen->second);
      } catch (const std::exception& e) {
        log::warn("metrics", std::string("connections gauge not updated: ") + store::error_text(e));
      }
    });
    set_statement_counters();
    Response response{http::status::ok, 11};
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.body() = m.render();
    response.prepare_payload();
    co_return response;
  }, public_metrics ? Access::open : Access::host_operator);
}

}  // namespace lagentry::host
