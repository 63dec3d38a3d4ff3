#include "core/store/database.hpp"

#include "core/store/statement_count.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <boost/url/parse.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace lagentry::store {

namespace {
// The database holds e-mail addresses, metadata and key hashes: only its
// owner may read it. SQLite gives its -wal and -shm files the same mode.
void create_private_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + file.string());
  ::close(fd);
}

// Several connections switching a new file to WAL at once get SQLITE_BUSY
// straight away (SQLite skips the busy handler there to avoid a deadlock),
// so the switch is retried with back-off, for up to about ten seconds.
void switch_to_wal(soci::session& sql) {
  auto pause = std::chrono::milliseconds(5);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    try {
      sql << "PRAGMA journal_mode=WAL";
      return;
    } catch (const soci::sqlite3_soci_error& e) {
      const bool busy = e.result() == SQLITE_BUSY || e.result() == SQLITE_LOCKED;
      if (!busy || std::chrono::steady_clock::now() + pause > deadline) throw;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
  }
}
// Counts each statement (store/statement_count.hpp) instead of keeping a
// copy of its text as SOCI's default logger does.
class StatementCounter : public soci::logger_impl {
 public:
  void start_query(const std::string&) override { count_statement(); }

 private:
  soci::logger_impl* do_clone() const override { return new StatementCounter; }
};

void count_statements_of(soci::session& sql) { sql.set_logger(soci::logger(new StatementCounter)); }

// Opens a session the way every one of this database's sessions is opened.
void set_up(soci::session& sql, Backend backend, const std::string& connect) {
  if (backend == Backend::postgresql) {
    sql.open(soci::postgresql, connect);
    count_statements_of(sql);
    return;
  }
  sql.open(soci::sqlite3, connect);
  count_statements_of(sql);
  switch_to_wal(sql);
  sql << "PRAGMA synchronous=NORMAL";
  sql << "PRAGMA foreign_keys=ON";
  sql << "PRAGMA busy_timeout=10000";
}
}  // namespace

std::unique_ptr<soci::session> Database::open_session() const {
  auto sql = std::make_unique<soci::session>();
  set_up(*sql, backend_, connect_);
  return sql;
}

Database::Database(Backend backend, std::string description, std::size_t pool_size)
    : backend_(backend), description_(std::move(description)), pool_(std::make_unique<soci::connection_pool>(pool_size)) {}

std::unique_ptr<Database> Database::open_sqlite(const std::filesystem::path& file, std::size_t pool_size) {
  if (pool_size == 0) pool_size = 1;
  std::unique_ptr<Database> db(new Database(Backend::sqlite, "sqlite:" + file.string(), pool_size));
  // SOCI's sqlite3 connect string: quote the path so spaces survive.
  const std::string connect = "db=\"" + file.string() + "\" timeout=10";
  try {
    // A missing folder is a typo far more often than a wish: say so rather
    // than start on a new, empty database somewhere unexpected.
    if (file.has_parent_path() && !std::filesystem::is_directory(file.parent_path()))
      throw std::runtime_error("the folder " + file.parent_path().string() + " does not exist");
    create_private_file(file);
    db->connect_ = connect;
    for (std::size_t i = 0; i < pool_size; ++i) set_up(db->pool_->at(i), Backend::sqlite, connect);
    // SOCI's SQLite backend fills a static table of column types the first
    // time a statement describes its columns (a soci::row), unguarded: two
    // threads doing that first at once race (ThreadSanitizer saw the API key
    // lookup and the webhook outbox do it). Describe once here, before any
    // thread exists.
    soci::row warm_up;
    db->pool_->at(0) << "SELECT type, name, rootpage FROM sqlite_master LIMIT 1", soci::into(warm_up);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot open SQLite database " + file.string() + ": " + e.what());
  }
  return db;
}

namespace {
// SOCI hands its own connection-string syntax to libpq and mangles URLs, so
// postgresql://user:pass@host:port/db?sslmode=x becomes libpq's key=value form.
std::string libpq_parameters(const std::string& connection) {
  auto url = boost::urls::parse_uri(connection);
  if (!url || (url->scheme() != "postgresql" && url->scheme() != "postgres")) return connection;
  auto quote = [](std::string v) {
    std::string out = "'";
    for (char c : v) out += (c == '\\' || c == '\'') ? std::string("\\") + c : std::string(1, c);
    return out + "'";
  };
  std::string out;
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) out += std::string(out.empty() ? "" : " ") + key + "=" + quote(value);
  };
  add("host", std::string(url->host()));
  add("port", std::string(url->port()));
  add("user", std::string(url->user()));
  add("password", std::string(url->password()));
  std::string path = std::string(url->path());
  add("dbname", path.empty() ? std::string() : path.substr(1));
  for (auto param : url->params()) add(std::string(param.key).c_str(), std::string(param.value));
  return out;
}
}  // namespace

std::unique_ptr<Database> Database::open_postgresql(const std::string& connection, std::size_t pool_size) {
  if (pool_size == 0) pool_size = 1;
  std::unique_ptr<Database> db(new Database(Backend::postgresql, "postgresql", pool_size));
  const std::string parameters = libpq_parameters(connection);
  db->connect_ = parameters;
  try {
    for (std::size_t i = 0; i < pool_size; ++i) set_up(db->pool_->at(i), Backend::postgresql, parameters);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("cannot open PostgreSQL database: ") + e.what());
  }
  return db;
}

}  // namespace lagentry::store
