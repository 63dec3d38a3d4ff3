// Least privilege: which OAuth scopes to ask for, and whether a connection
// has what an operation needs. Operations declare the scopes they need in
// the manifest (any one of a list; the first is the least privilege), so a
// new connection asks only for what its connectors use, and an operation
// whose scope was not granted is refused before the provider is called.
#pragma once

#include "core/plugin/manifest.hpp"

#include <string>
#include <vector>

namespace lagentry::oauth {

struct ScopeRequest {
  std::vector<std::string> scopes;       // the provider's base scopes, then each operation's first choice
  std::vector<std::string> user_scopes;  // Slack-style user token scopes
};

// What to ask `provider` for so that `connectors` (names or aliases) can do
// everything they declare: the descriptor's own scopes plus each of their
// operations' first choice. Empty `connectors`: every connector of the
// provider, leaving out what only destructive operations need (asked for
// when first needed). Unknown connectors are ignored (the caller checks).
ScopeRequest scopes_for(const plugin::Manifest& manifest, const plugin::ProviderDescriptor& provider,
                        const std::vector<std::string>& connectors);

// Scopes a caller named (`?scopes=`, an insufficient_scope link) with the
// descriptor's own scopes first: what the provider needs for every grant
// (Atlassian's offline_access, without which no refresh token comes back).
std::vector<std::string> with_base_scopes(const plugin::ProviderDescriptor& provider,
                                          const std::vector<std::string>& named);

// The scopes an operation lacks: for each of its requirements none of which
// was granted, its first choice. Empty when satisfied, when it declares
// nothing, or when the grant is unknown (the provider did not say: then the
// provider decides). `granted` and `granted_user` are as stored (space or
// comma separated).
std::vector<std::string> missing_scopes(const plugin::OperationDescriptor& operation, const std::string& granted,
                                        const std::string& granted_user);

}  // namespace lagentry::oauth
