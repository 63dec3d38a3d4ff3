// Delivers the webhook outbox (core/store/webhook_outbox.hpp): a loop on its
// own strand claims due rows, POSTs each event's JSON to its webhook, signed,
// and records the outcome.
//
//  * Signature: header `Lagentry-Signature: t=<unix seconds>,v1=<hex
//    HMAC-SHA256 of "<t>.<body>" under the webhook's secret>` (the Stripe
//    scheme, so receivers can also refuse stale timestamps), and
//    `Lagentry-Event-Id` to dedupe: delivery is at least once.
//  * Any 2xx is delivered. Anything else (or no answer within the timeout)
//    is retried after base * 2^attempts, capped at an hour, until the event
//    is older than the maximum age; then it is given up and logged.
//  * Webhooks get a client of their own: no origin map (that is for provider
//    calls) and no retries inside the client (the outbox retries).
#pragma once

#include "core/crypto/secret_box.hpp"
#include "core/net/http_client.hpp"
#include "core/store/database.hpp"
#include "core/store/webhook_outbox.hpp"
#include "core/store/webhook_store.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <string>

namespace lagentry::host {

struct WebhookDeliveryOptions {
  std::chrono::milliseconds retry_base{1000};
  std::chrono::milliseconds retry_cap{std::chrono::hours(1)};
  std::chrono::milliseconds max_age{std::chrono::hours(24)};
  std::chrono::milliseconds poll_interval{1000};  // how soon a new event goes out
  std::chrono::seconds timeout{10};               // per POST
  std::string extra_ca_file;                      // PEM, for receivers behind a private CA
};

class WebhookDelivery {
 public:
  WebhookDelivery(boost::asio::io_context& io, store::Database& db, const crypto::KeyRing& keys,
                  WebhookDeliveryOptions options);
  void start();
  // Stops after the POST in flight (if any); safe from any thread.
  void stop();

  // The Lagentry-Signature value for `body` at `unix_seconds`.
  static std::string signature(const std::string& secret, std::int64_t unix_seconds, const std::string& body);

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> deliver(store::PendingDelivery delivery);
  void failed(const store::PendingDelivery& delivery, const std::string& error);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  store::WebhookOutbox outbox_;
  store::WebhookStore webhooks_;
  net::HttpClient http_;
  WebhookDeliveryOptions options_;
  bool stopping_ = false;  // on the strand
};

}  // namespace lagentry::host
