#include "mime.hpp"

#include "util.hpp"

namespace lagentry::sandbox {

std::string MimePart::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return {};
}

const MimePart* MimePart::first_text() const {
  if (parts.empty()) return starts_with(mime_type, "text/") ? this : nullptr;
  for (const auto& p : parts)
    if (p.mime_type == "text/plain" && p.parts.empty()) return &p;
  for (const auto& p : parts)
    if (const auto* t = p.first_text()) return t;
  return nullptr;
}

namespace {
// Value of a header parameter: boundary="abc" -> abc.
std::string parameter(std::string_view header, std::string_view name) {
  auto lowered = lower(header);
  auto at = lowered.find(std::string(name) + "=");
  if (at == std::string::npos) return {};
  auto value = header.substr(at + name.size() + 1);
  if (!value.empty() && value.front() == '"') {
    auto end = value.find('"', 1);
    return std::string(value.substr(1, end == std::string::npos ? std::string::npos : end - 1));
  }
  return trim(value.substr(0, value.find(';')));
}

std::string strip_line_break(std::string_view s) {
  if (starts_with(s, "\r\n")) s.remove_prefix(2);
  else if (starts_with(s, "\n")) s.remove_prefix(1);
  if (s.ends_with("\r\n")) s.remove_suffix(2);
  else if (s.ends_with("\n")) s.remove_suffix(1);
  return std::string(s);
}
}  // namespace

MimePart parse_mime(std::string_view text) {
  MimePart part;
  std::size_t split_at = text.find("\r\n\r\n");
  std::size_t gap = 4;
  if (auto lf = text.find("\n\n"); lf != std::string::npos && (split_at == std::string::npos || lf < split_at)) {
    split_at = lf;
    gap = 2;
  }
  std::string_view head = split_at == std::string::npos ? text : text.substr(0, split_at);
  std::string_view body = split_at == std::string::npos ? std::string_view() : text.substr(split_at + gap);

  for (const auto& raw_line : split(head, '\n')) {
    std::string line = raw_line.ends_with('\r') ? raw_line.substr(0, raw_line.size() - 1) : raw_line;
    if ((line.starts_with(' ') || line.starts_with('\t')) && !part.headers.empty()) {
      part.headers.back().second += " " + trim(line);  // folded header
      continue;
    }
    auto colon = line.find(':');
    if (colon != std::string::npos) part.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }

  const std::string content_type = part.header("Content-Type");
  part.mime_type = content_type.empty() ? "text/plain" : lower(trim(content_type.substr(0, content_type.find(';'))));
  const std::string boundary = parameter(content_type, "boundary");
  if (starts_with(part.mime_type, "multipart/") && !boundary.empty()) {
    const std::string delimiter = "--" + boundary;
    std::size_t at = body.find(delimiter);
    while (at != std::string::npos) {
      std::size_t start = at + delimiter.size();
      if (body.substr(start, 2) == "--") break;  // closing delimiter
      std::size_t next = body.find(delimiter, start);
      if (next == std::string::npos) break;
      part.parts.push_back(parse_mime(strip_line_break(body.substr(start, next - start))));
      at = next;
    }
    return part;
  }
  if (iequals(part.header("Content-Transfer-Encoding"), "base64")) {
    if (auto decoded = base64_decode(body)) {
      part.body = *decoded;
      return part;
    }
  }
  part.body = std::string(body);
  return part;
}

}  // namespace lagentry::sandbox
