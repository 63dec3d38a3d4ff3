#include "host/webhooks/webhook_delivery.hpp"
#include "core/store/error_text.hpp"

#include "core/crypto/hmac.hpp"
#include "core/log/logger.hpp"
#include "core/store/clock.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace lagentry::host {
namespace asio = boost::asio;
namespace {
constexpr std::string_view kLog = "webhooks";
constexpr int kBatch = 32;

net::HttpClientOptions client_options(const WebhookDeliveryOptions& options) {
  net::HttpClientOptions o;
  o.connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options.timeout);
  o.request_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options.timeout);
  o.max_retries = 0;
  o.max_connections_per_origin = 4;
  o.max_response_bytes = 64 * 1024;  // the answer is only looked at for its status
  o.extra_ca_file = options.extra_ca_file;
  return o;
}
}  // namespace

WebhookDelivery::WebhookDelivery(asio::io_context& io, store::Database& db, const crypto::KeyRing& keys,
                                 WebhookDeliveryOptions options)
    : strand_(asio::make_strand(io)),
      timer_(strand_),
      outbox_(db),
      webhooks_(db, keys),
      http_(io, client_options(options), net::OriginMap{}),
      options_(std::move(options)) {}

std::string WebhookDelivery::signature(const std::string& secret, std::int64_t unix_seconds, const std::string& body) {
  const std::string t = std::to_string(unix_seconds);
  return "t=" + t + ",v1=" + crypto::hmac_sha256_hex(secret, t + "." + body);
}

void WebhookDelivery::start() { asio::co_spawn(strand_, run(), asio::detached); }

void WebhookDelivery::stop() {
  asio::post(strand_, [this] {
    stopping_ = true;
    timer_.cancel();
  });
}

asio::awaitable<void> WebhookDelivery::run() {
  while (!stopping_) {
    std::vector<store::PendingDelivery> batch;
    try {
      // The lease outlasts one POST by a margin; a host killed mid-POST
      // leaves a lease that runs out, and the row goes out again.
      batch = outbox_.claim(kBatch, std::chrono::duration_cast<std::chrono::milliseconds>(options_.timeout).count() * 3);
    } catch (const std::exception& e) {
      log::warn(kLog, std::string("cannot read the webhook outbox (will retry): ") + store::error_text(e));
    }
    for (auto& delivery : batch) {
      if (stopping_) break;
      co_await deliver(std::move(delivery));
    }
    if (stopping_ || batch.size() == static_cast<std::size_t>(kBatch)) continue;
    timer_.expires_after(options_.poll_interval);
    boost::system::error_code ignored;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

asio::awaitable<void> WebhookDelivery::deliver(store::PendingDelivery delivery) {
  try {
    const std::int64_t now = store::now_ms();
    if (now - delivery.created_at_ms > options_.max_age.count()) {
      outbox_.abandon(delivery, "older than the maximum age before it could be sent");
      log::warn(kLog, "gave up " + delivery.event_type + " " + delivery.event_id + " for " + delivery.webhook_id +
                          ": older than the maximum age");
      co_return;
    }
    const std::optional<std::string> secret = webhooks_.secret(delivery.webhook_id);
    if (!secret) co_return;  // removed meanwhile (its rows went with it)
    runtime::UpstreamRequest request;
    request.method = "POST";
    request.url = delivery.url;
    request.auth = "none";
    request.body = delivery.payload;
    request.headers["Content-Type"] = "application/json";
    request.headers["Lagentry-Event-Id"] = delivery.event_id;
    request.headers["Lagentry-Event-Type"] = delivery.event_type;
    request.headers["Lagentry-Signature"] = signature(*secret, now / 1000, delivery.payload);
    const runtime::UpstreamResponse response = co_await http_.send(std::move(request));
    if (response.status >= 200 && response.status < 300) {
      outbox_.delivered(delivery);
      log::info(kLog, "delivered " + delivery.event_type + " " + delivery.event_id + " to " + delivery.webhook_id +
                          " (HTTP " + std::to_string(response.status) + ", attempt " +
                          std::to_string(delivery.attempts + 1) + ")");
      co_return;
    }
    failed(delivery, response.status ? "HTTP " + std::to_string(response.status) : response.error);
  } catch (const std::exception& e) {
    log::warn(kLog, "cannot deliver " + delivery.event_id + " to " + delivery.webhook_id + ": " + store::error_text(e));
  }
}

void WebhookDelivery::failed(const store::PendingDelivery& delivery, const std::string& error) {
  const int shift = std::min(delivery.attempts, 30);
  const std::int64_t delay = std::min<std::int64_t>(options_.retry_base.count() << shift, options_.retry_cap.count());
  const std::int64_t next = store::now_ms() + delay;
  if (next - delivery.created_at_ms > options_.max_age.count()) {
    outbox_.abandon(delivery, error);
    log::warn(kLog, "gave up " + delivery.event_type + " " + delivery.event_id + " for " + delivery.webhook_id + " after " +
                        std::to_string(delivery.attempts + 1) + " attempts (last: " + error + ")");
    return;
  }
  outbox_.retry_later(delivery, next, error);
  log::info(kLog, delivery.webhook_id + " answered " + error + " for " + delivery.event_id + ", attempt " +
                      std::to_string(delivery.attempts + 2) + " in " + std::to_string(delay) +
                      "ms");
}

}  // namespace lagentry::host
