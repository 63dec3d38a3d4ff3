// A JSON Schema (2020-12) validator for the subset operation schemas use.
//
// Debian ships no C++ JSON Schema validator, so this is a small one. It
// supports exactly these keywords and refuses a schema with any other
// (check_schema), so nothing is ever silently ignored:
//
//   applicators  $ref ("#/$defs/<name>" only), allOf, anyOf, oneOf, not,
//                properties, additionalProperties, items (one schema)
//   assertions   type, enum, const, required, minProperties, maxProperties,
//                minItems, maxItems, uniqueItems, minLength, maxLength
//                (code points), minimum, maximum, exclusiveMinimum,
//                exclusiveMaximum, multipleOf
//   annotations  $schema, $comment, title, description, default, examples,
//                deprecated, readOnly, writeOnly, format (an annotation, as
//                2020-12 defines it by default), contentMediaType
//
// Left out on purpose: pattern and patternProperties (ECMA-262 regular
// expressions on the request path), remote or relative $ref, $id, $anchor,
// $dynamicRef, if/then/else, dependentSchemas, prefixItems, contains,
// unevaluated*. tests/unit/test_json_schema.cpp runs the official
// JSON-Schema-Test-Suite over every case that uses only this subset.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace lagentry::schema {

// Where "#/$defs/<name>" references resolve: a document's own definitions
// first, then shared ones (the host's unified shapes). Either may be null.
struct Definitions {
  const boost::json::object* own = nullptr;
  const boost::json::object* shared = nullptr;

  const boost::json::value* find(std::string_view name) const;
};

// Nullopt when `schema` uses only the supported keywords, with well-formed
// values, and every $ref resolves; otherwise "<pointer into the schema>:
// <what is wrong>", e.g. "/properties/to/pattern: unsupported keyword".
std::optional<std::string> check_schema(const boost::json::value& schema, const Definitions& definitions);

// The first way an instance fails its schema.
struct Violation {
  std::string pointer;  // JSON pointer into the instance ("" is the root)
  std::string keyword;  // the keyword that failed, e.g. "required"
  std::string message;  // e.g. "must be at most 1000"
};

// Validates an instance against a schema that passed check_schema. Nullopt
// when valid. Deterministic: keywords and properties are checked in order.
std::optional<Violation> validate(const boost::json::value& schema, const boost::json::value& instance,
                                  const Definitions& definitions);

// JSON equality as JSON Schema defines it (1 and 1.0 are equal).
bool json_equal(const boost::json::value& a, const boost::json::value& b);

// "/a/b~1c" from segments, escaping '~' and '/' (RFC 6901).
std::string append_pointer(std::string_view pointer, std::string_view segment);

}  // namespace lagentry::schema
