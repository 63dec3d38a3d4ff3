#include "core/store/activity_log.hpp"
#include "core/store/error_text.hpp"

#include "core/log/logger.hpp"
#include "core/store/write_transaction.hpp"

#include <soci/soci.h>

#include <bit>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lagentry::store {

namespace {
// One statement writes this many records: a database charges per statement
// far more than per row (PostgreSQL a round trip and an executor start each,
// SQLite a program run), and at full load a batch is 256 records.
constexpr std::size_t kRowsPerInsert = 64;

// A placeholder SOCI binds by position. SQLite gets a bare "?": for each
// named one (":v17") its parser searches the names seen so far, quadratic in
// the 768 placeholders of a 64-row insert, and preparing that statement took
// a tenth of the host's CPU under load. SOCI's PostgreSQL backend turns
// names into $n itself, and "?" means nothing to PostgreSQL.
std::string placeholder(Backend backend, int index) {
  return backend == Backend::sqlite ? std::string("?") : ":v" + std::to_string(index);
}

// A prepared INSERT of a fixed number of rows. It reads its row buffers when
// it executes, so records are moved into them first.
class MultiRowInsert {
 public:
  MultiRowInsert(soci::session& sql, Backend backend, std::size_t rows)
      : rows_(rows), item_(rows), user_(rows), request_(rows), insert_(sql) {
    std::string text =
        "INSERT INTO activity_log (occurred_at, tenant_id, provider, connector, action, status, http_status,"
        " latency_ms, item_count, detail, user_email, request_id) VALUES ";
    int index = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      text += i == 0 ? "(" : ", (";
      for (int column = 0; column < 12; ++column) text += (column == 0 ? "" : ", ") + placeholder(backend, index++);
      text += ")";
      ActivityRecord& r = rows_[i];
      insert_.exchange(soci::use(r.occurred_at_ms));
      insert_.exchange(soci::use(r.tenant_id));
      insert_.exchange(soci::use(r.provider));
      insert_.exchange(soci::use(r.connector));
      insert_.exchange(soci::use(r.action));
      insert_.exchange(soci::use(r.status));
      insert_.exchange(soci::use(r.http_status));
      insert_.exchange(soci::use(r.latency_ms));
      insert_.exchange(soci::use(r.item_count, item_[i]));
      insert_.exchange(soci::use(r.detail));
      insert_.exchange(soci::use(r.user_email, user_[i]));
      insert_.exchange(soci::use(r.request_id, request_[i]));
    }
    insert_.alloc();
    insert_.prepare(text);
    insert_.define_and_bind();
  }
  MultiRowInsert(const MultiRowInsert&) = delete;
  MultiRowInsert& operator=(const MultiRowInsert&) = delete;

  // Writes as many records as the statement has rows, starting at `from`.
  void write(std::deque<ActivityRecord>::iterator from) {
    for (std::size_t i = 0; i < rows_.size(); ++i, ++from) {
      rows_[i] = std::move(*from);
      item_[i] = rows_[i].item_count < 0 ? soci::i_null : soci::i_ok;
      user_[i] = rows_[i].user_email.empty() ? soci::i_null : soci::i_ok;
      request_[i] = rows_[i].request_id.empty() ? soci::i_null : soci::i_ok;
    }
    insert_.execute(true);
  }

 private:
  std::vector<ActivityRecord> rows_;
  std::vector<soci::indicator> item_, user_, request_;
  soci::statement insert_;
};
}  // namespace

// The writer's own session and its inserts, each prepared once: preparing
// a 64-row insert per batch cost the host CPU (SQLite) and PostgreSQL a
// parse and plan of 768 placeholders every time. A batch that fails drops
// them all; the next one opens a fresh session.
struct ActivityLog::Writer {
  std::unique_ptr<soci::session> sql;  // declared first: the statements go before it
  std::map<std::size_t, std::unique_ptr<MultiRowInsert>> inserts;  // by rows

  MultiRowInsert& insert(Backend backend, std::size_t rows) {
    auto& slot = inserts[rows];
    if (!slot) slot = std::make_unique<MultiRowInsert>(*sql, backend, rows);
    return *slot;
  }
};

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
  flush_wanted_ = true;
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

// A part batch is written only when the interval passes, on flush() or on
// stop(). Draining the queue after every batch wrote whatever had arrived
// during the last commit: at 17,000 records a second that was 30 rows a
// transaction, and PostgreSQL spent 30 us of CPU per request committing them.
void ActivityLog::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    const bool woken = wake_.wait_for(lock, options_.flush_interval, [&] {
      return stopping_ || flush_wanted_ || queue_.size() >= options_.batch_size;
    });
    const bool drain = !woken || stopping_ || flush_wanted_;
    while (queue_.size() >= options_.batch_size || (drain && !queue_.empty())) {
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
    // A flush() or stop() that came while full batches were written waits for
    // the next turn, which drains: stopping here would lose the part batch.
    if (drain) flush_wanted_ = false;
    if (drain && stopping_) writer_running_ = false;
    drained_.notify_all();
    if (!writer_running_) return;
  }
}

void ActivityLog::write_batch(std::deque<ActivityRecord>& batch) {
  try {
    if (!writer_state_) writer_state_.reset(new Writer{db_.open_session(), {}});
    Writer& writer = *writer_state_;
    WriteTransaction tx(db_, *writer.sql);
    auto next = batch.begin();
    // 64 rows a statement, then the rest in powers of two: at most seven
    // statements are ever prepared.
    for (std::size_t left = batch.size(); left > 0;) {
      const std::size_t rows = left >= kRowsPerInsert ? kRowsPerInsert : std::bit_floor(left);
      writer.insert(db_.backend(), rows).write(next);
      next += static_cast<std::ptrdiff_t>(rows);
      left -= rows;
    }
    tx.commit();
  } catch (const std::exception& e) {
    writer_state_.reset();
    log::error("activity", "could not write " + std::to_string(batch.size()) + " activity records: " + error_text(e));
  }
}

}  // namespace lagentry::store
