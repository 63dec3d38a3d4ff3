// A small RFC 2822 / MIME reader for Gmail: headers (with folding), nested
// multipart bodies and base64 transfer encoding. Enough for the messages
// plugins send; not a general MIME library.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lagentry::sandbox {

struct MimePart {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string mime_type;  // lower case, no parameters; "text/plain" when absent
  std::string body;       // decoded (leaf parts only)
  std::vector<MimePart> parts;

  std::string header(std::string_view name) const;  // case-insensitive; "" when absent
  // The first text/plain leaf (or any text leaf), for snippets and searching.
  const MimePart* first_text() const;
};

MimePart parse_mime(std::string_view text);

}  // namespace lagentry::sandbox
