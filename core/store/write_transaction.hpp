// A transaction that writes.
//
// SQLite's plain BEGIN is deferred: a transaction that reads before it
// writes holds a read snapshot, and if another connection commits meanwhile
// SQLite refuses the upgrade to a write at once (SQLITE_BUSY, the busy
// timeout never applies). BEGIN IMMEDIATE takes the write lock first, waiting
// through the busy timeout like any other writer. PostgreSQL needs nothing
// special. Rolls back unless committed, like soci::transaction.
#pragma once

#include "core/store/database.hpp"

#include <soci/session.h>

namespace lagentry::store {

class WriteTransaction {
 public:
  WriteTransaction(Database& db, soci::session& sql);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void commit();

 private:
  soci::session& sql_;
  bool open_ = true;
};

}  // namespace lagentry::store
