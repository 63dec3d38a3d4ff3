// Plugin manifests (core/plugin/manifest.cpp): any text is either refused
// with a message or yields a manifest that keeps the documented rules, and
// whose providers and connectors serialise back to valid JSON for the API.
#include "core/plugin/manifest.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {
namespace json = boost::json;
using namespace lagentry::plugin;

void require(bool condition) {
  if (!condition) std::abort();
}

void check_serialises(const json::object& o) {
  json::error_code ec;
  json::parse(json::serialize(o), ec);
  require(!ec);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_manifest(text);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    require(error->rfind("manifest: ", 0) == 0);
    return 0;
  }
  const Manifest& m = std::get<Manifest>(parsed);
  require(is_valid_name(m.id) && !m.version.empty());
  for (const auto& p : m.providers) {
    require(is_valid_name(p.name) && m.find_provider(p.name) == &p);
    require(!p.oauth.scope_separator.empty());
    for (const auto* op : {&p.oauth.post_connect_operation, &p.oauth.revoke_operation})
      require(op->empty() || m.has_operation(*op));
    check_serialises(to_json(p));
  }
  for (const auto& c : m.connectors) {
    require(is_valid_name(c.name) && is_valid_name(c.provider) && m.find_connector(c.name) == &c);
    for (const auto& verb : c.verbs) require(m.has_operation(c.name + "." + verb));
    check_serialises(to_json(c));
  }
  for (const auto& r : m.routes) {
    require(m.has_operation(r.operation) && is_valid_name(r.provider));
    require(r.path.size() >= 2 && r.path.front() == '/' && r.path.find("..") == std::string::npos);
  }
  return 0;
}
