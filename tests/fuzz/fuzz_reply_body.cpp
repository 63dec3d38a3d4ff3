// The one-pass check of a plugin's reply body (core/runtime/reply_body_check.cpp)
// against the DOM path it stands in for: it must accept exactly what
// json::parse accepts with no non-finite number anywhere, count the same
// "items", and the SDK's envelope around any text must give that text back.
#include "core/runtime/reply_body_check.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {
namespace json = boost::json;

bool has_non_finite(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_: return !std::isfinite(v.get_double());
    case json::kind::array:
      return std::any_of(v.get_array().begin(), v.get_array().end(), has_non_finite);
    case json::kind::object:
      return std::any_of(v.get_object().begin(), v.get_object().end(),
                         [](const json::key_value_pair& m) { return has_non_finite(m.value()); });
    default: return false;
  }
}

int item_count(const json::value& body) {
  const auto* items = body.is_object() ? body.get_object().if_contains("items") : nullptr;
  return items && items->is_array() ? static_cast<int>(items->get_array().size()) : -1;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  json::error_code ec;
  const json::value dom = json::parse(text, ec);
  const bool accepted = !ec && !has_non_finite(dom);
  const auto facts = lagentry::runtime::check_reply_body(text);
  if (facts.has_value() != accepted) std::abort();
  if (facts && facts->item_count != item_count(dom)) std::abort();
  const std::string reply = "{\"status\":200,\"body\":" + std::string(text) + "}";
  const auto shape = lagentry::runtime::plain_reply_shape(reply);
  if (!shape || shape->status != 200 || shape->body != text) std::abort();
  return 0;
}
