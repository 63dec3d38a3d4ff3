// Parsing what upstream APIs send. JSON allows numbers no double can hold
// (1e999); Boost.JSON reads them as infinity and would write them back as
// `Infinity`, which is not JSON. Such numbers become null here, so nothing a
// plugin builds from an upstream body can make its reply invalid.
#pragma once

#include <boost/json/value.hpp>

#include <string_view>

namespace lagentry::plugin_common {

// Parses `text`; sets `ec` on malformed JSON (including invalid UTF-8).
boost::json::value parse_upstream_json(std::string_view text, boost::json::error_code& ec);

// Replaces every non-finite number in `value` with null.
void null_non_finite(boost::json::value& value);

}  // namespace lagentry::plugin_common
