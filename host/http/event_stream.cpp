#include "host/http/event_stream.hpp"

namespace lagentry::host {

std::string sse_event(std::string_view data) {
  // A line break inside data would end the field: callers pass serialized JSON, which has none.
  std::string event = "data: ";
  event += data;
  event += "\n\n";
  return event;
}

}  // namespace lagentry::host
