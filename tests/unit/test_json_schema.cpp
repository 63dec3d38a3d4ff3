// The JSON Schema subset validator (core/schema/json_schema.hpp), judged first
// by the official JSON-Schema-Test-Suite (Debian's json-schema-test-suite):
// every test group whose schema uses only the supported subset must give the
// suite's answer for every instance. Then the parts the suite cannot know:
// refusing what is unsupported, pointers and messages, and recursion.
#include "core/schema/json_schema.hpp"
#include "core/schema/unified_definitions.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace json = boost::json;
using namespace lagentry::schema;

namespace {

const Definitions kNone{};

json::value parse_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

bool valid(std::string_view schema, std::string_view instance, const Definitions& definitions = kNone) {
  const json::value s = json::parse(schema);
  BOOST_REQUIRE_MESSAGE(!check_schema(s, definitions), *check_schema(s, definitions));
  return !validate(s, json::parse(instance), definitions);
}

Violation violation(std::string_view schema, std::string_view instance, const Definitions& definitions = kNone) {
  auto v = validate(json::parse(schema), json::parse(instance), definitions);
  BOOST_REQUIRE(v.has_value());
  return *v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_schema)

// Draft 7 is the newest draft Debian's suite has; for the keywords of the
// subset, draft 7 and 2020-12 agree (2020-12 changed items-as-array, $ref
// siblings and definitions, which the subset refuses, so those groups skip).
BOOST_AUTO_TEST_CASE(agrees_with_the_official_test_suite_on_every_supported_case) {
  const std::filesystem::path suite = LAGENTRY_JSON_SCHEMA_SUITE_DIR;
  BOOST_REQUIRE_MESSAGE(std::filesystem::is_directory(suite), suite.string() + " is missing (scripts/setup installs it)");
  int groups = 0, cases = 0, skipped = 0;
  std::set<std::string> keywords_seen;
  for (const auto& file : std::filesystem::directory_iterator(suite)) {
    if (file.path().extension() != ".json") continue;
    const json::value document = parse_file(file.path());
    for (const auto& group : document.as_array()) {
      const json::value& schema = group.at("schema");
      if (check_schema(schema, kNone)) {
        ++skipped;
        continue;
      }
      ++groups;
      keywords_seen.insert(file.path().stem().string());
      for (const auto& test : group.at("tests").as_array()) {
        ++cases;
        const bool expected = test.at("valid").as_bool();
        const bool actual = !validate(schema, test.at("data"), kNone);
        BOOST_TEST(actual == expected, file.path().filename().string() << ": " << group.at("description").as_string()
                                                                         << " / " << test.at("description").as_string());
      }
    }
  }
  BOOST_TEST_MESSAGE("JSON-Schema-Test-Suite draft7: " << groups << " groups, " << cases << " cases run, " << skipped
                                                        << " groups skipped (unsupported keywords)");
  // Not vacuous: the suite's files for every supported keyword took part.
  BOOST_TEST(groups >= 60);
  BOOST_TEST(cases >= 250);
  for (const char* keyword : {"type", "enum", "const", "required", "properties", "additionalProperties", "items",
                              "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "minimum", "maximum",
                              "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "allOf", "anyOf", "oneOf", "not",
                              "minProperties", "maxProperties", "boolean_schema", "default"})
    BOOST_TEST(keywords_seen.count(keyword) == 1u, keyword);
}

BOOST_AUTO_TEST_CASE(unsupported_keywords_are_refused_not_ignored) {
  for (const char* schema : {R"({"pattern": "^a"})", R"({"properties": {"x": {"patternProperties": {}}}})",
                             R"({"$ref": "#"})", R"({"$ref": "https://example.com/s.json"})", R"({"$id": "x"})",
                             R"({"if": true})", R"({"items": [true]})", R"({"type": "text"})", R"({"minLength": -1})",
                             R"({"multipleOf": 0})", R"({"$ref": "#/$defs/Missing"})", R"(3)"}) {
    auto error = check_schema(json::parse(schema), kNone);
    BOOST_TEST(error.has_value(), schema);
  }
  auto error = check_schema(json::parse(R"({"properties": {"to": {"pattern": "x"}}})"), kNone);
  BOOST_REQUIRE(error);
  BOOST_TEST(error->find("/properties/to/pattern") == 0u, *error);
}

BOOST_AUTO_TEST_CASE(violations_name_the_json_pointer_and_keyword) {
  const char* schema = R"({"type": "object", "required": ["to"],
                           "properties": {"to": {"type": "array", "items": {"type": "string"}},
                                          "a/b": {"type": "integer", "maximum": 10}}})";
  auto missing = violation(schema, R"({})");
  BOOST_TEST(missing.pointer == "/to");
  BOOST_TEST(missing.keyword == "required");
  BOOST_TEST(missing.message == "is required");
  auto item = violation(schema, R"({"to": ["ok", 3]})");
  BOOST_TEST(item.pointer == "/to/1");
  BOOST_TEST(item.message == "must be a string");
  auto escaped = violation(schema, R"({"to": [], "a/b": 11})");
  BOOST_TEST(escaped.pointer == "/a~1b");
  BOOST_TEST(escaped.message == "must be at most 10");
  BOOST_TEST(violation(R"({"maxLength": 2})", R"("äöü")").message == "must be at most 2 characters long");
  BOOST_TEST(valid(R"({"maxLength": 3})", R"("äöü")"));  // code points, not bytes
}

BOOST_AUTO_TEST_CASE(references_resolve_in_own_then_shared_definitions) {
  const json::object own = json::parse(R"({"Email": {"allOf": [{"$ref": "#/$defs/Item"}], "required": ["from"]}})").as_object();
  const Definitions definitions{&own, &unified_definitions()};
  BOOST_TEST(valid(R"({"$ref": "#/$defs/Email"})", R"({"id": "1", "type": "email", "from": "a@b"})", definitions));
  auto v = violation(R"({"$ref": "#/$defs/Email"})", R"({"id": 1, "type": "email", "from": "a@b"})", definitions);
  BOOST_TEST(v.pointer == "/id");
  BOOST_TEST(valid(R"({"$ref": "#/$defs/Page"})", R"({"items": [{"id": "1", "type": "x"}], "next_cursor": null})", definitions));
  BOOST_TEST(!valid(R"({"$ref": "#/$defs/Page"})", R"({"items": [{"id": "1"}], "next_cursor": null})", definitions));
  for (const auto& [name, schema] : unified_definitions())
    BOOST_TEST(!check_schema(schema, definitions), std::string(name));
}

BOOST_AUTO_TEST_CASE(a_reference_cycle_ends_with_a_violation_not_a_crash) {
  const json::object own = json::parse(R"({"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}})").as_object();
  const Definitions definitions{&own, nullptr};
  BOOST_REQUIRE(!check_schema(json::parse(R"({"$ref": "#/$defs/A"})"), definitions));
  auto v = validate(json::parse(R"({"$ref": "#/$defs/A"})"), json::parse("1"), definitions);
  BOOST_REQUIRE(v);
  BOOST_TEST(v->message == "the schema recurses without end");
}

BOOST_AUTO_TEST_SUITE_END()
