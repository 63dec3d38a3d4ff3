// The Drive connector (Drive API v3 files).
#pragma once

#include "google_json.hpp"

namespace google::drive {

// Operations: drive.test, .list, .get, .create (metadata only), .search.
lagentry::Step test(const lagentry::Call& call);
lagentry::Step list(const lagentry::Call& call);
lagentry::Step get(const lagentry::Call& call);
lagentry::Step create(const lagentry::Call& call);
lagentry::Step search(const lagentry::Call& call);

// Pure pieces, exposed for tests.
// Where the web UI opens a file when Drive did not say (webViewLink): folders
// are /drive/folders/<id>, everything else the /file/d/<id>/view viewer.
std::string web_view_url(const std::string& id, std::string_view mime_type);
json::object file_item(const json::object& file, bool include_raw);
// A plain search text as a Drive query: name contains '<text>', quotes and
// backslashes escaped, trashed files left out.
std::string search_query(std::string_view text);

}  // namespace google::drive
