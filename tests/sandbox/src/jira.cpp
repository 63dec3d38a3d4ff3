// Jira Cloud REST v3 behind the Atlassian gateway:
// api.atlassian.com/ex/jira/{cloudid}/rest/api/3/... Projects page with
// startAt/maxResults; search/jql pages with nextPageToken/isLast and returns
// only ids unless fields are asked for.
#include "atlassian.hpp"
#include "providers.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

namespace lagentry::sandbox {
namespace json = boost::json;

namespace {
const std::string kBase = "/ex/jira/{cloudid}/rest/api/3";

Response jira_error(int status, const std::string& message, json::object field_errors = {}) {
  json::array messages;
  if (!message.empty()) messages.emplace_back(message);
  return json_response(status, json::object{{"errorMessages", messages}, {"errors", field_errors}});
}

std::string api_url(const AtlassianSite& site, const std::string& rest) {
  return std::string(kAtlassianApi) + "/ex/jira/" + site.cloud_id + "/rest/api/3/" + rest;
}

json::object project_json(const AtlassianSite& site, const JiraProject& p) {
  return {{"self", api_url(site, "project/" + p.id)}, {"id", p.id},      {"key", p.key},
          {"name", p.name},                          {"projectTypeKey", "software"},
          {"simplified", false},                     {"style", "classic"}, {"isPrivate", false}};
}

const JiraProject* find_project(const AtlassianSite& site, const std::string& id_or_key) {
  for (const auto& p : site.projects)
    if (p.id == id_or_key || iequals(p.key, id_or_key)) return &p;
  return nullptr;
}

JiraIssue* find_issue(AtlassianSite& site, const std::string& id_or_key) {
  for (auto& i : site.issues)
    if (i.id == id_or_key || iequals(i.key, id_or_key)) return &i;
  return nullptr;
}

// Text as Jira keeps it: a paragraph per blank-line-separated block, a
// hardBreak per single newline.
json::object adf(const std::string& text) {
  json::array paragraphs;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t gap = std::min(text.find("\n\n", start), text.size());
    json::array content;
    for (std::size_t at = start; at < gap;) {
      const std::size_t line_end = std::min(text.find('\n', at), gap);
      if (line_end > at) content.push_back(json::object{{"type", "text"}, {"text", text.substr(at, line_end - at)}});
      if (line_end < gap) content.push_back(json::object{{"type", "hardBreak"}});
      at = line_end + 1;
    }
    if (!content.empty()) paragraphs.push_back(json::object{{"type", "paragraph"}, {"content", std::move(content)}});
    start = gap + 2;
  }
  return {{"type", "doc"}, {"version", 1}, {"content", std::move(paragraphs)}};
}

// The text of an Atlassian Document Format tree (or a plain string): the
// document's blocks joined by a blank line, nested blocks and hardBreaks by
// a newline.
std::string adf_text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (!v.is_object()) return {};
  const auto& node = v.as_object();
  const auto* type = node.if_contains("type");
  if (type && *type == "hardBreak") return "\n";
  std::string out;
  if (const auto* t = node.if_contains("text"); t && t->is_string()) out += t->as_string();
  if (const auto* c = node.if_contains("content"); c && c->is_array())
    for (const auto& child : c->as_array()) {
      const auto* child_type = child.is_object() ? child.as_object().if_contains("type") : nullptr;
      const bool block = child_type && *child_type != "text" && *child_type != "hardBreak" && child.as_object().contains("content");
      std::string text = adf_text(child);
      if (block && !out.empty() && !text.empty()) out += type && *type == "doc" ? "\n\n" : "\n";
      out += text;
    }
  return out;
}

json::value field_value(const AtlassianSite& site, const JiraIssue& i, const std::string& field) {
  if (field == "summary") return json::value(i.summary);
  if (field == "status") return json::object{{"name", i.status}};
  if (field == "issuetype") return json::object{{"name", i.issue_type}};
  if (field == "priority") return json::object{{"name", i.priority}};
  if (field == "created") return json::value(jira_time(i.created));
  if (field == "updated") return json::value(jira_time(i.updated));
  if (field == "description") return adf(i.description);
  if (field == "resolution") return i.resolution.empty() ? json::value(nullptr) : json::value(json::object{{"name", i.resolution}});
  if (field == "assignee")
    return i.assignee.empty() ? json::value(nullptr)
                              : json::value(json::object{{"accountId", i.assignee}, {"displayName", kUserName},
                                                         {"emailAddress", kUserEmail}});
  if (field == "project")
    if (const auto* p = find_project(site, i.project_key)) return project_json(site, *p);
  return nullptr;
}

const std::vector<std::string> kAllFields{"summary", "status",     "issuetype", "priority", "created",
                                          "updated", "description", "resolution", "assignee", "project"};

json::object issue_json(const AtlassianSite& site, const JiraIssue& i, const std::vector<std::string>& fields) {
  json::object out{{"id", i.id}, {"key", i.key}, {"self", api_url(site, "issue/" + i.id)}};
  json::object values;
  for (const auto& f : fields) {
    if (f == "*all" || f == "*navigable") {
      for (const auto& name : kAllFields) values[name] = field_value(site, i, name);
    } else if (std::find(kAllFields.begin(), kAllFields.end(), f) != kAllFields.end()) {
      values[f] = field_value(site, i, f);
    }
  }
  out["fields"] = values;
  return out;
}

// ---- JQL subset ----
struct Query {
  std::vector<std::function<bool(const JiraIssue&)>> clauses;
  std::string order_field = "created";
  bool descending = false;
};

std::string unquote(std::string s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) return s.substr(1, s.size() - 2);
  return s;
}

// Splits on a keyword (" AND ", " ORDER BY ") case-insensitively.
std::vector<std::string> split_keyword(const std::string& text, const std::string& keyword) {
  std::vector<std::string> out;
  auto lowered = lower(text);
  std::size_t start = 0, at;
  while ((at = lowered.find(keyword, start)) != std::string::npos) {
    out.push_back(text.substr(start, at - start));
    start = at + keyword.size();
  }
  out.push_back(text.substr(start));
  return out;
}

std::optional<Query> parse_jql(const std::string& jql, std::string& error) {
  Query q;
  auto parts = split_keyword(" " + jql, " order by ");
  if (parts.size() > 1) {
    auto order = split(trim(parts[1]), ' ');
    q.order_field = order.empty() ? "created" : lower(order[0]);
    q.descending = order.size() > 1 && iequals(order[1], "desc");
  }
  if (trim(parts[0]).empty()) return q;
  for (const auto& raw : split_keyword(parts[0], " and ")) {
    const std::string clause = trim(raw);
    const bool negated = clause.find("!=") != std::string::npos;
    auto op = clause.find(negated ? "!=" : "=");
    auto tilde = clause.find('~');
    if (op == std::string::npos && tilde == std::string::npos) {
      error = "Error in the JQL Query: expecting an operator in '" + clause + "'.";
      return std::nullopt;
    }
    const bool contains = op == std::string::npos;
    const std::string field = lower(trim(clause.substr(0, contains ? tilde : op)));
    const std::string value = unquote(clause.substr((contains ? tilde : op) + (negated ? 2 : 1)));
    std::function<bool(const JiraIssue&)> test;
    if (field == "project") test = [value](const JiraIssue& i) { return iequals(i.project_key, value); };
    else if (field == "assignee" && iequals(value, "currentUser()"))
      test = [](const JiraIssue& i) { return i.assignee == kAtlassianAccountId; };
    else if (field == "resolution" && iequals(value, "Unresolved"))
      test = [](const JiraIssue& i) { return i.resolution.empty(); };
    else if (field == "resolution") test = [value](const JiraIssue& i) { return iequals(i.resolution, value); };
    else if (field == "status") test = [value](const JiraIssue& i) { return iequals(i.status, value); };
    else if (field == "issuetype") test = [value](const JiraIssue& i) { return iequals(i.issue_type, value); };
    else if (field == "key" || field == "issuekey") test = [value](const JiraIssue& i) { return iequals(i.key, value); };
    else if (contains && (field == "summary" || field == "text"))
      test = [value](const JiraIssue& i) { return icontains(i.summary, value) || icontains(i.description, value); };
    else {
      error = "Field '" + field + "' does not exist or you do not have permission to view it.";
      return std::nullopt;
    }
    q.clauses.push_back(negated ? [test](const JiraIssue& i) { return !test(i); } : test);
  }
  return q;
}

std::vector<std::string> requested_fields(const json::value* v) {
  std::vector<std::string> out;
  if (!v) return out;
  if (v->is_string()) return split(v->as_string(), ',');
  if (v->is_array())
    for (const auto& f : v->as_array())
      if (f.is_string()) out.emplace_back(f.as_string());
  return out;
}

Response search_jql(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"read:jira-work"});
  if (!auth.token) return auth.error;
  // POST takes a JSON body; GET the same names as query parameters.
  json::object body;
  if (request.method == "POST") {
    auto parsed = request.json();
    if (!parsed.is_object()) return jira_error(400, "Invalid request payload. Refer to the REST API documentation and try again.");
    body = parsed.as_object();
  } else {
    for (const auto& [key, value] : request.query) body[key] = value;
  }
  auto text = [&](std::string_view key) {
    const auto* v = body.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  std::string error;
  auto query = parse_jql(text("jql"), error);
  if (!query) return jira_error(400, error);
  std::size_t max_results = 50;
  if (const auto* m = body.if_contains("maxResults"); m && m->is_int64()) max_results = static_cast<std::size_t>(m->as_int64());
  else if (m && m->is_string()) max_results = to_size(std::string(m->as_string()), 50);
  max_results = std::clamp<std::size_t>(max_results, 1, 5000);
  std::size_t offset = 0;
  if (auto token = text("nextPageToken"); !token.empty()) {
    auto decoded = decode_cursor(token);
    if (!decoded) return jira_error(400, "Invalid nextPageToken.");
    offset = *decoded;
  }

  std::vector<const JiraIssue*> hits;
  for (const auto& issue : auth.site->issues)
    if (std::all_of(query->clauses.begin(), query->clauses.end(), [&](const auto& c) { return c(issue); }))
      hits.push_back(&issue);
  std::stable_sort(hits.begin(), hits.end(), [&](const JiraIssue* a, const JiraIssue* b) {
    auto key = [&](const JiraIssue* i) { return query->order_field == "updated" ? i->updated : i->created; };
    return query->descending ? key(a) > key(b) : key(a) < key(b);
  });
  const auto fields = requested_fields(body.if_contains("fields"));
  json::array issues;
  const std::size_t end = std::min(hits.size(), offset + max_results);
  for (auto i = std::min(offset, end); i < end; ++i) {
    if (fields.empty()) issues.push_back(json::object{{"id", hits[i]->id}});
    else issues.push_back(issue_json(*auth.site, *hits[i], fields));
  }
  json::object out{{"issues", issues}, {"isLast", end >= hits.size()}};
  if (end < hits.size()) out["nextPageToken"] = encode_cursor(end);
  return json_response(200, out);
}

Response project_search(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"read:jira-work"});
  if (!auth.token) return auth.error;
  const std::string text = request.query_param("query").value_or("");
  std::vector<const JiraProject*> matching;
  for (const auto& p : auth.site->projects)
    if (text.empty() || icontains(p.name, text) || icontains(p.key, text)) matching.push_back(&p);
  const std::size_t start = to_size(request.query_param("startAt"), 0);
  const std::size_t max = std::clamp<std::size_t>(to_size(request.query_param("maxResults"), 50), 1, 100);
  const std::size_t end = std::min(matching.size(), start + max);
  json::array values;
  for (auto i = std::min(start, end); i < end; ++i) values.push_back(project_json(*auth.site, *matching[i]));
  auto page_url = [&](std::size_t at) {
    return append_query(api_url(*auth.site, "project/search"),
                        {{"startAt", std::to_string(at)}, {"maxResults", std::to_string(max)}});
  };
  json::object out{{"self", page_url(start)}, {"maxResults", max},      {"startAt", start},
                   {"total", matching.size()}, {"isLast", end >= matching.size()}, {"values", values}};
  if (end < matching.size()) out["nextPage"] = page_url(end);
  return json_response(200, out);
}

Response get_project(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"read:jira-work"});
  if (!auth.token) return auth.error;
  const auto* p = find_project(*auth.site, request.capture("project"));
  if (!p) return jira_error(404, "No project could be found with key '" + request.capture("project") + "'.");
  return json_response(200, project_json(*auth.site, *p));
}

const char* kNoIssue = "Issue does not exist or you do not have permission to see it.";

Response get_issue(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"read:jira-work"});
  if (!auth.token) return auth.error;
  const auto* issue = find_issue(*auth.site, request.capture("issue"));
  if (!issue) return jira_error(404, kNoIssue);
  auto fields = split(request.query_param("fields").value_or("*all"), ',');
  return json_response(200, issue_json(*auth.site, *issue, fields));
}

// Applies "fields" of a create/edit body; returns field errors.
json::object apply_fields(const AtlassianSite& site, JiraIssue& issue, const json::object& fields, bool creating) {
  json::object errors;
  auto name_of = [](const json::value* v, std::string_view key) {
    const auto* inner = v && v->is_object() ? v->as_object().if_contains(key) : nullptr;
    return inner && inner->is_string() ? std::string(inner->as_string()) : std::string();
  };
  if (const auto* s = fields.if_contains("summary")) issue.summary = s->is_string() ? std::string(s->as_string()) : "";
  if (const auto* d = fields.if_contains("description")) issue.description = adf_text(*d);
  if (const auto* a = fields.if_contains("assignee")) issue.assignee = a->is_null() ? "" : name_of(a, "accountId");
  if (fields.contains("issuetype")) issue.issue_type = name_of(fields.if_contains("issuetype"), "name");
  if (creating) {
    const auto* project = fields.if_contains("project");
    std::string key = name_of(project, "key");
    if (key.empty()) key = name_of(project, "id");
    if (const auto* p = find_project(site, key)) issue.project_key = p->key;
    else errors["project"] = "valid project is required";
    if (issue.issue_type.empty()) errors["issuetype"] = "Specify an issue type";
  }
  if (trim(issue.summary).empty()) errors["summary"] = "You must specify a summary of the issue.";
  return errors;
}

json::object fields_of(const Request& request) {
  auto body = request.json();
  const auto* fields = body.is_object() ? body.as_object().if_contains("fields") : nullptr;
  return fields && fields->is_object() ? fields->as_object() : json::object{};
}

Response create_issue(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"write:jira-work"});
  if (!auth.token) return auth.error;
  auto& site = *auth.site;
  JiraIssue issue;
  issue.status = "To Do";
  issue.priority = "Medium";
  auto errors = apply_fields(site, issue, fields_of(request), true);
  if (!errors.empty()) return jira_error(400, "", errors);
  issue.id = std::to_string(site.next_issue_id++);
  issue.key = issue.project_key + "-" + std::to_string(++site.next_issue_number[issue.project_key]);
  issue.created = issue.updated = now_seconds();
  site.issues.push_back(issue);
  return json_response(201, json::object{{"id", issue.id}, {"key", issue.key}, {"self", api_url(site, "issue/" + issue.id)}});
}

Response update_issue(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"write:jira-work"});
  if (!auth.token) return auth.error;
  auto* issue = find_issue(*auth.site, request.capture("issue"));
  if (!issue) return jira_error(404, kNoIssue);
  JiraIssue edited = *issue;
  auto errors = apply_fields(*auth.site, edited, fields_of(request), false);
  if (!errors.empty()) return jira_error(400, "", errors);
  edited.updated = now_seconds();
  *issue = edited;
  return empty_response(204);
}

Response delete_issue(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"write:jira-work"});
  if (!auth.token) return auth.error;
  auto& issues = auth.site->issues;
  auto* issue = find_issue(*auth.site, request.capture("issue"));
  if (!issue) return jira_error(404, kNoIssue);
  issues.erase(issues.begin() + (issue - issues.data()));
  return empty_response(204);
}

Response myself(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"read:jira-user", "read:jira-work"});
  if (!auth.token) return auth.error;
  return json_response(200, json::object{{"self", api_url(*auth.site, "user?accountId=") + kAtlassianAccountId},
                                         {"accountId", kAtlassianAccountId},
                                         {"accountType", "atlassian"},
                                         {"emailAddress", kUserEmail},
                                         {"displayName", kUserName},
                                         {"active", true},
                                         {"timeZone", "Europe/London"},
                                         {"locale", "en_US"}});
}
}  // namespace

void add_jira_routes(Router& router) {
  const std::string o = "api.atlassian.com";
  router.add(o, "GET", kBase + "/project/search", project_search);
  router.add(o, "GET", kBase + "/project/{project}", get_project);
  router.add(o, "GET|POST", kBase + "/search/jql", search_jql);
  router.add(o, "POST", kBase + "/issue", create_issue);
  router.add(o, "GET", kBase + "/issue/{issue}", get_issue);
  router.add(o, "PUT", kBase + "/issue/{issue}", update_issue);
  router.add(o, "DELETE", kBase + "/issue/{issue}", delete_issue);
  router.add(o, "GET", kBase + "/myself", myself);
}

}  // namespace lagentry::sandbox
