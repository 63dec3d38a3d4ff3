// The previous fetch's upstream responses as a plugin reads them: from the
// list an ABI 1.2 host hands a plugin defined with .response_list = true
// (Call::response_list), or from the JSON document a 1.1 host sends
// (Call::responses). Either way a body is valid UTF-8: a 1.1 host repairs
// bodies before escaping them into the document, and the list's bytes are
// repaired the same way here (U+FFFD for each byte that starts no sequence).
#pragma once

#include <lagentry/plugin.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace lagentry::plugin_common {

struct Response {
  int status = 0;     // 0: transport failure
  std::string body;
  std::string error;  // the transport failure, when status is 0
  bool ok() const { return status >= 200 && status < 300; }
  boost::json::value json() const;  // the body parsed; null when empty or not JSON
};

// One per request of the previous fetch, in order; empty on the first step.
// A malformed document (a host bug, not bad input) throws.
std::vector<Response> responses_of(const lagentry::Call& call);

}  // namespace lagentry::plugin_common
