// The webhook outbox: connection events waiting to be delivered.
//
// enqueue() writes one row per event and subscribed webhook in the same
// database as the connection change, so an event survives a crash (kill -9)
// between the change and its delivery. Deliverers (one loop per host) claim
// due rows with a lease, so hosts sharing PostgreSQL never post the same row
// at the same time; a lease left by a killed host runs out and the row is
// claimed again. Delivery is therefore at least once: receivers dedupe by
// event id.
#pragma once

#include "core/store/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lagentry::store {

// What happened to a connection. Never carries a token.
struct ConnectionEvent {
  std::string type;  // "connection.created", "connection.reauthorized", ...
  std::string tenant_id;
  std::string user_email;
  std::string provider;
  std::string connection_id;
};

struct PendingDelivery {
  std::int64_t id = 0;
  std::string webhook_id;
  std::string url;
  std::string event_id;
  std::string event_type;
  std::string payload;  // the JSON body, as signed and sent
  std::int64_t created_at_ms = 0;
  int attempts = 0;
  std::int64_t lease_until_ms = 0;  // identifies this claim
};

class WebhookOutbox {
 public:
  explicit WebhookOutbox(Database& db) : db_(db) {}

  // Queues `event` for every webhook of its tenant; answers the event id
  // ("" when the tenant has no webhooks and nothing was written).
  std::string enqueue(const ConnectionEvent& event);
  // Claims up to `limit` due rows for `lease_ms`.
  std::vector<PendingDelivery> claim(int limit, std::int64_t lease_ms);
  // Ends a claim: delivered, retried at `next_attempt_ms`, or given up.
  void delivered(const PendingDelivery& delivery);
  void retry_later(const PendingDelivery& delivery, std::int64_t next_attempt_ms, const std::string& error);
  void abandon(const PendingDelivery& delivery, const std::string& error);

  // Counts for tests and the operator: rows still to deliver, delivered, given up.
  struct Counts {
    int pending = 0, delivered = 0, abandoned = 0;
  };
  Counts counts();

  // The JSON body of an event: {"id","type","created_at","tenant","data":{...}}.
  static std::string payload(const std::string& event_id, const ConnectionEvent& event, std::int64_t at_ms);

 private:
  void close(const PendingDelivery& delivery, const char* column, const std::string& error);
  Database& db_;
};

}  // namespace lagentry::store
