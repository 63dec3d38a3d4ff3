// The connection deadline (core/net/socket_deadline.hpp) on a real loopback
// socket pair: it closes a socket whose operation outlives it, moves later
// without losing its wake-up, and does nothing once stopped or gone.
#include "core/net/socket_deadline.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using lagentry::net::SocketDeadline;
using namespace std::chrono_literals;

namespace {

struct SocketPair {
  asio::io_context io;
  tcp::socket ours{io};
  tcp::socket theirs{io};
  SocketPair() {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    ours.connect(acceptor.local_endpoint());
    acceptor.accept(theirs);
  }
};

// Starts a read on `ours` that only the deadline can end (the peer says
// nothing); records how it ended.
struct PendingRead {
  char byte = 0;
  std::optional<boost::system::error_code> result;
  explicit PendingRead(tcp::socket& socket) {
    socket.async_read_some(asio::buffer(&byte, 1), [this](boost::system::error_code ec, std::size_t) { result = ec; });
  }
};

void run_for(asio::io_context& io, std::chrono::milliseconds d) {
  io.restart();
  io.run_for(d);
}

// The pending read ends within half a second, ended by the deadline.
void expect_expiry(SocketPair& pair, const SocketDeadline& deadline, const PendingRead& read) {
  run_for(pair.io, 500ms);
  BOOST_REQUIRE(read.result.has_value());
  BOOST_TEST(deadline.expired());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(socket_deadline)

BOOST_AUTO_TEST_CASE(a_passed_deadline_closes_the_socket_and_aborts_the_operation) {
  SocketPair pair;
  SocketDeadline deadline(pair.ours);
  PendingRead read(pair.ours);
  deadline.expires_after(50ms);
  run_for(pair.io, 20ms);
  BOOST_TEST(!read.result.has_value());
  BOOST_TEST(!deadline.expired());
  expect_expiry(pair, deadline, read);
  BOOST_TEST((*read.result == asio::error::operation_aborted));
  BOOST_TEST(!pair.ours.is_open());
}

BOOST_AUTO_TEST_CASE(a_deadline_moved_later_is_kept_and_one_moved_earlier_is_honoured) {
  SocketPair pair;
  SocketDeadline deadline(pair.ours);
  PendingRead read(pair.ours);
  deadline.expires_after(60ms);
  run_for(pair.io, 20ms);
  deadline.expires_after(300ms);  // later: the first wait ends at 60 ms and finds more time
  run_for(pair.io, 150ms);
  BOOST_TEST(!read.result.has_value());
  BOOST_TEST(pair.ours.is_open());
  deadline.expires_after(10ms);  // earlier than the pending wait: the timer must move
  expect_expiry(pair, deadline, read);
}

BOOST_AUTO_TEST_CASE(no_deadline_leaves_the_socket_alone_until_a_new_one) {
  SocketPair pair;
  SocketDeadline deadline(pair.ours);
  PendingRead read(pair.ours);
  deadline.expires_after(30ms);
  deadline.expires_never();
  run_for(pair.io, 120ms);
  BOOST_TEST(!read.result.has_value());
  BOOST_TEST(pair.ours.is_open());
  deadline.expires_after(20ms);  // after the old wait ran out: armed anew
  expect_expiry(pair, deadline, read);
}

// An idle pooled connection must let run() return (the stdio bridge runs its
// loop until each call is done; a pending 5-minute wait hung it).
BOOST_AUTO_TEST_CASE(a_stopped_deadline_leaves_no_work_for_the_loop) {
  SocketPair pair;
  SocketDeadline deadline(pair.ours);
  deadline.expires_after(std::chrono::minutes(5));
  deadline.stop();
  const auto started = std::chrono::steady_clock::now();
  pair.io.restart();
  pair.io.run();  // returns at once: nothing is pending
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(60)));
  BOOST_TEST(pair.ours.is_open());
  BOOST_TEST(!deadline.expired());
  PendingRead read(pair.ours);
  deadline.expires_after(20ms);  // and it can be armed again
  expect_expiry(pair, deadline, read);
}

BOOST_AUTO_TEST_CASE(a_deadline_destroyed_first_never_touches_the_socket) {
  SocketPair pair;
  PendingRead read(pair.ours);
  {
    SocketDeadline deadline(pair.ours);
    deadline.expires_after(20ms);
    run_for(pair.io, 5ms);
  }  // its timer's cancelled handler still runs below, and must not close anything
  run_for(pair.io, 100ms);
  BOOST_TEST(!read.result.has_value());
  BOOST_TEST(pair.ours.is_open());
}

BOOST_AUTO_TEST_SUITE_END()
