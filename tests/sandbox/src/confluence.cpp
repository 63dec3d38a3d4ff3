// Confluence Cloud REST v2 pages behind the Atlassian gateway:
// api.atlassian.com/ex/confluence/{cloudid}/wiki/api/v2/pages. Cursor
// pagination with a relative _links.next and a Link header, as the real API.
#include "atlassian.hpp"
#include "providers.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

namespace lagentry::sandbox {
namespace json = boost::json;

namespace {
const std::string kBase = "/ex/confluence/{cloudid}/wiki/api/v2";

Response confluence_error(int status, const char* code, const char* title, const std::string& detail) {
  return json_response(status, json::object{{"errors", json::array{json::object{
                                                           {"status", status}, {"code", code}, {"title", title},
                                                           {"detail", detail.empty() ? json::value(nullptr) : json::value(detail)}}}}});
}

json::object page_json(const ConfluencePage& p, bool with_body) {
  json::object out{{"id", p.id},
                   {"status", p.status},
                   {"title", p.title},
                   {"spaceId", p.space_id},
                   {"parentId", p.parent_id.empty() ? json::value(nullptr) : json::value(p.parent_id)},
                   {"parentType", p.parent_id.empty() ? json::value(nullptr) : json::value("page")},
                   {"authorId", kAtlassianAccountId},
                   {"createdAt", rfc3339(p.created)},
                   {"version", json::object{{"number", p.version},
                                            {"message", ""},
                                            {"minorEdit", false},
                                            {"authorId", kAtlassianAccountId},
                                            {"createdAt", rfc3339(p.created)}}}};
  out["body"] = with_body ? json::object{{"storage", json::object{{"representation", "storage"}, {"value", p.body}}}}
                          : json::object{};
  std::string slug = p.title;
  std::replace(slug.begin(), slug.end(), ' ', '+');
  out["_links"] = json::object{{"webui", "/spaces/SPACE" + p.space_id + "/pages/" + p.id + "/" + slug},
                               {"editui", "/pages/resumedraft.action?draftId=" + p.id},
                               {"tinyui", "/x/" + p.id}};
  return out;
}

Response list_pages(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"read:page:confluence", "read:confluence-content.all"});
  if (!auth.token) return auth.error;
  const auto spaces = split(request.query_param("space-id").value_or(""), ',');
  const auto title = request.query_param("title");
  const auto status = request.query_param("status").value_or("current");
  const bool with_body = request.query_param("body-format").value_or("") == "storage";
  std::vector<const ConfluencePage*> matching;
  for (const auto& p : auth.site->pages) {
    if (!spaces.empty() && std::find(spaces.begin(), spaces.end(), p.space_id) == spaces.end()) continue;
    if (title && p.title != *title) continue;
    if (status.find(p.status) == std::string::npos) continue;
    matching.push_back(&p);
  }
  const std::size_t limit = std::clamp<std::size_t>(to_size(request.query_param("limit"), 25), 1, 250);
  std::size_t offset = 0;
  if (auto cursor = request.query_param("cursor")) {
    auto decoded = decode_cursor(*cursor);
    if (!decoded) return confluence_error(400, "INVALID_REQUEST_PARAMETER", "Bad Request", "Invalid cursor");
    offset = std::min(*decoded, matching.size());
  }
  const std::size_t end = std::min(matching.size(), offset + limit);
  json::array results;
  for (auto i = offset; i < end; ++i) results.push_back(page_json(*matching[i], with_body));
  json::object links{{"base", auth.site->url + "/wiki"}};
  Response response;
  if (end < matching.size()) {
    // Same query, next cursor; relative to the site like the real API.
    Params next;
    for (const auto& [k, v] : request.query)
      if (k != "cursor") next.emplace_back(k, v);
    next.emplace_back("cursor", encode_cursor(end));
    const std::string next_link = append_query("/wiki/api/v2/pages", next);
    links["next"] = next_link;
    response = json_response(200, json::object{{"results", results}, {"_links", links}});
    response.with_header("Link", "<" + next_link + ">; rel=\"next\", <" + auth.site->url + "/wiki>; rel=\"base\"");
    return response;
  }
  return json_response(200, json::object{{"results", results}, {"_links", links}});
}

Response get_page(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"read:page:confluence", "read:confluence-content.all"});
  if (!auth.token) return auth.error;
  for (const auto& p : auth.site->pages)
    if (p.id == request.capture("id"))
      return json_response(200, page_json(p, request.query_param("body-format").value_or("") == "storage"));
  return confluence_error(404, "NOT_FOUND", "Not Found", "");
}

Response create_page(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"write:page:confluence", "write:confluence-content"});
  if (!auth.token) return auth.error;
  auto body = request.json();
  if (!body.is_object()) return confluence_error(400, "INVALID_REQUEST_PARAMETER", "Bad Request", "Body must be JSON");
  const auto& o = body.as_object();
  auto text = [](const json::object& from, std::string_view key) {
    const auto* v = from.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  ConfluencePage page;
  page.space_id = text(o, "spaceId");
  page.title = text(o, "title");
  page.parent_id = text(o, "parentId");
  page.status = o.contains("status") ? text(o, "status") : "current";
  if (const auto* b = o.if_contains("body"); b && b->is_object()) page.body = text(b->as_object(), "value");
  if (page.space_id.empty()) return confluence_error(400, "INVALID_REQUEST_PARAMETER", "Bad Request", "spaceId is required");
  if (page.title.empty() && page.status == "current")
    return confluence_error(400, "INVALID_REQUEST_PARAMETER", "Bad Request", "Title is required for published pages");
  page.id = std::to_string(auth.site->next_page_id++);
  page.created = now_seconds();
  auth.site->pages.push_back(page);
  return json_response(200, page_json(page, true));
}
}  // namespace

void add_confluence_routes(Router& router) {
  const std::string o = "api.atlassian.com";
  router.add(o, "GET", kBase + "/pages", list_pages);
  router.add(o, "POST", kBase + "/pages", create_page);
  router.add(o, "GET", kBase + "/pages/{id}", get_page);
}

}  // namespace lagentry::sandbox
