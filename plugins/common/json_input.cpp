#include "json_input.hpp"

#include <boost/json/parse.hpp>

#include <cmath>

namespace lagentry::plugin_common {
namespace json = boost::json;

void null_non_finite(json::value& value) {
  switch (value.kind()) {
    case json::kind::double_:
      if (!std::isfinite(value.get_double())) value = nullptr;
      break;
    case json::kind::array:
      for (auto& element : value.get_array()) null_non_finite(element);
      break;
    case json::kind::object:
      for (auto& member : value.get_object()) null_non_finite(member.value());
      break;
    default:
      break;
  }
}

json::value parse_upstream_json(std::string_view text, json::error_code& ec) {
  json::parse_options options;
  options.max_depth = 256;  // deep enough for any API document, bounded for the stack
  json::value value = json::parse(text, ec, {}, options);
  if (!ec) null_non_finite(value);
  return value;
}

}  // namespace lagentry::plugin_common
