// The host's egress rules for a plugin's upstream requests, checked before
// any credential is added (docs/plugin-abi.md, "What a plugin may reach").
//
// Plugins build URLs from user input (ids, cursors, sites), and third-party
// plugins are not trusted with tokens, so the rule lives here and not in
// each plugin: a credentialed request (auth other than "none") goes only
// over https to one of its provider's declared api_origins, after the URL
// is normalised; no request may carry a path a server or proxy could
// resolve elsewhere; credential and framing headers are the host's alone.
#pragma once

#include "core/net/upstream_url.hpp"
#include "core/runtime/upstream.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace lagentry::runtime {

// A request the host will not send; what() says why (never a token, no path or query).
struct EgressRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Normalises `request.url` in place and drops headers a plugin may not set;
// throws EgressRefused when the request breaks a rule. `api_origins` are the
// normalised origins the provider's tokens belong to. Returns the parsed,
// normalised URL, for HttpClient::send, so that an upstream call's URL is
// parsed once and not again by the client.
net::UpstreamUrl vet_request(UpstreamRequest& request, const std::vector<std::string>& api_origins);

}  // namespace lagentry::runtime
