#include "site.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace atlassian {
namespace json = boost::json;

namespace {
std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// "https://Acme.atlassian.net/" -> "acme.atlassian.net"; names lower-cased.
std::string normal(std::string_view text) {
  for (std::string_view scheme : {"https://", "http://"})
    if (text.starts_with(scheme)) text.remove_prefix(scheme.size());
  while (text.ends_with('/')) text.remove_suffix(1);
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Cloud ids are UUIDs. The id becomes a path segment of every Jira and
// Confluence URL and comes from upstream (accessible-resources, kept by the
// post-connect hook): anything else ("..", '/', '?') would send the
// connection's token to another resource, so such a site is not used.
bool is_cloud_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-';
  });
}
}  // namespace

std::variant<Site, Failure> select_site(const json::value& connection, std::string_view wanted) {
  const json::value* sites = nullptr;
  if (connection.is_object())
    if (const auto* metadata = connection.get_object().if_contains("metadata"); metadata && metadata->is_object())
      sites = metadata->get_object().if_contains("sites");
  std::vector<Site> known;
  if (sites && sites->is_array())
    for (const auto& s : sites->get_array())
      if (s.is_object() && is_cloud_id(text_of(s.get_object(), "id")))
        known.push_back({text_of(s.get_object(), "id"), text_of(s.get_object(), "name"), text_of(s.get_object(), "url")});
  if (known.empty())
    return Failure{409, "no_site",
                   "the Atlassian connection lists no Jira or Confluence site; reconnect it with access to a site"};
  if (wanted.empty()) return known.front();
  const std::string key = normal(wanted);
  for (const auto& site : known)
    if (site.id == wanted || normal(site.name) == key || (!site.url.empty() && normal(site.url) == key)) return site;
  std::string names;
  for (const auto& site : known) names += (names.empty() ? "" : ", ") + (site.name.empty() ? site.id : site.name);
  return Failure{400, "invalid_request", "no Atlassian site '" + std::string(wanted) + "' on this connection (it has: " + names + ")"};
}

}  // namespace atlassian
