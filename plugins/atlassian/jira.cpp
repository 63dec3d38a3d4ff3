#include "jira.hpp"

#include "adf.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace atlassian {

std::string jql_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string search_jql(std::string_view q) {
  for (std::string_view marker : {"=", "~", "<", ">", "order by", "ORDER BY"})
    if (q.find(marker) != std::string_view::npos) return std::string(q);
  return "text ~ " + jql_string(q);
}

std::size_t offset_cursor(std::string_view cursor) {
  std::size_t offset = 0;
  auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), offset);
  if (cursor.empty() || ec != std::errc() || end != cursor.data() + cursor.size())
    throw lagentry::BadInput("not a cursor of this connector: '" + std::string(cursor) + "'");
  return offset;
}

namespace {
const json::array kIssueFields{"summary", "status",   "issuetype", "priority", "assignee",
                               "project", "created",  "updated",   "description"};

std::string browse_url(const Context& c, std::string_view key) {
  std::string base = c.site.url;
  while (base.ends_with('/')) base.pop_back();
  return base.empty() ? std::string() : base + "/browse/" + std::string(key);
}

json::object issue_item(const Context& c, const json::value& issue) {
  const auto& fields = at(issue, "fields");
  const std::string key = text_at(issue, "key");
  const std::string url = browse_url(c, key);
  json::object item = make_item(c.input,
                                {text_at(issue, "id"), "issue", nullable_text(fields, "summary"),
                                 snippet_of(adf_to_text(at(fields, "description"))),
                                 url.empty() ? json::value(nullptr) : json::value(url), utc_time(at(fields, "created")),
                                 utc_time(at(fields, "updated"))},
                                issue);
  item["key"] = key;
  item["status"] = nullable_text(at(fields, "status"), "name");
  item["issue_type"] = nullable_text(at(fields, "issuetype"), "name");
  item["priority"] = nullable_text(at(fields, "priority"), "name");
  item["assignee"] = nullable_text(at(fields, "assignee"), "displayName");
  item["project"] = nullable_text(at(fields, "project"), "key");
  return item;
}

json::object project_item(const Context& c, const json::value& project) {
  const std::string key = text_at(project, "key");
  const std::string url = browse_url(c, key);
  json::object item = make_item(c.input,
                                {text_at(project, "id"), "project", nullable_text(project, "name"), nullptr,
                                 url.empty() ? json::value(nullptr) : json::value(url), nullptr, nullptr},
                                project);
  item["key"] = key;
  item["project_type"] = nullable_text(project, "projectTypeKey");
  return item;
}

// ---- issue search: one request, then a page ----
Next search(const Context& c, std::string jql) {
  json::object body{{"jql", std::move(jql)}, {"maxResults", c.input.limit(20, 100)}, {"fields", kIssueFields}};
  if (auto cursor = c.input.param("cursor"); !cursor.empty()) body["nextPageToken"] = cursor;
  return Next::get({"POST", c.jira("search/jql"), std::move(body)});
}

Next issue_page(const Context& c, const Answer& a) {
  json::array items;
  if (const auto& issues = at(a.body, "issues"); issues.is_array())
    for (const auto& issue : issues.get_array()) items.push_back(issue_item(c, issue));
  const bool last = at(a.body, "isLast").is_bool() ? at(a.body, "isLast").get_bool() : true;
  return Next::answer(page_reply(std::move(items), last ? "" : text_at(a.body, "nextPageToken")));
}

Next list_issues(const Context& c, const Answer&) {
  std::string jql = c.input.param("jql");
  if (jql.empty() && !c.input.param("project").empty()) jql = "project = " + jql_string(c.input.param("project"));
  return search(c, jql + (jql.find("ORDER BY") == std::string::npos && jql.find("order by") == std::string::npos
                              ? " ORDER BY created DESC"
                              : ""));
}

Next search_issues(const Context& c, const Answer&) { return search(c, search_jql(c.input.required_param("q"))); }

Next project_issues(const Context& c, const Answer&) {
  return search(c, "project = " + jql_string(c.input.required_param("id")) + " ORDER BY created DESC");
}

Next my_issues(const Context& c, const Answer&) {
  return search(c, "assignee = currentUser() AND resolution = Unresolved ORDER BY updated DESC");
}

// ---- one issue ----
std::string issue_path(const Context& c, std::string_view id) {
  return c.jira("issue/" + path_segment("id", id));
}

Next fetch_issue(const Context& c, std::string_view id) {
  std::string fields;
  for (const auto& f : kIssueFields) fields += (fields.empty() ? "" : ",") + std::string(f.get_string());
  return Next::get({"GET", issue_path(c, id) + "?fields=" + fields});
}

Next get_issue(const Context& c, const Answer&) { return fetch_issue(c, c.input.required_param("id")); }
Next issue_reply(const Context& c, const Answer& a) { return Next::answer(reply_json(issue_item(c, a.body))); }
Next created_reply(const Context& c, const Answer& a) { return Next::answer(reply_json(issue_item(c, a.body), 201)); }

// Body → Jira "fields": summary, description (plain text → ADF), issue_type,
// project, plus any raw Jira fields under "fields".
json::object issue_fields(const Input& input, bool creating) {
  json::object fields;
  if (const auto& raw = at(input.body(), "fields"); raw.is_object()) fields = raw.get_object();
  if (auto summary = input.body_text("summary"); !summary.empty()) fields["summary"] = summary;
  if (const auto& d = at(input.body(), "description"); d.is_string()) fields["description"] = adf_from_text(d.get_string());
  else if (d.is_object()) fields["description"] = d;  // already ADF
  std::string type = input.body_text("issue_type");
  if (!type.empty() || (creating && !fields.contains("issuetype")))
    fields["issuetype"] = {{"name", type.empty() ? "Task" : type}};
  if (creating && !fields.contains("project")) {
    std::string project = input.body_text("project");
    if (project.empty()) project = input.param("project");
    if (project.empty()) throw lagentry::BadInput("a new issue needs a 'project' (key)");
    fields["project"] = {{"key", project}};
  }
  if (creating && !fields.contains("summary")) throw lagentry::BadInput("a new issue needs a 'summary'");
  if (fields.empty()) throw lagentry::BadInput("nothing to change: give summary, description, issue_type or fields");
  return fields;
}

Next create_issue(const Context& c, const Answer&) {
  return Next::get({"POST", c.jira("issue"), json::object{{"fields", issue_fields(c.input, true)}}});
}
Next after_create(const Context& c, const Answer& a) { return fetch_issue(c, text_at(a.body, "id")); }

Next update_issue(const Context& c, const Answer&) {
  return Next::get({"PUT", issue_path(c, c.input.required_param("id")), json::object{{"fields", issue_fields(c.input, false)}}});
}
Next after_update(const Context& c, const Answer&) { return fetch_issue(c, c.input.param("id")); }

Next delete_issue(const Context& c, const Answer&) {
  return Next::get({"DELETE", issue_path(c, c.input.required_param("id"))});
}
Next deleted(const Context& c, const Answer&) {
  return Next::answer(reply_json(json::object{{"id", c.input.param("id")}, {"deleted", true}}));
}

// ---- projects ----
Next list_projects(const Context& c, const Answer&) {
  const std::string cursor = c.input.param("cursor");
  std::string url = c.jira("project/search?startAt=" + std::to_string(cursor.empty() ? 0 : offset_cursor(cursor)) +
                           "&maxResults=" + std::to_string(c.input.limit(20, 50)));
  if (auto q = c.input.param("q"); !q.empty()) url += "&query=" + percent_encode(q);
  return Next::get({"GET", url});
}

Next project_page(const Context& c, const Answer& a) {
  json::array items;
  if (const auto& values = at(a.body, "values"); values.is_array())
    for (const auto& p : values.get_array()) items.push_back(project_item(c, p));
  const bool last = !at(a.body, "isLast").is_bool() || at(a.body, "isLast").get_bool() || items.empty();
  const auto& start = at(a.body, "startAt");
  const std::size_t next = (start.is_number() ? start.to_number<std::size_t>() : 0) + items.size();
  return Next::answer(page_reply(std::move(items), last ? "" : std::to_string(next)));
}

Next get_project(const Context& c, const Answer&) {
  return Next::get({"GET", c.jira("project/" + c.input.segment("id"))});
}
Next project_reply(const Context& c, const Answer& a) { return Next::answer(reply_json(project_item(c, a.body))); }

Next myself(const Context& c, const Answer&) { return Next::get({"GET", c.jira("myself")}); }
Next account(const Context& c, const Answer& a) {
  std::string who = text_at(a.body, "emailAddress");
  if (who.empty()) who = text_at(a.body, "displayName");
  return Next::answer(reply_json(json::object{{"ok", true}, {"account", who}, {"site", c.site.name}}));
}
}  // namespace

const Operation kIssuesList{{list_issues, issue_page}};
const Operation kIssuesSearch{{search_issues, issue_page}};
const Operation kProjectIssues{{project_issues, issue_page}};
const Operation kMyIssues{{my_issues, issue_page}};
const Operation kIssuesGet{{get_issue, issue_reply}};
const Operation kIssuesCreate{{create_issue, after_create, created_reply}};
const Operation kIssuesUpdate{{update_issue, after_update, issue_reply}};
const Operation kIssuesDelete{{delete_issue, deleted}};
const Operation kProjectsList{{list_projects, project_page}};
const Operation kProjectsGet{{get_project, project_reply}};
const Operation kJiraTest{{myself, account}};

}  // namespace atlassian
