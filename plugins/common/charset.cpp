#include "charset.hpp"

#include <boost/beast/core/string.hpp>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iconv.h>

namespace lagentry::plugin_common {
namespace {
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Length of the valid UTF-8 sequence at the start of `s` (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_sequence(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(0);
  if (c < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) length = 2;
  else if (c == 0xE0) length = 3, low = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC) length = 3;
  else if (c == 0xED) length = 3, high = 0x9F;
  else if (c >= 0xEE && c <= 0xEF) length = 3;
  else if (c == 0xF0) length = 4, low = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) length = 4;
  else if (c == 0xF4) length = 4, high = 0x8F;
  else return 0;
  if (s.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  return length;
}

// How many bytes at the start of `s` are ASCII. Most of any API body is:
// eight bytes are checked at once, a byte-by-byte decode cost 3 instructions
// a byte on every upstream body a plugin read.
std::size_t ascii_prefix(std::string_view s) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (std::uint64_t word = 0; i + sizeof word <= s.size(); i += sizeof word) {
    std::memcpy(&word, s.data() + i, sizeof word);
    if (word & kHighBits) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

bool is_utf8_name(std::string_view charset) {
  return charset.empty() || boost::beast::iequals(charset, "utf-8") || boost::beast::iequals(charset, "utf8") ||
         boost::beast::iequals(charset, "us-ascii") || boost::beast::iequals(charset, "ascii");
}

// Owns one iconv descriptor.
struct Converter {
  iconv_t cd;
  explicit Converter(const std::string& from) : cd(iconv_open("UTF-8", from.c_str())) {}
  ~Converter() {
    if (ok()) iconv_close(cd);
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;
  bool ok() const { return cd != reinterpret_cast<iconv_t>(-1); }
};
}  // namespace

std::string charset_of(std::string_view content_type) {
  std::size_t at = 0;
  while ((at = content_type.find(';', at)) != std::string_view::npos) {
    std::string_view parameter = trim(content_type.substr(at + 1, content_type.find(';', at + 1) - at - 1));
    ++at;
    const auto eq = parameter.find('=');
    if (eq == std::string_view::npos || !boost::beast::iequals(trim(parameter.substr(0, eq)), "charset")) continue;
    std::string_view value = trim(parameter.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return {};
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t n = utf8_sequence(text);
    if (n == 0) {
      out += kReplacement;
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, n));
      text.remove_prefix(n);
    }
  }
  return out;
}

bool is_utf8(std::string_view text) {
  while (!text.empty()) {
    text.remove_prefix(ascii_prefix(text));
    if (text.empty()) break;
    const std::size_t n = utf8_sequence(text);
    if (n == 0) return false;
    text.remove_prefix(n);
  }
  return true;
}

std::string to_utf8(std::string_view bytes, std::string_view charset) {
  if (is_utf8_name(charset)) return valid_utf8(bytes);
  Converter converter{std::string(charset)};
  if (!converter.ok()) return valid_utf8(bytes);  // unknown set: UTF-8 is the best guess

  std::string out;
  char buffer[4096];
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write the input
  std::size_t in_left = bytes.size();
  while (in_left > 0) {
    char* next = buffer;
    std::size_t out_left = sizeof buffer;
    const std::size_t r = iconv(converter.cd, &in, &in_left, &next, &out_left);
    out.append(buffer, static_cast<std::size_t>(next - buffer));
    if (r != static_cast<std::size_t>(-1) || errno == E2BIG) continue;
    // EILSEQ (a byte not valid in the set) or EINVAL (a sequence cut short
    // at the end): replace one byte and go on.
    out += kReplacement;
    ++in;
    --in_left;
  }
  char* next = buffer;  // the final shift sequence of stateful sets
  std::size_t out_left = sizeof buffer;
  iconv(converter.cd, nullptr, nullptr, &next, &out_left);
  out.append(buffer, static_cast<std::size_t>(next - buffer));
  // The converter's output is UTF-8 by construction; check anyway, so a
  // broken converter cannot put invalid text into a reply.
  return valid_utf8(out);
}

}  // namespace lagentry::plugin_common
