#include "core/store/write_transaction.hpp"

#include <soci/soci.h>

namespace lagentry::store {

WriteTransaction::WriteTransaction(Database& db, soci::session& sql) : sql_(sql) {
  if (db.backend() == Backend::sqlite)
    sql_ << "BEGIN IMMEDIATE";
  else
    sql_.begin();
}

WriteTransaction::~WriteTransaction() {
  if (!open_) return;
  try {
    sql_.rollback();
  } catch (...) {
    // The connection is gone; the database ends the transaction itself.
  }
}

void WriteTransaction::commit() {
  sql_.commit();
  open_ = false;
}

}  // namespace lagentry::store
