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
    // Prepared once per batch, not once per record: SQLite parsing the same
    // INSERT again was a visible share of the writer's time. The statement
    // reads `row` and the indicators when it executes, so each record is
    // moved into them first.
    ActivityRecord row;
    soci::indicator item_ind = soci::i_ok, user_ind = soci::i_ok, request_ind = soci::i_ok;
    soci::statement insert =
        (sql.prepare << "INSERT INTO activity_log (occurred_at, tenant_id, provider, connector, action, status,"
                        " http_status, latency_ms, item_count, detail, user_email, request_id)"
                        " VALUES (:t, :tenant, :provider, :connector, :action, :status, :http, :latency, :items, :detail,"
                        " :user, :request)",
         soci::use(row.occurred_at_ms), soci::use(row.tenant_id), soci::use(row.provider), soci::use(row.connector),
         soci::use(row.action), soci::use(row.status), soci::use(row.http_status), soci::use(row.latency_ms),
         soci::use(row.item_count, item_ind), soci::use(row.detail), soci::use(row.user_email, user_ind),
         soci::use(row.request_id, request_ind));
    for (ActivityRecord& r : batch) {
      row = std::move(r);
      item_ind = row.item_count < 0 ? soci::i_null : soci::i_ok;
      user_ind = row.user_email.empty() ? soci::i_null : soci::i_ok;
      request_ind = row.request_id.empty() ? soci::i_null : soci::i_ok;
      insert.execute(true);
    }
    tx.commit();
  } catch (const std::exception& e) {
    log::error("activity", "could not write " + std::to_string(batch.size()) + " activity records: " + e.what());
  }
}

}  // namespace lagentry::store
