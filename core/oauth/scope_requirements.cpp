#include "core/oauth/scope_requirements.hpp"

#include "core/oauth/oauth_protocol.hpp"

#include <algorithm>

namespace lagentry::oauth {

namespace {
void add(std::vector<std::string>& list, const std::string& scope) {
  if (std::find(list.begin(), list.end(), scope) == list.end()) list.push_back(scope);
}

// An operation belongs to the connector its name starts with ("gmail.list").
bool belongs_to(const plugin::OperationDescriptor& operation, const std::string& connector) {
  return operation.name.size() > connector.size() && operation.name.compare(0, connector.size(), connector) == 0 &&
         operation.name[connector.size()] == '.';
}
}  // namespace

ScopeRequest scopes_for(const plugin::Manifest& manifest, const plugin::ProviderDescriptor& provider,
                        const std::vector<std::string>& connectors) {
  ScopeRequest request;
  for (const auto& scope : provider.oauth.scopes) add(request.scopes, scope);
  for (const auto& scope : provider.oauth.user_scopes) add(request.user_scopes, scope);
  std::vector<std::string> names;
  for (const auto& connector : manifest.connectors) {
    if (connector.provider != provider.name) continue;
    const bool wanted = connectors.empty() || std::any_of(connectors.begin(), connectors.end(), [&](const std::string& n) {
      return manifest.find_connector(n) == &connector;
    });
    if (wanted) names.push_back(connector.name);
  }
  for (const auto& operation : manifest.operations) {
    if (!std::any_of(names.begin(), names.end(), [&](const std::string& n) { return belongs_to(operation, n); })) continue;
    // By default a destructive operation's scope (Gmail's permanent delete
    // needs full mail access) waits until it is needed: insufficient_scope
    // then says what to ask for.
    if (connectors.empty() && operation.annotations.destructive) continue;
    if (!operation.scopes.empty()) add(request.scopes, operation.scopes.front());
    if (!operation.user_scopes.empty()) add(request.user_scopes, operation.user_scopes.front());
  }
  return request;
}

std::vector<std::string> with_base_scopes(const plugin::ProviderDescriptor& provider,
                                          const std::vector<std::string>& named) {
  std::vector<std::string> scopes;
  for (const auto& scope : provider.oauth.scopes) add(scopes, scope);
  for (const auto& scope : named) add(scopes, scope);
  return scopes;
}

namespace {
// Whether a granted scope string ("a b", "a,b") holds one of `wanted`:
// checked on every call, so it walks the text instead of splitting it.
bool any_granted_in(const std::vector<std::string>& wanted, std::string_view granted) {
  constexpr std::string_view kSeparators = ", \t";
  for (std::size_t start = granted.find_first_not_of(kSeparators); start != std::string_view::npos;) {
    const std::size_t end = std::min(granted.find_first_of(kSeparators, start), granted.size());
    const std::string_view scope = granted.substr(start, end - start);
    if (std::find(wanted.begin(), wanted.end(), scope) != wanted.end()) return true;
    start = granted.find_first_not_of(kSeparators, end);
  }
  return false;
}

bool has_scopes(std::string_view granted) { return granted.find_first_not_of(", \t") != std::string_view::npos; }
}  // namespace

std::vector<std::string> missing_scopes(const plugin::OperationDescriptor& operation, const std::string& granted,
                                        const std::string& granted_user) {
  std::vector<std::string> missing;
  if (!operation.scopes.empty() && has_scopes(granted) && !any_granted_in(operation.scopes, granted))
    missing.push_back(operation.scopes.front());
  if (!operation.user_scopes.empty() && has_scopes(granted_user) && !any_granted_in(operation.user_scopes, granted_user))
    missing.push_back(operation.user_scopes.front());
  return missing;
}

}  // namespace lagentry::oauth
