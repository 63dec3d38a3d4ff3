// The RFC 2822 builder and base64url: what Gmail's `raw` carries.
#include "mime.hpp"

#include <lagentry/plugin.hpp>

#include <boost/test/unit_test.hpp>

using namespace google;

namespace {
OutgoingEmail simple() {
  OutgoingEmail e;
  e.to = {"bob@example.com"};
  e.subject = "Hello";
  e.body = "Hi Bob";
  return e;
}

// The body of a built message, base64-decoded.
std::string decoded_body(const std::string& message) {
  return base64_decode(message.substr(message.find("\r\n\r\n") + 4)).value();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(mime)

BOOST_AUTO_TEST_CASE(base64url_round_trips_every_length_without_padding) {
  BOOST_TEST(base64url_encode("") == "");
  BOOST_TEST(base64url_encode("f") == "Zg");
  BOOST_TEST(base64url_encode("fo") == "Zm8");
  BOOST_TEST(base64url_encode("foo") == "Zm9v");
  BOOST_TEST(base64url_encode("\xfb\xff\xfe") == "-__-");  // the URL-safe alphabet
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 17) BOOST_TEST(base64_decode(base64url_encode(all.substr(0, n))).value() == all.substr(0, n));
}

BOOST_AUTO_TEST_CASE(decode_accepts_gmail_and_standard_forms) {
  BOOST_TEST(base64_decode("SGkgdGhlcmU").value() == "Hi there");     // Gmail part data, unpadded
  BOOST_TEST(base64_decode("SGkgdGhlcmU=").value() == "Hi there");
  BOOST_TEST(base64_decode("SGkg\r\ndGhlcmU=").value() == "Hi there");  // MIME line breaks
  BOOST_TEST(base64_decode("-__-").value() == "\xfb\xff\xfe");
  BOOST_TEST(base64_decode("+//+").value() == "\xfb\xff\xfe");
  BOOST_TEST(!base64_decode("not base64!").has_value());
}

BOOST_AUTO_TEST_CASE(builds_headers_and_a_base64_body) {
  OutgoingEmail e = simple();
  e.to.push_back("carol@example.org");
  e.cc = {"dave@example.com"};
  e.in_reply_to = "<abc@mail.example.com>";
  e.body = "Line one\nLine two, caf\xc3\xa9";
  const std::string m = build_rfc2822(e);
  BOOST_TEST(m.find("To: bob@example.com, carol@example.org\r\n") == 0u);
  BOOST_TEST(m.find("\r\nCc: dave@example.com\r\n") != std::string::npos);
  BOOST_TEST(m.find("\r\nSubject: Hello\r\n") != std::string::npos);
  BOOST_TEST(m.find("\r\nIn-Reply-To: <abc@mail.example.com>\r\nReferences: <abc@mail.example.com>\r\n") != std::string::npos);
  BOOST_TEST(m.find("\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n") != std::string::npos);
  BOOST_TEST(m.find("From:") == std::string::npos);  // Gmail sets the sender
  BOOST_TEST(decoded_body(m) == e.body);
}

BOOST_AUTO_TEST_CASE(body_lines_stay_short) {
  OutgoingEmail e = simple();
  e.body = std::string(1000, 'x');
  const std::string m = build_rfc2822(e);
  std::size_t start = m.find("\r\n\r\n") + 4;
  while (start < m.size()) {
    const std::size_t end = m.find("\r\n", start);
    BOOST_TEST(end - start <= 76u);
    start = end + 2;
  }
  BOOST_TEST(decoded_body(m) == e.body);
}

BOOST_AUTO_TEST_CASE(non_ascii_subjects_become_encoded_words) {
  OutgoingEmail e = simple();
  e.subject = "R\xc3\xa9sum\xc3\xa9";
  BOOST_TEST(build_rfc2822(e).find("Subject: =?UTF-8?B?UsOpc3Vtw6k=?=\r\n") != std::string::npos);
  // A long one folds into several words, each at most 75 characters, never
  // splitting a UTF-8 character.
  e.subject.clear();
  for (int i = 0; i < 40; ++i) e.subject += "\xc3\xa9";  // 80 bytes
  const std::string m = build_rfc2822(e);
  const std::string header = m.substr(m.find("Subject: ") + 9, m.find("\r\nMIME") - m.find("Subject: ") - 9);
  BOOST_TEST(header.find("?=\r\n =?UTF-8?B?") != std::string::npos);
  std::string joined;
  std::size_t at = 0;
  while ((at = header.find("=?UTF-8?B?", at)) != std::string::npos) {
    const std::size_t end = header.find("?=", at + 10);
    BOOST_TEST(end + 2 - at <= 75u);
    const std::string word = base64_decode(header.substr(at + 10, end - at - 10)).value();
    BOOST_TEST((static_cast<unsigned char>(word.front()) & 0xC0) != 0x80u);
    joined += word;
    at = end;
  }
  BOOST_TEST(joined == e.subject);
}

BOOST_AUTO_TEST_CASE(line_breaks_in_headers_are_refused) {
  // Each would smuggle a header (a hidden Bcc) or a body into the message.
  for (const char* evil : {"Hi\r\nBcc: eve@evil.example", "Hi\nBcc: eve@evil.example", "Hi\rX: y"}) {
    OutgoingEmail subject = simple();
    subject.subject = evil;
    BOOST_CHECK_THROW(build_rfc2822(subject), lagentry::BadInput);
    OutgoingEmail to = simple();
    to.to = {std::string("bob@example.com") + evil};
    BOOST_CHECK_THROW(build_rfc2822(to), lagentry::BadInput);
    OutgoingEmail cc = simple();
    cc.cc = {evil};
    BOOST_CHECK_THROW(build_rfc2822(cc), lagentry::BadInput);
    OutgoingEmail reply = simple();
    reply.in_reply_to = evil;
    BOOST_CHECK_THROW(build_rfc2822(reply), lagentry::BadInput);
  }
  OutgoingEmail nul = simple();
  nul.subject = std::string("a\0b", 3);
  BOOST_CHECK_THROW(build_rfc2822(nul), lagentry::BadInput);
  // Line breaks in the body are just text.
  OutgoingEmail body = simple();
  body.body = "one\r\nBcc: not-a-header@example.com";
  BOOST_TEST(build_rfc2822(body).find("Bcc:") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_recipient_is_required) {
  OutgoingEmail e = simple();
  e.to.clear();
  BOOST_CHECK_THROW(build_rfc2822(e), lagentry::BadInput);
  e.to = {""};
  BOOST_CHECK_THROW(build_rfc2822(e), lagentry::BadInput);
  e.cc = {"carol@example.org"};  // Cc alone is enough
  BOOST_TEST(build_rfc2822(e).find("Cc: carol@example.org") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
