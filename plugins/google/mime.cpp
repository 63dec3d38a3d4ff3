#include "mime.hpp"

#include <lagentry/plugin.hpp>

#include <algorithm>

namespace google {

namespace {
constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlSafe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += alphabet[(buffer << (6 - bits)) & 63];
  while (pad && out.size() % 4 != 0) out += '=';
  return out;
}

// Header values end at CRLF: one inside a value would start a new header
// (Bcc:, a second body...). Refuse rather than strip, so the caller learns.
void require_single_line(std::string_view field, std::string_view value) {
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    throw lagentry::BadInput(std::string(field) + " must not contain line breaks");
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// RFC 2047 encoded words for a non-ASCII subject, at most 75 characters each:
// 45 bytes of UTF-8 make 60 base64 characters. Words break between UTF-8
// characters, never inside one.
std::string encode_header_words(std::string_view text) {
  if (is_ascii(text)) return std::string(text);
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.size(), start + 45);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // continuation byte
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(start, end - start), kStandard, true) + "?=";
    start = end;
  }
  return out;
}

std::string address_list(std::string_view field, const std::vector<std::string>& addresses) {
  std::string out;
  for (const auto& a : addresses) {
    require_single_line(field, a);
    if (a.empty()) continue;
    if (!out.empty()) out += ", ";
    out += a;
  }
  return out;
}

// Base64 body in 76-character lines (RFC 2045), so any UTF-8 text and line
// length survive every mail hop.
std::string wrapped_base64(std::string_view bytes) {
  const std::string encoded = base64(bytes, kStandard, true);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}
}  // namespace

std::string base64url_encode(std::string_view bytes) { return base64(bytes, kUrlSafe, false); }

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=' || c == '\r' || c == '\n') continue;
    else return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::string build_rfc2822(const OutgoingEmail& email) {
  const std::string to = address_list("to", email.to);
  const std::string cc = address_list("cc", email.cc);
  if (to.empty() && cc.empty()) throw lagentry::BadInput("to: at least one recipient is required");
  require_single_line("subject", email.subject);
  require_single_line("in_reply_to", email.in_reply_to);

  std::string out;
  if (!to.empty()) out += "To: " + to + "\r\n";
  if (!cc.empty()) out += "Cc: " + cc + "\r\n";
  out += "Subject: " + encode_header_words(email.subject) + "\r\n";
  if (!email.in_reply_to.empty()) {
    out += "In-Reply-To: " + email.in_reply_to + "\r\n";
    out += "References: " + email.in_reply_to + "\r\n";  // threads in every client, not only Gmail
  }
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=\"UTF-8\"\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "\r\n";
  out += wrapped_base64(email.body);
  return out;
}

}  // namespace google
