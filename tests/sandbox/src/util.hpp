// Small helpers shared by every provider: encodings, random tokens, time.
// Kept free of Beast/Asio so provider files compile quickly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lagentry::sandbox {

// Query strings and form bodies, in order; keys may repeat (Gmail's metadataHeaders).
using Params = std::vector<std::pair<std::string, std::string>>;

Params parse_params(std::string_view encoded);  // "a=1&b=x+y" -> {{"a","1"},{"b","x y"}}
std::string encode_params(const Params& params);
std::optional<std::string> first(const Params& params, std::string_view key);
std::vector<std::string> all(const Params& params, std::string_view key);

std::string percent_decode(std::string_view s, bool plus_as_space);
std::string percent_encode(std::string_view s);
// Appends params to a URL that may already carry a query.
std::string append_query(std::string url, const Params& params);

std::string base64_encode(std::string_view data, bool url_safe);
// Accepts both alphabets, with or without padding; nullopt on garbage.
std::optional<std::string> base64_decode(std::string_view data);
std::string sha256_base64url(std::string_view data);  // PKCE S256

// prefix + 32 random bytes, base64url: 256 bits, recognisable by the prefix.
std::string random_token(std::string_view prefix);

// Opaque page tokens / cursors that carry an offset.
std::string encode_cursor(std::size_t offset);
std::optional<std::size_t> decode_cursor(std::string_view cursor);

std::int64_t now_seconds();
std::int64_t now_millis();
std::string rfc3339(std::int64_t epoch_seconds);               // "2024-05-02T09:00:00Z"
std::optional<std::int64_t> parse_rfc3339(std::string_view s);  // offsets and fractions allowed

std::string lower(std::string_view s);
bool icontains(std::string_view haystack, std::string_view needle);
bool iequals(std::string_view a, std::string_view b);
bool starts_with(std::string_view s, std::string_view prefix);
std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char separator);  // drops empty pieces
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// Parses a non-negative integer parameter; fallback when absent or malformed.
std::size_t to_size(const std::optional<std::string>& value, std::size_t fallback);

}  // namespace lagentry::sandbox
