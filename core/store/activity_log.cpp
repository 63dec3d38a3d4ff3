#include "core/store/activity_log.hpp"

#include "core/log/logger.hpp"
#include "core/store/write_transaction.hpp"

#include <soci/soci.h>

namespace lagentry::store {

ActivityLog::ActivityLog(Database& db, Options options) : db_(db), options_(options) {
  writer_ = std::thread([this] { run(); });
}

ActivityLog::~ActivityLog() { stop(); }

void ActivityLog::record(ActivityRecord record) {
  if (record.occurred_at_ms == 0)
    record.occurred_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= options_.max_queued) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(record));
    ++enqueued_;
    if (queue_.size() < options_.batch_size) return;
  }
  wake_.notify_one();
}

void ActivityLog::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = enqueued_;
  wake_.notify_one();
  drained_.wait(lock, [&] { return written_ >= target || !writer_running_; });
}

void ActivityLog::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

std::uint64_t ActivityLog::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

std::size_t ActivityLog::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::uint64_t ActivityLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void ActivityLog::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, options_.flush_interval, [&] { return stopping_ || queue_.size() >= options_.batch_size; });
    while (!queue_.empty()) {
      std::deque<ActivityRecord> batch;
      while (!queue_.empty() && batch.size() < options_.batch_size) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      const std::size_t count = batch.size();
      lock.unlock();
      write_batch(batch);
      lock.lock();
      written_ += count;  // counted even when the write failed, so flush() never hangs
    }
    if (stopping_) writer_running_ = false;
    drained_.notify_all();
    if (!writer_running_) return;
  }
}

void ActivityLog::write_batch(std::deque<ActivityRecord>& batch) {
  try {
    soci::session sql(db_.pool());
    WriteTransaction tx(db_, sql);
    for (const ActivityRecord& r : batch) {
      soci::indicator item_ind = r.item_count < 0 ? soci::i_null : soci::i_ok;
      soci::indicator user_ind = r.user_email.empty() ? soci::i_null : soci::i_ok;
      soci::indicator request_ind = r.request_id.empty() ? soci::i_null : soci::i_ok;
      sql << "INSERT INTO activity_log (occurred_at, tenant_id, provider, connector, action, status,"
             " http_status, latency_ms, item_count, detail, user_email, request_id)"
             " VALUES (:t, :tenant, :provider, :connector, :action, :status, :http, :latency, :items, :detail, :user, :request)",
          soci::use(r.occurred_at_ms), soci::use(r.tenant_id), soci::use(r.provider), soci::use(r.connector),
          soci::use(r.action), soci::use(r.status), soci::use(r.http_status), soci::use(r.latency_ms),
          soci::use(r.item_count, item_ind), soci::use(r.detail), soci::use(r.user_email, user_ind),
          soci::use(r.request_id, request_ind);
    }
    tx.commit();
  } catch (const std::exception& e) {
    log::error("activity", "could not write " + std::to_string(batch.size()) + " activity records: " + e.what());
  }
}

}  // namespace lagentry::store
