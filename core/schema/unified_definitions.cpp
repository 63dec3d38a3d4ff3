#include "core/schema/unified_definitions.hpp"

#include <boost/json/parse.hpp>

namespace lagentry::schema {

namespace {

// Keep in step with docs/connectors.md ("Items and pages").
constexpr const char* kDefinitions = R"json({
  "Item": {
    "type": "object",
    "description": "One item of any connector. Connectors may add provider-specific fields beside these, never instead of them.",
    "required": ["id", "type"],
    "properties": {
      "id": {"type": "string", "description": "The item's id at the provider (what /items/{id} takes)."},
      "type": {"type": "string", "description": "The item type, e.g. email, file, event, message, issue."},
      "title": {"type": ["string", "null"]},
      "snippet": {"type": ["string", "null"], "description": "A short plain-text excerpt."},
      "url": {"type": ["string", "null"], "description": "Where a person opens the item."},
      "created_at": {"type": ["string", "null"], "format": "date-time"},
      "updated_at": {"type": ["string", "null"], "format": "date-time"},
      "raw": {"type": "object", "description": "The provider's own object; present only with include_raw=true."}
    }
  },
  "Page": {
    "type": "object",
    "description": "A page of items.",
    "required": ["items", "next_cursor"],
    "properties": {
      "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
      "next_cursor": {"type": ["string", "null"], "description": "Pass as cursor= for the next page; null on the last page."}
    }
  },
  "Deleted": {
    "type": "object",
    "required": ["id", "deleted"],
    "properties": {"id": {"type": "string"}, "deleted": {"const": true}}
  },
  "TestResult": {
    "type": "object",
    "description": "The connection works; account names whom the token belongs to.",
    "required": ["ok"],
    "properties": {"ok": {"type": "boolean"}, "account": {"type": ["string", "null"]}}
  },
  "Error": {
    "type": "object",
    "description": "The error model: every failure answers with it and the matching HTTP status.",
    "required": ["error"],
    "properties": {
      "error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
          "code": {"type": "string", "description": "A stable code (see the API reference), e.g. invalid_request."},
          "message": {"type": "string", "description": "What went wrong, for people."},
          "details": {"type": "object", "description": "Upstream errors: the provider's status and error. Input errors: in, pointer and keyword of what failed."}
        }
      }
    }
  }
})json";

}  // namespace

const boost::json::object& unified_definitions() {
  static const boost::json::object definitions = boost::json::parse(kDefinitions).as_object();
  return definitions;
}

}  // namespace lagentry::schema
