// The unified shapes every connector shares (docs/connectors.md), as JSON
// Schema definitions: Item, Page, Deleted, TestResult, and the error model.
//
// Manifests refer to them as {"$ref": "#/$defs/Page"}; /openapi.json lists
// them under components.schemas; the MCP tools reuse them.
#pragma once

#include <boost/json/object.hpp>

namespace lagentry::schema {

// Parsed once; immutable afterwards, so safe to share across threads.
const boost::json::object& unified_definitions();

}  // namespace lagentry::schema
