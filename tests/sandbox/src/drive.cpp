// Drive v3 files (www.googleapis.com/drive/v3/files): list with a q subset,
// pageSize/pageToken and `fields` projection; get; create (metadata only).
#include "google.hpp"
#include "providers.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

namespace lagentry::sandbox {
namespace json = boost::json;

namespace {
constexpr const char* kFolder = "application/vnd.google-apps.folder";

// Where Drive's web UI opens a file: folders and Google-native documents
// have their own addresses, other files the /file/d/ viewer.
std::string web_view_link(const DriveFile& f) {
  if (f.mime_type == "application/vnd.google-apps.folder") return "https://drive.google.com/drive/folders/" + f.id;
  if (f.mime_type == "application/vnd.google-apps.document") return "https://docs.google.com/document/d/" + f.id + "/edit?usp=drivesdk";
  if (f.mime_type == "application/vnd.google-apps.spreadsheet")
    return "https://docs.google.com/spreadsheets/d/" + f.id + "/edit?usp=drivesdk";
  if (f.mime_type == "application/vnd.google-apps.presentation")
    return "https://docs.google.com/presentation/d/" + f.id + "/edit?usp=drivesdk";
  return "https://drive.google.com/file/d/" + f.id + "/view?usp=drivesdk";
}

json::object file_json(const DriveFile& f) {
  json::array parents;
  for (const auto& p : f.parents) parents.emplace_back(p);
  json::object out{{"kind", "drive#file"},
                   {"id", f.id},
                   {"name", f.name},
                   {"mimeType", f.mime_type},
                   {"description", f.description},
                   {"parents", parents},
                   {"createdTime", rfc3339(f.created)},
                   {"modifiedTime", rfc3339(f.modified)},
                   {"trashed", f.trashed},
                   {"starred", f.starred},
                   {"webViewLink", web_view_link(f)},
                   {"owners", json::array{json::object{{"kind", "drive#user"}, {"displayName", kUserName},
                                                       {"emailAddress", kUserEmail}, {"me", true}}}}};
  if (f.size >= 0) out["size"] = std::to_string(f.size);  // Drive sends int64 as a string
  return out;
}

// Keeps only the listed members ("id,name"); "*" keeps all.
json::object project(const json::object& full, const std::string& selection) {
  if (selection.empty() || selection == "*") return full;
  json::object out;
  for (const auto& name : split(selection, ','))
    if (const auto* v = full.if_contains(trim(name))) out[trim(name)] = *v;
  return out;
}

// fields=nextPageToken,files(id,name) -> {"nextPageToken":"", "files":"id,name"}; nullopt = defaults.
std::optional<std::map<std::string, std::string>> parse_fields(const std::optional<std::string>& fields) {
  if (!fields) return std::nullopt;
  std::map<std::string, std::string> out;
  std::string current;
  int depth = 0;
  auto flush = [&] {
    auto item = trim(current);
    current.clear();
    if (item.empty()) return;
    auto open = item.find('(');
    auto slash = item.find('/');
    if (open != std::string::npos) out[item.substr(0, open)] = item.substr(open + 1, item.size() - open - 2);
    else if (slash != std::string::npos) out[item.substr(0, slash)] += (out[item.substr(0, slash)].empty() ? "" : ",") + item.substr(slash + 1);
    else out[item] = "*";
  };
  for (char c : *fields) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) flush();
    else current += c;
  }
  flush();
  return out;
}

// One q clause: name contains 'x', name = 'x', mimeType (!)= 'x', 'id' in parents, trashed = b, starred = b, fullText contains 'x'.
std::optional<std::function<bool(const DriveFile&)>> parse_clause(const std::string& clause) {
  auto quoted = [](const std::string& s) -> std::string {
    auto a = s.find('\''), b = s.rfind('\'');
    return a == std::string::npos || b == a ? trim(s) : s.substr(a + 1, b - a - 1);
  };
  const std::string lowered = lower(clause);
  if (lowered.find(" in parents") != std::string::npos) {
    auto id = quoted(clause);
    return [id](const DriveFile& f) { return std::find(f.parents.begin(), f.parents.end(), id) != f.parents.end(); };
  }
  auto op_at = [&](const std::string& op) { return lowered.find(op); };
  const std::string field = lower(trim(clause.substr(0, clause.find(' '))));
  const std::string value = quoted(clause.substr(std::min(clause.size(), clause.find(' '))));
  const bool negated = op_at("!=") != std::string::npos;
  const bool contains = op_at(" contains ") != std::string::npos;
  if (field == "name" && contains) return [value](const DriveFile& f) { return icontains(f.name, value); };
  if (field == "name") return [value, negated](const DriveFile& f) { return (f.name == value) != negated; };
  if (field == "fulltext" && contains)
    return [value](const DriveFile& f) { return icontains(f.name, value) || icontains(f.description, value); };
  if (field == "mimetype") return [value, negated](const DriveFile& f) { return (f.mime_type == value) != negated; };
  if (field == "trashed" || field == "starred") {
    bool wanted = lowered.find("true") != std::string::npos;
    bool starred = field == "starred";
    return [=](const DriveFile& f) { return (starred ? f.starred : f.trashed) == (wanted != negated); };
  }
  return std::nullopt;
}

Response list_files(State& state, const Request& request) {
  auto auth = google_authenticate(state, request, {"drive", "drive.readonly", "drive.file", "drive.metadata.readonly"});
  if (!auth.token) return auth.error;
  std::vector<std::function<bool(const DriveFile&)>> clauses;
  if (auto q = request.query_param("q")) {
    auto padded = " " + *q + " ";
    std::size_t start = 0, at;
    std::vector<std::string> parts;
    while ((at = lower(padded).find(" and ", start)) != std::string::npos) {
      parts.push_back(padded.substr(start, at - start));
      start = at + 5;
    }
    parts.push_back(padded.substr(start));
    for (const auto& part : parts) {
      auto clause = parse_clause(trim(part));
      if (!clause) return google_error(400, "Invalid Value", "invalid");
      clauses.push_back(*clause);
    }
  }
  std::vector<const DriveFile*> matching;
  for (const auto& f : state.google.files)
    if (std::all_of(clauses.begin(), clauses.end(), [&](const auto& c) { return c(f); })) matching.push_back(&f);

  const std::size_t page_size = std::clamp<std::size_t>(to_size(request.query_param("pageSize"), 100), 1, 1000);
  std::size_t offset = 0;
  if (auto token = request.query_param("pageToken")) {
    auto decoded = decode_cursor(*token);
    if (!decoded) return google_error(400, "Invalid Value", "invalid");
    offset = std::min(*decoded, matching.size());
  }
  const auto fields = parse_fields(request.query_param("fields"));
  const std::string file_fields = fields ? (fields->count("files") ? fields->at("files") : "") : "kind,id,name,mimeType";
  const std::size_t end = std::min(matching.size(), offset + page_size);
  json::array files;
  for (auto i = offset; i < end; ++i) files.push_back(project(file_json(*matching[i]), file_fields));
  json::object full{{"kind", "drive#fileList"}, {"incompleteSearch", false}, {"files", files}};
  if (end < matching.size()) full["nextPageToken"] = encode_cursor(end);
  if (!fields) return json_response(200, full);
  json::object out;
  for (const auto& [name, sub] : *fields)
    if (const auto* v = full.if_contains(name)) out[name] = *v;
  return json_response(200, out);
}

Response get_file(State& state, const Request& request) {
  auto auth = google_authenticate(state, request, {"drive", "drive.readonly", "drive.file", "drive.metadata.readonly"});
  if (!auth.token) return auth.error;
  for (const auto& f : state.google.files)
    if (f.id == request.capture("id"))
      return json_response(200, project(file_json(f), request.query_param("fields").value_or("kind,id,name,mimeType")));
  return google_error(404, "File not found: " + request.capture("id") + ".", "notFound");
}

Response create_file(State& state, const Request& request) {
  auto auth = google_authenticate(state, request, {"drive", "drive.file"});
  if (!auth.token) return auth.error;
  auto body = request.json();
  DriveFile f;
  if (body.is_object()) {
    const auto& o = body.as_object();
    if (const auto* v = o.if_contains("name"); v && v->is_string()) f.name = v->as_string();
    if (const auto* v = o.if_contains("mimeType"); v && v->is_string()) f.mime_type = v->as_string();
    if (const auto* v = o.if_contains("description"); v && v->is_string()) f.description = v->as_string();
    if (const auto* v = o.if_contains("parents"); v && v->is_array())
      for (const auto& p : v->as_array())
        if (p.is_string()) f.parents.emplace_back(p.as_string());
  }
  if (f.name.empty()) f.name = "Untitled";
  if (f.mime_type.empty()) f.mime_type = "application/octet-stream";
  if (f.parents.empty()) f.parents = {"root"};
  f.id = "1SbxNew" + std::to_string(state.google.next_id++) + "XyZ";
  f.created = f.modified = now_seconds();
  if (f.mime_type != kFolder && !starts_with(f.mime_type, "application/vnd.google-apps.")) f.size = 0;
  state.google.files.insert(state.google.files.begin(), f);
  return json_response(200, project(file_json(f), request.query_param("fields").value_or("kind,id,name,mimeType")));
}
}  // namespace

void add_drive_routes(Router& router) {
  router.add("www.googleapis.com", "GET", "/drive/v3/files", list_files);
  router.add("www.googleapis.com", "POST", "/drive/v3/files", create_file);
  router.add("www.googleapis.com", "GET", "/drive/v3/files/{id}", get_file);
}

}  // namespace lagentry::sandbox
