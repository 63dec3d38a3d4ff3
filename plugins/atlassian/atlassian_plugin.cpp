// The atlassian provider plugin. Its OAuth descriptors live in manifest.json as
// data; the host's OAuth engine drives the flow from them. Connector
// operations are added here as the connector runtime grows (see docs/).
#include "manifest_json.hpp"

#include <lagentry/plugin.hpp>

namespace {
lagentry::Step handle(const lagentry::Call& call) { throw lagentry::UnknownOperation(call.operation); }
}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = "atlassian", .version = "0.1.0", .manifest = kManifestJson, .handle = handle})
