// How many statements this process sends its database, by the kind of
// thread that sent them.
//
// The hot path promises no SQL per request in steady state and none at all
// on an I/O thread (a slow database would stall every connection the thread
// serves). These counters make that promise visible: on /metrics as
// lagentry_database_statements_total{thread=...}, and to the tests that
// check it. Every pooled session counts through a SOCI logger.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lagentry::store {

enum class StatementSource : std::size_t {
  background,     // startup, the activity writer, purgers, webhooks, metrics
  io_thread,      // an HTTP I/O thread: should stay 0 while serving
  database_work,  // the pool requests hand their database work to
};
inline constexpr std::size_t kStatementSources = 3;

const char* source_name(StatementSource source);

// What this thread's statements count as until the scope ends.
class StatementSourceScope {
 public:
  explicit StatementSourceScope(StatementSource source);
  ~StatementSourceScope();
  StatementSourceScope(const StatementSourceScope&) = delete;
  StatementSourceScope& operator=(const StatementSourceScope&) = delete;

 private:
  StatementSource previous_;
};

// Called for every statement prepared on a pooled session.
void count_statement();
std::uint64_t statements_sent(StatementSource source);

}  // namespace lagentry::store
