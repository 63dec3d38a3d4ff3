#include "core/runtime/reply_body_check.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace lagentry::runtime {
namespace json = boost::json;

namespace {
// Boost.JSON's SAX interface: every callback accepts, except a non-finite
// double; depth is followed only as far as "items" needs.
class BodyChecker {
 public:
  static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();

  BodyFacts facts;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    enter();
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    leave();
    return true;
  }
  bool on_array_begin(json::error_code&) {
    // Keys are only read one level down, so this is the top-level object's "items".
    if (depth_ == 1) items_open_ = key_is_items_;
    enter();
    return true;
  }
  bool on_array_end(std::size_t n, json::error_code&) {
    leave();
    if (depth_ == 1 && items_open_) {
      facts.item_count = n > static_cast<std::size_t>(std::numeric_limits<int>::max()) ? -1 : static_cast<int>(n);
      items_open_ = false;
    }
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (depth_ == 1) key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    if (depth_ == 1) {
      key_.append(s.data(), s.size());
      key_is_items_ = key_ == "items";
      key_.clear();
    }
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double d, json::string_view, json::error_code& ec) {
    if (std::isfinite(d)) return true;
    ec = json::error::exponent_overflow;
    return false;
  }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  void enter() { ++depth_; }
  void leave() { --depth_; }

  std::size_t depth_ = 0;
  bool key_is_items_ = false;
  bool items_open_ = false;
  std::string key_;
};
}  // namespace

std::optional<BodyFacts> check_reply_body(std::string_view text) {
  // The DOM path's options (json::parse's defaults), so both accept the same.
  json::basic_parser<BodyChecker> parser{json::parse_options{}};
  json::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec || !parser.done() || used != text.size()) return std::nullopt;
  return parser.handler().facts;
}

std::optional<ReplyShape> plain_reply_shape(std::string_view reply) {
  constexpr std::string_view kStatus = "{\"status\":", kBody = ",\"body\":";
  if (!reply.starts_with(kStatus) || !reply.ends_with('}')) return std::nullopt;
  reply.remove_prefix(kStatus.size());
  reply.remove_suffix(1);
  // Three digits, 100 to 599.
  if (reply.size() < 3 + kBody.size()) return std::nullopt;
  int status = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (reply[i] < '0' || reply[i] > '9') return std::nullopt;
    status = status * 10 + (reply[i] - '0');
  }
  if (status < 100 || status > 599) return std::nullopt;
  reply.remove_prefix(3);
  if (!reply.starts_with(kBody)) return std::nullopt;
  reply.remove_prefix(kBody.size());
  return ReplyShape{status, reply};
}

}  // namespace lagentry::runtime
