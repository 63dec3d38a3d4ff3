// The activity log: one record per API action, written off the request path.
//
// record() only queues; a writer thread inserts queued records in batches,
// one transaction per batch: a full batch as soon as it is queued, a part
// batch when the flush interval passes. stop() (called on graceful shutdown) writes
// everything still queued before returning. Records never carry secrets.
#pragma once

#include "core/store/database.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace lagentry::store {

struct ActivityRecord {
  std::int64_t occurred_at_ms = 0;  // filled by record() when 0
  std::string tenant_id;
  std::string provider;
  std::string connector;
  std::string action;  // "auth.connect", "connector.list", ...
  std::string status;  // "ok" or an error code
  int http_status = 0;
  int latency_ms = 0;
  int item_count = -1;  // -1: not applicable
  std::string detail;   // short, human-readable, never a secret
  std::string user_email;  // the end user, when there is one
  std::string request_id;  // the API request that caused it (X-Request-Id)
};

class ActivityLog {
 public:
  struct Options {
    std::size_t batch_size = 256;
    std::chrono::milliseconds flush_interval{200};
    std::size_t max_queued = 100000;  // beyond this, new records are dropped and counted
  };

  ActivityLog(Database& db, Options options);
  explicit ActivityLog(Database& db) : ActivityLog(db, Options{}) {}
  ~ActivityLog();

  void record(ActivityRecord record);
  // Writes everything queued, then stops the writer. Idempotent.
  void stop();
  // Blocks until everything queued before the call is written (tests, admin).
  void flush();

  std::uint64_t written() const;
  std::uint64_t dropped() const;
  std::size_t queued() const;

 private:
  void run();
  void write_batch(std::deque<ActivityRecord>& batch);

  Database& db_;
  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<ActivityRecord> queue_;
  std::uint64_t enqueued_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t dropped_ = 0;
  bool stopping_ = false;
  bool flush_wanted_ = false;  // flush() asks for a part batch now
  bool writer_running_ = true;
  struct Writer;
  std::unique_ptr<Writer> writer_state_;  // touched only by the writer thread
  std::thread writer_;
};

}  // namespace lagentry::store
