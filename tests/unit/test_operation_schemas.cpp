// Operation schemas in manifests (ABI 1.1): what the host completes for a
// bare name (ABI 1.0), what a manifest may say, what it may not, and how
// requests are checked against the result (core/runtime/input_validation).
#include "core/plugin/manifest.hpp"
#include "core/runtime/input_validation.hpp"
#include "core/schema/unified_definitions.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace lagentry;
namespace json = boost::json;

namespace {

const char* kHead = R"({"id":"acme","version":"1.0.0",
  "providers":[{"name":"acme","oauth":{"authorization_url":"https://a.test/auth","token_url":"https://a.test/token"}}],
  "connectors":[{"name":"notes","provider":"acme","display_name":"Notes","verbs":["list","get","create","delete","search"]}],
  "routes":[{"method":"POST","path":"/acme/boards/{board}/notes","operation":"acme.post","provider":"acme"}])";

plugin::Manifest parse(const std::string& operations, const std::string& extra = "") {
  auto result = plugin::parse_manifest(std::string(kHead) + extra + R"(,"operations":)" + operations + "}");
  if (auto* error = std::get_if<std::string>(&result)) BOOST_FAIL(*error);
  return std::get<plugin::Manifest>(std::move(result));
}

std::string error_of(const std::string& operations, const std::string& extra = "") {
  auto result = plugin::parse_manifest(std::string(kHead) + extra + R"(,"operations":)" + operations + "}");
  auto* error = std::get_if<std::string>(&result);
  return error ? *error : std::string{};
}

const char* kBare = R"(["notes.list","notes.get","notes.create","notes.delete","notes.search","acme.post"])";

std::optional<runtime::InputError> check(const plugin::Manifest& m, const std::string& operation, json::object params,
                                         json::value body = nullptr, std::set<std::string, std::less<>> path = {}) {
  const schema::Definitions definitions{&m.definitions, &schema::unified_definitions()};
  return runtime::validate_input(*m.find_operation(operation), definitions, params, path, body);
}

std::vector<std::string> required_of(const plugin::OperationDescriptor& op) {
  std::vector<std::string> out;
  if (auto* r = op.params.if_contains("required"))
    for (const auto& name : r->as_array()) out.emplace_back(name.as_string());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(operation_schemas)

BOOST_AUTO_TEST_CASE(bare_names_get_the_generic_schemas_of_their_role) {
  const auto m = parse(kBare);
  const auto* list = m.find_operation("notes.list");
  BOOST_REQUIRE(list);
  BOOST_TEST(!list->described);
  const auto& properties = list->params.at("properties").as_object();
  for (const char* name : {"user_email", "cursor", "limit", "include_raw"}) BOOST_TEST(properties.contains(name), name);
  BOOST_TEST(required_of(*list) == std::vector<std::string>{"user_email"});
  BOOST_TEST(list->result.at("$ref").as_string() == "#/$defs/Page");
  BOOST_TEST(list->body.is_null());
  BOOST_TEST(list->annotations.read_only);
  BOOST_TEST(list->description == "Lists Notes items, a page at a time.");

  const auto* search = m.find_operation("notes.search");
  BOOST_TEST((required_of(*search) == std::vector<std::string>{"user_email", "q"}));
  const auto* get = m.find_operation("notes.get");
  BOOST_TEST((required_of(*get) == std::vector<std::string>{"user_email", "id"}));
  BOOST_TEST(get->result.at("$ref").as_string() == "#/$defs/Item");
  const auto* create = m.find_operation("notes.create");
  BOOST_TEST(create->body.at("type").as_string() == "object");
  BOOST_TEST(!create->annotations.read_only);
  const auto* del = m.find_operation("notes.delete");
  BOOST_TEST(del->annotations.destructive);
  BOOST_TEST(del->result.at("$ref").as_string() == "#/$defs/Deleted");

  const auto* post = m.find_operation("acme.post");  // a route: its path capture, optional user_email, any body
  BOOST_TEST(required_of(*post) == std::vector<std::string>{"board"});
  BOOST_TEST(post->params.at("properties").as_object().contains("user_email"));
  BOOST_TEST(post->body.is_object());
  BOOST_TEST(post->body.as_object().empty());
}

BOOST_AUTO_TEST_CASE(what_the_manifest_says_wins_and_host_parameters_are_added) {
  const auto m = parse(R"(["notes.get","notes.create","notes.delete","notes.search","acme.post",
    {"name":"notes.list","description":"All notes.","params":{"type":"object","required":["folder"],
       "properties":{"folder":{"type":"string"},"limit":{"type":"integer","minimum":1,"maximum":50}}},
     "result":{"$ref":"#/$defs/NotePage"},"annotations":{"read_only":true}}])",
                       R"(,"$defs":{"NotePage":{"allOf":[{"$ref":"#/$defs/Page"}]}})");
  const auto* list = m.find_operation("notes.list");
  BOOST_TEST(list->described);
  BOOST_TEST(list->description == "All notes.");
  BOOST_TEST(list->params.at("properties").at("limit").at("maximum").as_int64() == 50);
  BOOST_TEST(list->params.at("properties").as_object().contains("cursor"));
  BOOST_TEST((required_of(*list) == std::vector<std::string>{"folder", "user_email"}));
  BOOST_TEST(list->result.at("$ref").as_string() == "#/$defs/NotePage");
  BOOST_TEST(!list->annotations.idempotent);  // given annotations are taken as they are
  BOOST_TEST(m.definitions.contains("NotePage"));
}

BOOST_AUTO_TEST_CASE(bad_schemas_are_refused_with_the_field_named) {
  const std::string rest = R"("notes.get","notes.create","notes.delete","notes.search","acme.post"])";
  BOOST_TEST(error_of(R"([{"name":"notes.list","params":{"type":"object","properties":{"q":{"pattern":"x"}}}},)" + rest)
                 .find("operations[0].params: invalid schema at /properties/q/pattern: unsupported keyword") != std::string::npos);
  BOOST_TEST(error_of(R"([{"name":"notes.list","params":{"type":"string"}},)" + rest).find("must be a schema of type object") !=
             std::string::npos);
  BOOST_TEST(error_of(R"([{"name":"notes.list","result":{"$ref":"#/$defs/Nope"}},)" + rest).find("no definition named 'Nope'") !=
             std::string::npos);
  BOOST_TEST(error_of(kBare, R"(,"$defs":{"Page":{}})").find("the host defines Page") != std::string::npos);
  BOOST_TEST(error_of(kBare, R"(,"$defs":{"bad name":{}})").find("names must match") != std::string::npos);
  BOOST_TEST(error_of(R"([{"name":"notes.list","annotations":{"read_only":"yes"}},)" + rest).find("must be true or false") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(inputs_are_checked_with_query_strings_read_as_their_types) {
  const auto m = parse(kBare);
  BOOST_TEST(!check(m, "notes.list", {{"user_email", "a@b"}, {"limit", "20"}, {"include_raw", "true"}}));
  auto too_many = check(m, "notes.list", {{"user_email", "a@b"}, {"limit", "5000"}});
  BOOST_REQUIRE(too_many);
  BOOST_TEST(too_many->in == "query");
  BOOST_TEST(too_many->pointer == "/limit");
  BOOST_TEST(too_many->keyword == "maximum");
  BOOST_TEST(too_many->message == "query parameter 'limit' must be at most 1000");
  auto not_a_number = check(m, "notes.list", {{"user_email", "a@b"}, {"limit", "ten"}});
  BOOST_REQUIRE(not_a_number);
  BOOST_TEST(not_a_number->message == "query parameter 'limit' must be an integer");
  auto no_user = check(m, "notes.list", {});
  BOOST_REQUIRE(no_user);
  BOOST_TEST(no_user->message == "query parameter 'user_email' is required");
  auto no_q = check(m, "notes.search", {{"user_email", "a@b"}, {"q", ""}});
  BOOST_REQUIRE(no_q);
  BOOST_TEST(no_q->message == "query parameter 'q' must be at least 1 characters long");
  auto body = check(m, "notes.create", {{"user_email", "a@b"}}, json::array{});
  BOOST_REQUIRE(body);
  BOOST_TEST(body->in == "body");
  BOOST_TEST(body->message == "the body must be an object");
  auto path = check(m, "acme.post", {{"board", ""}}, json::object{}, {"board"});
  BOOST_REQUIRE(path);
  BOOST_TEST(path->in == "path");
}

BOOST_AUTO_TEST_CASE(body_pointers_name_the_failing_member) {
  const auto m = parse(R"(["notes.list","notes.get","notes.delete","notes.search","acme.post",
    {"name":"notes.create","body":{"type":"object","required":["title"],"properties":{"title":{"type":"string"},
       "tags":{"type":"array","items":{"type":"string"}}}}}])");
  auto missing = check(m, "notes.create", {{"user_email", "a@b"}}, json::parse(R"({"tags":[]})"));
  BOOST_REQUIRE(missing);
  BOOST_TEST(missing->pointer == "/title");
  BOOST_TEST(missing->message == "the body's /title is required");
  auto tag = check(m, "notes.create", {{"user_email", "a@b"}}, json::parse(R"({"title":"t","tags":["a",1]})"));
  BOOST_REQUIRE(tag);
  BOOST_TEST(tag->pointer == "/tags/1");
}

BOOST_AUTO_TEST_SUITE_END()
