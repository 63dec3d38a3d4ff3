// Responses that stay open: Server-Sent Events (text/event-stream).
//
// A handler answers the head as usual (status and headers, empty body) and
// sets RequestContext::stream. The server then writes the head without a
// length (the connection closes when the stream ends), and runs the stream,
// which sends events through the sink until it returns, the client goes
// away (send answers false) or the server drains (stopping() turns true).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace lagentry::host {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Writes bytes as they are (whole "data: ...\n\n" events); false when the client is gone.
  virtual boost::asio::awaitable<bool> send(std::string_view bytes) = 0;
  // The server is shutting down: end the stream soon.
  virtual bool stopping() const = 0;
};

using EventStream = std::function<boost::asio::awaitable<void>(EventSink&)>;

// One SSE event carrying `data` (a single line of JSON) as a "message".
std::string sse_event(std::string_view data);

}  // namespace lagentry::host
