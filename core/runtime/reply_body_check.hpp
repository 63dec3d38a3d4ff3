// One pass over a plugin's reply body, so the host can forward the bytes the
// plugin wrote instead of parsing them into a DOM and serialising it again.
//
// The body passes when Boost.JSON's parser accepts it as one value (valid
// JSON, UTF-8 included, nested at most as deep as the DOM path allows) and
// it holds no number a double cannot carry (1e99999 would reach the client
// as "Infinity", which is not JSON). The same pass measures what the
// activity record wants: the length of the top-level "items" array.
#pragma once

#include <optional>
#include <string_view>

namespace lagentry::runtime {

struct BodyFacts {
  int item_count = -1;  // -1: the body is not an object with an "items" array
};

std::optional<BodyFacts> check_reply_body(std::string_view json);

// The reply envelope exactly as the SDK's helpers write it,
// {"status":NNN,"body":<value>}: its status and the body's text, unchecked.
// Any other shape (members reordered, an error, spaces) gives nullopt and
// takes the DOM path.
struct ReplyShape {
  int status = 0;
  std::string_view body;
};
std::optional<ReplyShape> plain_reply_shape(std::string_view reply);

}  // namespace lagentry::runtime
