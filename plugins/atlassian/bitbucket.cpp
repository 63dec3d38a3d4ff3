#include "bitbucket.hpp"

#include "links.hpp"

#include <boost/json.hpp>

namespace atlassian {

std::string bitbucket_cursor_url(std::string_view cursor) {
  // The host sends the connection's token with this URL: it must be the API's
  // own origin and path, parsed, not a string prefix ("https://api.bitbucket.org/2.0/../../x").
  auto url = api_link(cursor, "api.bitbucket.org", "/2.0/");
  if (!url) throw lagentry::BadInput("the parameter 'cursor' is not a cursor of this connector");
  return std::string(url->buffer());
}

namespace {
std::string api(std::string_view path) { return std::string(kBitbucketApi) + std::string(path); }

// Bitbucket links are {"html":{"href":..}}.
json::value href(const json::value& object, std::string_view rel) {
  return nullable_text(at(at(object, "links"), rel), "href");
}

json::object repository_item(const Context& c, const json::value& repo) {
  std::string id = text_at(repo, "full_name");  // "<workspace>/<slug>"; ids travel in paths, so ':' instead
  if (auto slash = id.find('/'); slash != std::string::npos) id[slash] = ':';
  json::object item = make_item(c.input,
                                {id, "repository", nullable_text(repo, "name"),
                                 nullable_text(repo, "description"), href(repo, "html"), utc_time(at(repo, "created_on")),
                                 utc_time(at(repo, "updated_on"))},
                                repo);
  item["full_name"] = nullable_text(repo, "full_name");
  item["slug"] = nullable_text(repo, "slug");
  item["is_private"] = at(repo, "is_private");
  item["language"] = nullable_text(repo, "language");
  return item;
}

json::object pull_request_item(const Context& c, const json::value& pr) {
  const auto& number = at(pr, "id");
  const std::string id = number.is_number() ? std::to_string(number.to_number<long long>()) : text_at(pr, "id");
  json::value url = href(pr, "html");
  if (url.is_null())
    url = "https://bitbucket.org/" + c.input.param("workspace") + "/" + c.input.param("repo") + "/pull-requests/" + id;
  json::object item = make_item(c.input,
                                {id, "pullrequest", nullable_text(pr, "title"), snippet_of(text_at(pr, "description")),
                                 std::move(url), utc_time(at(pr, "created_on")), utc_time(at(pr, "updated_on"))},
                                pr);
  item["state"] = nullable_text(pr, "state");
  item["author"] = nullable_text(at(pr, "author"), "display_name");
  item["source_branch"] = nullable_text(at(at(pr, "source"), "branch"), "name");
  item["destination_branch"] = nullable_text(at(at(pr, "destination"), "branch"), "name");
  return item;
}

// First page from `path` (pagelen = limit), or the page the cursor names.
Next page_request(const Context& c, std::string path) {
  const std::string cursor = c.input.param("cursor");
  if (!cursor.empty()) return Next::get({"GET", bitbucket_cursor_url(cursor)});
  return Next::get({"GET", api(path) + (path.find('?') == std::string::npos ? "?" : "&") +
                               "pagelen=" + std::to_string(c.input.limit(20, 100))});
}

template <json::object (*Make)(const Context&, const json::value&)>
Next page_of(const Context& c, const Answer& a) {
  json::array items;
  if (const auto& values = at(a.body, "values"); values.is_array())
    for (const auto& v : values.get_array()) items.push_back(Make(c, v));
  return Next::answer(page_reply(std::move(items), text_at(a.body, "next")));
}

Next list_repositories(const Context& c, const Answer&) {
  return page_request(c, "repositories/" + c.input.segment("workspace"));
}

Next get_repository(const Context& c, const Answer&) {
  const std::string id = c.input.required_param("id");  // "<workspace>:<slug>" (or "<workspace>/<slug>")
  const auto slash = id.find_first_of(":/");
  if (slash == std::string::npos || slash == 0 || slash + 1 == id.size())
    throw lagentry::BadInput("a repository id is '<workspace>:<slug>'");
  return Next::get({"GET", api("repositories/" + path_segment("id", id.substr(0, slash)) + "/" +
                               path_segment("id", id.substr(slash + 1)))});
}
Next repository_reply(const Context& c, const Answer& a) { return Next::answer(reply_json(repository_item(c, a.body))); }

Next list_pull_requests(const Context& c, const Answer&) {
  const std::string workspace = c.input.segment("workspace");  // checked in order: errors name the first
  const std::string repo = c.input.segment("repo");
  std::string path = "repositories/" + workspace + "/" + repo + "/pullrequests";
  if (auto state = c.input.param("state"); !state.empty()) path += "?state=" + percent_encode(state);
  return page_request(c, path);
}

Next user(const Context&, const Answer&) { return Next::get({"GET", api("user")}); }
Next account(const Context&, const Answer& a) {
  std::string who = text_at(a.body, "display_name");
  if (who.empty()) who = text_at(a.body, "nickname");
  return Next::answer(reply_json(json::object{{"ok", true}, {"account", who}}));
}
}  // namespace

const Operation kRepositoriesList{{list_repositories, page_of<repository_item>}, false};
const Operation kRepositoriesGet{{get_repository, repository_reply}, false};
const Operation kPullRequestsList{{list_pull_requests, page_of<pull_request_item>}, false};
const Operation kBitbucketTest{{user, account}, false};

}  // namespace atlassian
