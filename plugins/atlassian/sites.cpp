#include "sites.hpp"

#include "json_input.hpp"
#include "responses.hpp"
#include "unified.hpp"

#include <boost/json.hpp>

namespace atlassian {
namespace json = boost::json;

namespace {
constexpr const char* kResourcesUrl = "https://api.atlassian.com/oauth/token/accessible-resources";

std::string error_reply(int status, const char* code, const std::string& message) {
  return lagentry::plugin_common::error_json(status, code, message);
}
}  // namespace

lagentry::Step sites_step(const lagentry::Call& call) {
  if (call.first_step())
    return lagentry::Step::fetch(
        lagentry::plugin_common::fetch_document(json::array{json::object{{"method", "GET"}, {"url", kResourcesUrl}}}),
        "sites");
  const auto responses = lagentry::plugin_common::responses_of(call);
  const lagentry::plugin_common::Response& response = responses.at(0);
  const int status = response.status;
  if (status != 200)
    return lagentry::Step::reply(error_reply(502, "upstream_error",
                                             "accessible-resources answered " + std::to_string(status)));
  json::error_code ec;
  json::value resources = lagentry::plugin_common::parse_upstream_json(response.body, ec);
  if (ec || !resources.is_array())
    return lagentry::Step::reply(error_reply(502, "upstream_error", "accessible-resources did not answer a list"));
  json::array sites;
  for (const auto& r : resources.get_array()) {
    if (!r.is_object()) continue;
    const auto& o = r.get_object();
    json::object site;
    for (const char* key : {"id", "name", "url"})
      if (auto* v = o.if_contains(key); v && v->is_string()) site[key] = *v;
    if (site.contains("id")) sites.push_back(std::move(site));
  }
  if (sites.empty())
    return lagentry::Step::reply(error_reply(403, "no_accessible_sites", "the grant covers no Jira or Confluence site"));
  return lagentry::Step::reply(lagentry::plugin_common::reply_json(json::object{{"sites", std::move(sites)}}));
}

}  // namespace atlassian
