#include "drive.hpp"

namespace google::drive {

namespace {
const std::string kFiles = "https://www.googleapis.com/drive/v3/files";
constexpr const char* kScope = "https://www.googleapis.com/auth/drive";
constexpr int kMaxLimit = 1000;
// Drive answers only id, name and mimeType unless asked for more.
constexpr const char* kFileFields =
    "id,name,mimeType,description,createdTime,modifiedTime,webViewLink,parents,size,starred,trashed";
// A connector lists what the user sees in Drive, not the bin.
constexpr const char* kNotTrashed = "trashed = false";

std::string file_url(std::string_view id) { return kFiles + "/" + path_segment("id", id); }

lagentry::Step list_with(const lagentry::Call& call, const std::string& q) {
  const Input input = Input::parse(call.input);
  Query query;
  query.add("pageSize", std::to_string(input.limit(kMaxLimit)))
      .add("pageToken", input.param("cursor"))
      .add("q", q)
      .add("fields", std::string("nextPageToken,files(") + kFileFields + ")");
  return sequence(call, {json_request("GET", kFiles + query.str())}, kScope, [&](const Response& r) {
    return reply(200, page_of(object_body(r), "files",
                              [&](const json::object& file) { return file_item(file, input.include_raw()); }));
  });
}
}  // namespace

std::string web_view_url(const std::string& id, std::string_view mime_type) {
  if (mime_type == "application/vnd.google-apps.folder") return "https://drive.google.com/drive/folders/" + id;
  return "https://drive.google.com/file/d/" + id + "/view";
}

json::object file_item(const json::object& file, bool include_raw) {
  const std::string id = string_member(file, "id");
  std::string url = string_member(file, "webViewLink");
  if (url.empty()) url = web_view_url(id, string_member(file, "mimeType"));
  json::object out = item(id, "file", string_or_null(file, "name"), string_or_null(file, "description"), json::string(url),
                          string_or_null(file, "createdTime"), string_or_null(file, "modifiedTime"));
  out["mime_type"] = string_or_null(file, "mimeType");
  if (include_raw) out["raw"] = file;
  return out;
}

std::string search_query(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\\' || c == '\'') escaped += '\\';
    escaped += c;
  }
  return "name contains '" + escaped + "' and " + kNotTrashed;
}

lagentry::Step test(const lagentry::Call& call) { return test_step(call, kFiles + "?pageSize=1&fields=files(id)", kScope); }

lagentry::Step list(const lagentry::Call& call) { return list_with(call, kNotTrashed); }

lagentry::Step search(const lagentry::Call& call) {
  const std::string q = Input::parse(call.input).param("q");
  if (q.empty()) throw lagentry::BadInput("q is required");
  return list_with(call, search_query(q));
}

lagentry::Step get(const lagentry::Call& call) {
  const Input input = Input::parse(call.input);
  return sequence(call, {json_request("GET", file_url(input.id()) + "?fields=" + percent_encode(kFileFields))}, kScope,
                  [&](const Response& r) { return reply(200, file_item(object_body(r), input.include_raw())); });
}

// The body is Drive's file metadata ({"name","mimeType","parents"?,..});
// a folder or an empty Google Doc, no content upload.
lagentry::Step create(const lagentry::Call& call) {
  const Input input = Input::parse(call.input);
  const json::object& body = input.body_object();
  if (string_member(body, "name").empty()) throw lagentry::BadInput("name is required");
  const json::value metadata = body;
  return sequence(call, {json_request("POST", kFiles + "?fields=" + percent_encode(kFileFields), &metadata)}, kScope,
                  [&](const Response& r) { return reply(201, file_item(object_body(r), input.include_raw())); });
}

}  // namespace google::drive
