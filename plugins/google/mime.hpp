// Gmail speaks RFC 2822 messages in base64url: the builder for outgoing mail
// and the codec for `raw` and message part bodies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace google {

// base64url (RFC 4648 section 5) without padding, as Gmail's `raw` expects.
std::string base64url_encode(std::string_view bytes);
// Accepts base64url or standard base64, padded or not, ignoring line breaks
// (Gmail part bodies are base64url); nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text);

struct OutgoingEmail {
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::string subject;
  std::string body;          // plain text, UTF-8
  std::string in_reply_to;   // Message-ID of the message answered, e.g. <abc@mail>
};

// The RFC 2822 text (CRLF line ends). Throws lagentry::BadInput when a header
// value carries CR, LF or NUL (header injection) or there is no recipient.
// Gmail adds From, Date and Message-ID itself.
std::string build_rfc2822(const OutgoingEmail& email);

}  // namespace google
