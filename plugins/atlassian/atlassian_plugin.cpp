// The Atlassian plugin: Jira and Confluence (Atlassian 3LO) and Bitbucket
// (its own OAuth server). OAuth descriptors live in manifest.json as data;
// this file holds the operations, as pure functions over the sans-I/O protocol.
#include "manifest_json.hpp"
#include "sites.hpp"

#include <lagentry/plugin.hpp>

namespace {
lagentry::Step handle(const lagentry::Call& call) {
  if (call.operation == "atlassian.sites") return atlassian::sites_step(call);
  throw lagentry::UnknownOperation(call.operation);
}
}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = "atlassian", .version = "0.1.0", .manifest = kManifestJson, .handle = handle})
