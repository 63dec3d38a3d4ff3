#include "host/http/message_framing.hpp"

#include <boost/beast/core/string.hpp>

#include <string_view>

namespace lagentry::host {
namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

ApiError bad_framing(std::string message) {
  return ApiError(http::status::bad_request, "bad_request", std::move(message));
}
}  // namespace

std::optional<ApiError> framing_error(const http::request_header<>& header) {
  // Every Transfer-Encoding line, in order, as one list of codings.
  std::vector<std::string_view> codings;
  const auto [first, last] = header.equal_range(http::field::transfer_encoding);
  for (auto field = first; field != last; ++field) {
    std::string_view list = field->value();
    while (true) {
      const auto comma = list.find(',');
      if (auto coding = trim(list.substr(0, comma)); !coding.empty()) codings.push_back(coding);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  const bool has_length = header.count(http::field::content_length) > 0;
  if (codings.empty()) {
    if (header.count(http::field::transfer_encoding) > 0) return bad_framing("empty Transfer-Encoding");
    return std::nullopt;
  }
  if (header.version() < 11) return bad_framing("Transfer-Encoding is not allowed in an HTTP/1.0 request");
  if (has_length) return bad_framing("a request must not carry both Transfer-Encoding and Content-Length");
  if (!boost::beast::iequals(codings.back(), "chunked"))
    return bad_framing("the final transfer coding must be chunked");
  if (codings.size() > 1)
    return ApiError(http::status::not_implemented, "unsupported_transfer_coding",
                    "only the chunked transfer coding is supported");
  return std::nullopt;
}

}  // namespace lagentry::host
