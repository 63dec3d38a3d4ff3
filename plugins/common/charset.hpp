// Text from upstream in whatever character set it declares, as the valid
// UTF-8 every JSON document must be (e-mail parts are often ISO-8859-1 or
// Windows-1252). Conversion is glibc's iconv; bytes that are not valid in the
// declared set become U+FFFD, so the answer is always valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace lagentry::plugin_common {

// The charset parameter of a Content-Type value ("text/plain; charset=\"ISO-8859-1\""
// -> "ISO-8859-1"), or empty when there is none.
std::string charset_of(std::string_view content_type);

// `bytes` in `charset` (empty: UTF-8, the default JSON upstreams use) as UTF-8.
// An unknown charset is read as UTF-8 with invalid bytes replaced.
std::string to_utf8(std::string_view bytes, std::string_view charset);

// `text` with every byte sequence that is not UTF-8 replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

// Whether `text` is valid UTF-8 as a whole (what a JSON string must hold).
bool is_utf8(std::string_view text);

}  // namespace lagentry::plugin_common
