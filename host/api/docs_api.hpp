// The API's own documentation, served by the host:
//   GET /openapi.json   the OpenAPI 3.1 document (host/api/openapi_document.hpp)
//   GET /docs           the API explorer: Swagger UI from the pinned npm package
//   GET /docs/{file}    its files
// No key is needed to read them (calls made from the explorer need one).
// Nothing loads from another origin; a strict Content-Security-Policy says so.
#pragma once

#include "core/plugin/registry.hpp"
#include "host/config/config.hpp"
#include "host/http/router.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace lagentry::host {

// Swagger UI's files, read once at startup from config.docs_dir (the build
// copies them there from scripts/node/node_modules/swagger-ui-dist).
struct ExplorerAssets {
  struct File {
    std::string content_type;
    std::string body;
  };
  std::filesystem::path dir;
  std::map<std::string, File, std::less<>> files;  // by name, e.g. "swagger-ui-bundle.js"

  bool installed() const { return files.count("swagger-ui-bundle.js") && files.count("swagger-ui.css"); }
};
ExplorerAssets load_explorer_assets(const std::filesystem::path& dir);

void add_docs_routes(Router& router, const plugin::Registry& registry, const Config& config,
                     std::shared_ptr<const ExplorerAssets> assets);

}  // namespace lagentry::host
