// The token endpoint's answer (core/oauth/oauth_protocol.cpp,
// parse_token_response and tokens_from) and the stored form of what it
// yields (TokenSet::to_json / from_json).
//
// Input: a first line "STATUS [authed_user] [previous]", then the body.
// authed_user reads the tokens at that path (Slack user tokens), previous
// passes the tokens of an earlier grant as on a refresh.
#include "core/oauth/oauth_protocol.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {
namespace json = boost::json;
using lagentry::oauth::TokenSet;
using lagentry::oauth::Tokens;

constexpr std::int64_t kNowMs = 1'717'000'000'000;  // May 2024, as a refresh would date it

bool same(const Tokens& a, const Tokens& b) {
  return a.access_token == b.access_token && a.refresh_token == b.refresh_token && a.token_type == b.token_type &&
         a.scope == b.scope && a.expires_at_ms == b.expires_at_ms;
}

// What is stored must read back as it was: the store keeps only to_json().
void check_round_trip(const TokenSet& set) {
  const std::string stored = set.to_json();
  json::error_code ec;
  json::parse(stored, ec);
  if (ec) std::abort();
  const TokenSet back = TokenSet::from_json(stored);
  if (!same(back.primary, set.primary) || back.user.has_value() != set.user.has_value()) std::abort();
  if (set.user && !same(*back.user, *set.user)) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto newline = text.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view header = text.substr(0, newline);

  lagentry::plugin::OAuthDescriptor descriptor;
  if (header.find("authed_user") != std::string_view::npos) descriptor.token_response_path = "authed_user";
  TokenSet previous;
  previous.primary = {"old-access", "old-refresh", "Bearer", "old-scope", kNowMs - 1000};
  previous.user = Tokens{"old-user-access", "old-user-refresh", "user", "search:read", 0};

  lagentry::runtime::UpstreamResponse response;
  response.status = std::atoi(std::string(header).c_str());
  response.body = std::string(text.substr(newline + 1));
  if (response.status == 0) response.error = "connection reset";

  const bool refresh = header.find("previous") != std::string_view::npos;
  auto result = lagentry::oauth::parse_token_response(descriptor, response, kNowMs, refresh ? &previous : nullptr);
  if (auto* error = std::get_if<lagentry::oauth::TokenError>(&result)) {
    if (error->error.empty()) std::abort();  // every failure names itself
    return 0;
  }
  const TokenSet& set = std::get<TokenSet>(result);
  if (set.primary.access_token.empty() || response.status >= 400) std::abort();
  if (set.primary.expires_at_ms != 0 && set.primary.expires_at_ms <= kNowMs) std::abort();  // expiry lies ahead
  check_round_trip(set);
  return 0;
}
