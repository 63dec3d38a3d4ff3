#include "confluence.hpp"

#include "charset.hpp"
#include "links.hpp"

#include <boost/json.hpp>

#include <cstring>
#include <stdexcept>

namespace atlassian {

std::string cursor_from_next_link(std::string_view link) {
  if (link.empty()) return {};
  // Only the cursor travels on, but a link that leaves the API (another
  // origin, another path) is not the next page of this list: refuse it loudly.
  auto ref = api_link(link, "", "/wiki/api/v2/");
  if (!ref) throw std::runtime_error("Confluence answered a next link outside its API");
  for (const auto& param : ref->params()) {
    if (param.key != "cursor") continue;
    // Decoded, it travels in the JSON reply: "%FF" would make that reply invalid.
    if (!lagentry::plugin_common::is_utf8(param.value))
      throw std::runtime_error("Confluence answered a next link whose cursor is not UTF-8 text");
    return param.value;
  }
  return {};
}

std::string storage_text(std::string_view storage) {
  std::string out;
  bool in_tag = false;
  for (std::size_t i = 0; i < storage.size(); ++i) {
    const char c = storage[i];
    if (c == '<') {
      in_tag = true;
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      out += c;
    }
  }
  for (auto [entity, text] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}})
    for (auto at = out.find(entity); at != std::string::npos; at = out.find(entity, at + 1)) out.replace(at, std::strlen(entity), text);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(0, 1);
  return out;
}

namespace {
std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

json::object page_item(const Context& c, const json::value& page, std::string base) {
  if (base.empty()) base = c.site.url.empty() ? std::string() : c.site.url + "/wiki";
  const std::string webui = text_at(at(page, "_links"), "webui");
  const auto& version = at(page, "version");
  json::object item = make_item(
      c.input,
      {text_at(page, "id"), "page", nullable_text(page, "title"),
       snippet_of(storage_text(text_at(at(at(page, "body"), "storage"), "value"))),
       base.empty() || webui.empty() ? json::value(nullptr) : json::value(base + webui), utc_time(at(page, "createdAt")),
       utc_time(at(version, "createdAt"))},
      page);
  item["space_id"] = nullable_text(page, "spaceId");
  item["status"] = nullable_text(page, "status");
  item["version"] = at(version, "number");
  return item;
}

Next list_pages(const Context& c, const Answer&) {
  std::string url = c.confluence("pages?limit=" + std::to_string(c.input.limit(20, 250)) + "&body-format=storage");
  if (auto space = c.input.param("space_id"); !space.empty()) url += "&space-id=" + percent_encode(space);
  if (auto title = c.input.param("title"); !title.empty()) url += "&title=" + percent_encode(title);
  if (auto cursor = c.input.param("cursor"); !cursor.empty()) url += "&cursor=" + percent_encode(cursor);
  return Next::get({"GET", url});
}

Next page_list_reply(const Context& c, const Answer& a) {
  const auto& links = at(a.body, "_links");
  json::array items;
  if (const auto& results = at(a.body, "results"); results.is_array())
    for (const auto& page : results.get_array()) items.push_back(page_item(c, page, text_at(links, "base")));
  return Next::answer(page_reply(std::move(items), cursor_from_next_link(text_at(links, "next"))));
}

Next get_page(const Context& c, const Answer&) {
  return Next::get({"GET", c.confluence("pages/" + c.input.segment("id") + "?body-format=storage")});
}
Next page_reply_one(const Context& c, const Answer& a) { return Next::answer(reply_json(page_item(c, a.body, {}))); }

// Body: space_id, title, and body (storage XHTML) or text (plain, escaped into paragraphs); parent_id optional.
Next create_page(const Context& c, const Answer&) {
  const Input& in = c.input;
  std::string space = in.body_text("space_id");
  if (space.empty()) space = in.body_text("spaceId");
  if (space.empty()) throw lagentry::BadInput("a new page needs a 'space_id'");
  const std::string title = in.body_text("title");
  if (title.empty()) throw lagentry::BadInput("a new page needs a 'title'");
  std::string storage = in.body_text("body");
  if (auto text = in.body_text("text"); storage.empty() && !text.empty()) storage = "<p>" + escape_html(text) + "</p>";
  json::object page{{"spaceId", space},
                    {"status", "current"},
                    {"title", title},
                    {"body", {{"representation", "storage"}, {"value", storage}}}};
  if (auto parent = in.body_text("parent_id"); !parent.empty()) page["parentId"] = parent;
  return Next::get({"POST", c.confluence("pages"), std::move(page)});
}
Next created_page(const Context& c, const Answer& a) { return Next::answer(reply_json(page_item(c, a.body, {}), 201)); }

Next probe(const Context& c, const Answer&) { return Next::get({"GET", c.confluence("pages?limit=1")}); }
Next probed(const Context& c, const Answer&) {
  return Next::answer(reply_json(json::object{{"ok", true}, {"account", c.site.name.empty() ? c.site.id : c.site.name}}));
}
}  // namespace

const Operation kPagesList{{list_pages, page_list_reply}};
const Operation kPagesGet{{get_page, page_reply_one}};
const Operation kPagesCreate{{create_page, created_page}};
const Operation kConfluenceTest{{probe, probed}};

}  // namespace atlassian
