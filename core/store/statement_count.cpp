#include "core/store/statement_count.hpp"

#include <array>
#include <atomic>

namespace lagentry::store {

namespace {
thread_local StatementSource current_source = StatementSource::background;
std::array<std::atomic<std::uint64_t>, kStatementSources> counts{};
}  // namespace

const char* source_name(StatementSource source) {
  switch (source) {
    case StatementSource::io_thread:
      return "io";
    case StatementSource::database_work:
      return "database_work";
    case StatementSource::background:
      break;
  }
  return "background";
}

StatementSourceScope::StatementSourceScope(StatementSource source) : previous_(current_source) {
  current_source = source;
}

StatementSourceScope::~StatementSourceScope() { current_source = previous_; }

void count_statement() {
  counts[static_cast<std::size_t>(current_source)].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t statements_sent(StatementSource source) {
  return counts[static_cast<std::size_t>(source)].load(std::memory_order_relaxed);
}

}  // namespace lagentry::store
