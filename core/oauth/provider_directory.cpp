#include "core/oauth/provider_directory.hpp"

#include "core/net/upstream_url.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace lagentry::oauth {
namespace fs = std::filesystem;
namespace json = boost::json;

ProviderDirectory::ProviderDirectory(const plugin::Registry& registry, std::vector<plugin::ProviderDescriptor> configured)
    : registry_(registry) {
  for (auto& d : configured) configured_.push_back(std::make_shared<const plugin::ProviderDescriptor>(std::move(d)));
}

std::optional<ProviderEntry> ProviderDirectory::find(std::string_view name) const {
  if (auto plugin = registry_.find_provider(name))
    return ProviderEntry{plugin, std::shared_ptr<const plugin::ProviderDescriptor>(
                                     plugin, plugin->manifest().find_provider(name))};
  for (const auto& d : configured_)
    if (d->name == name) return ProviderEntry{nullptr, d};
  return std::nullopt;
}

std::vector<ProviderEntry> ProviderDirectory::all() const {
  std::vector<ProviderEntry> out;
  auto snapshot = registry_.snapshot();
  for (const auto& [name, plugin] : snapshot->by_provider)
    out.push_back({plugin, std::shared_ptr<const plugin::ProviderDescriptor>(plugin, plugin->manifest().find_provider(name))});
  for (const auto& d : configured_)
    if (!snapshot->by_provider.count(d->name)) out.push_back({nullptr, d});
  return out;
}

std::vector<plugin::ProviderDescriptor> ProviderDirectory::load_descriptors(const fs::path& dir) {
  std::vector<plugin::ProviderDescriptor> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    try {
      out.push_back(parse_descriptor(text.str()));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(file.string() + ": " + e.what());
    }
  }
  return out;
}

plugin::ProviderDescriptor ProviderDirectory::parse_descriptor(std::string_view text) {
  // One file is one provider object. It is parsed on its own first: spliced
  // into the manifest text, an empty file or one holding two objects or
  // closing the array early would change the manifest instead of being refused.
  boost::system::error_code ec;
  json::value descriptor = json::parse(text, ec);
  if (ec) throw std::runtime_error("not valid JSON (" + ec.message() + ")");
  if (!descriptor.is_object()) throw std::runtime_error("must be one provider object");
  // A descriptor is a manifest's provider entry: validate it with the manifest rules.
  const json::object manifest{{"id", "config"}, {"version", "1"}, {"providers", json::array{std::move(descriptor)}}};
  auto parsed = plugin::parse_manifest(json::serialize(manifest));
  if (auto* error = std::get_if<std::string>(&parsed)) throw std::runtime_error(*error);
  plugin::ProviderDescriptor provider = std::move(std::get<plugin::Manifest>(parsed).providers.front());
  // Without api_origins, a descriptor's tokens belong to its issuer's origin.
  if (provider.api_origins.empty() && !provider.oauth.issuer.empty())
    if (auto issuer = net::normalise_upstream_url(provider.oauth.issuer); std::holds_alternative<net::UpstreamUrl>(issuer))
      if (const auto& origin = std::get<net::UpstreamUrl>(issuer).origin; origin.starts_with("https://"))
        provider.api_origins.push_back(origin);
  return provider;
}

}  // namespace lagentry::oauth
