#include "core/schema/json_schema.hpp"

#include <boost/json/serialize.hpp>

#include <cmath>
#include <set>

namespace lagentry::schema {
namespace json = boost::json;

namespace {

constexpr std::string_view kRefPrefix = "#/$defs/";
// Validation recursion cap: a $ref cycle that never descends into the
// instance would otherwise recurse forever.
constexpr int kMaxDepth = 256;

const std::set<std::string_view> kAnnotations = {"$schema", "$comment", "title", "description", "default",
                                                 "examples", "deprecated", "readOnly", "writeOnly", "format",
                                                 "contentMediaType"};
const std::set<std::string_view> kTypes = {"null", "boolean", "object", "array", "number", "string", "integer"};

bool is_number(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

double number_of(const json::value& v) { return v.to_number<double>(); }

bool is_integer(const json::value& v) {
  if (v.is_int64() || v.is_uint64()) return true;
  return v.is_double() && std::isfinite(v.get_double()) && std::floor(v.get_double()) == v.get_double();
}

bool is_non_negative_integer(const json::value& v) { return is_integer(v) && number_of(v) >= 0; }

std::string_view ref_name(const json::value& ref) {
  const std::string_view text = ref.get_string();
  return text.substr(kRefPrefix.size());
}

// ---- check_schema -------------------------------------------------------

struct Checker {
  const Definitions& definitions;

  std::optional<std::string> fail(const std::string& at, const std::string& what) const { return at + ": " + what; }

  std::optional<std::string> schema(const json::value& s, const std::string& at) const {
    if (s.is_bool()) return std::nullopt;
    if (!s.is_object()) return fail(at, "a schema must be an object or a boolean");
    for (const auto& [key, value] : s.get_object()) {
      const std::string here = append_pointer(at, key);
      if (auto error = keyword(key, value, here)) return error;
    }
    return std::nullopt;
  }

  std::optional<std::string> schema_list(const json::value& v, const std::string& at) const {
    if (!v.is_array() || v.get_array().empty()) return fail(at, "must be a non-empty array of schemas");
    for (std::size_t i = 0; i < v.get_array().size(); ++i)
      if (auto error = schema(v.get_array()[i], append_pointer(at, std::to_string(i)))) return error;
    return std::nullopt;
  }

  std::optional<std::string> keyword(std::string_view key, const json::value& v, const std::string& at) const {
    if (kAnnotations.count(key)) return std::nullopt;
    if (key == "$ref") {
      if (!v.is_string() || !v.get_string().starts_with(kRefPrefix))
        return fail(at, "only \"#/$defs/<name>\" references are supported");
      if (!definitions.find(ref_name(v))) return fail(at, "no definition named '" + std::string(ref_name(v)) + "'");
      return std::nullopt;
    }
    if (key == "type") {
      if (v.is_string()) return kTypes.count(v.get_string()) ? std::nullopt : fail(at, "unknown type");
      if (!v.is_array() || v.get_array().empty()) return fail(at, "must be a type name or an array of them");
      for (const auto& t : v.get_array())
        if (!t.is_string() || !kTypes.count(t.get_string())) return fail(at, "unknown type");
      return std::nullopt;
    }
    if (key == "enum") return v.is_array() ? std::nullopt : fail(at, "must be an array");
    if (key == "const") return std::nullopt;
    if (key == "required") {
      if (!v.is_array()) return fail(at, "must be an array of property names");
      for (const auto& name : v.get_array())
        if (!name.is_string()) return fail(at, "must be an array of property names");
      return std::nullopt;
    }
    if (key == "properties") {
      if (!v.is_object()) return fail(at, "must be an object of schemas");
      for (const auto& [name, sub] : v.get_object())
        if (auto error = schema(sub, append_pointer(at, name))) return error;
      return std::nullopt;
    }
    if (key == "additionalProperties" || key == "items" || key == "not") return schema(v, at);
    if (key == "allOf" || key == "anyOf" || key == "oneOf") return schema_list(v, at);
    if (key == "minProperties" || key == "maxProperties" || key == "minItems" || key == "maxItems" ||
        key == "minLength" || key == "maxLength")
      return is_non_negative_integer(v) ? std::nullopt : fail(at, "must be a non-negative integer");
    if (key == "uniqueItems") return v.is_bool() ? std::nullopt : fail(at, "must be true or false");
    if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" || key == "exclusiveMaximum")
      return is_number(v) ? std::nullopt : fail(at, "must be a number");
    if (key == "multipleOf")
      return is_number(v) && number_of(v) > 0 ? std::nullopt : fail(at, "must be a number above 0");
    return fail(at, "unsupported keyword (see core/schema/json_schema.hpp for the supported subset)");
  }
};

// ---- validate -------------------------------------------------------------

std::string type_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::object: return "object";
    case json::kind::array: return "array";
    case json::kind::string: return "string";
    default: return is_integer(v) ? "integer" : "number";
  }
}

bool has_type(const json::value& v, std::string_view type) {
  if (type == "integer") return is_integer(v);
  if (type == "number") return is_number(v);
  const std::string actual = type_of(v);
  return actual == type || (actual == "integer" && type == "number");
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++count;
  return count;
}

std::string number_text(const json::value& v) { return json::serialize(v); }

class Validator {
 public:
  explicit Validator(const Definitions& definitions) : definitions_(definitions) {}

  std::optional<Violation> run(const json::value& s, const json::value& v, const std::string& at, int depth) const {
    if (depth > kMaxDepth) return Violation{at, "$ref", "the schema recurses without end"};
    if (s.is_bool()) {
      if (s.get_bool()) return std::nullopt;
      return Violation{at, "false", "is not allowed"};
    }
    const auto& o = s.get_object();
    for (const auto& [key, arg] : o)
      if (auto violation = keyword(key, arg, o, v, at, depth)) return violation;
    return std::nullopt;
  }

 private:
  std::optional<Violation> keyword(std::string_view key, const json::value& arg, const json::object& schema,
                                   const json::value& v, const std::string& at, int depth) const {
    auto fail = [&](std::string message) { return Violation{at, std::string(key), std::move(message)}; };
    if (key == "$ref") {
      const json::value* target = definitions_.find(ref_name(arg));
      if (!target) return fail("refers to a missing definition");
      return run(*target, v, at, depth + 1);
    }
    if (key == "type") {
      if (arg.is_string()) {
        if (has_type(v, arg.get_string())) return std::nullopt;
        return fail("must be " + article(arg.get_string()) + std::string(arg.get_string()));
      }
      for (const auto& t : arg.get_array())
        if (has_type(v, t.get_string())) return std::nullopt;
      return fail("must be one of the types " + json::serialize(arg));
    }
    if (key == "enum") {
      for (const auto& option : arg.get_array())
        if (json_equal(option, v)) return std::nullopt;
      return fail("must be one of " + json::serialize(arg));
    }
    if (key == "const") return json_equal(arg, v) ? std::nullopt : std::optional(fail("must be " + json::serialize(arg)));
    if (key == "allOf") {
      for (const auto& sub : arg.get_array())
        if (auto violation = run(sub, v, at, depth + 1)) return violation;
      return std::nullopt;
    }
    if (key == "anyOf") {
      std::optional<Violation> first;
      for (const auto& sub : arg.get_array()) {
        auto violation = run(sub, v, at, depth + 1);
        if (!violation) return std::nullopt;
        if (!first) first = std::move(violation);
      }
      return first;  // the first alternative's reason is the most useful one
    }
    if (key == "oneOf") {
      int matches = 0;
      std::optional<Violation> first;
      for (const auto& sub : arg.get_array()) {
        auto violation = run(sub, v, at, depth + 1);
        if (!violation) ++matches;
        else if (!first) first = std::move(violation);
      }
      if (matches == 1) return std::nullopt;
      if (matches == 0) return first;
      return fail("must match exactly one of the alternatives, not " + std::to_string(matches));
    }
    if (key == "not") {
      if (run(arg, v, at, depth + 1)) return std::nullopt;
      return fail("must not match the schema under 'not'");
    }
    if (v.is_object()) return object_keyword(key, arg, schema, v.get_object(), at, depth);
    if (v.is_array()) return array_keyword(key, arg, v.get_array(), at, depth);
    if (v.is_string()) {
      const std::size_t length = code_points(v.get_string());
      if (key == "minLength" && length < arg.to_number<std::uint64_t>())
        return fail("must be at least " + number_text(arg) + " characters long");
      if (key == "maxLength" && length > arg.to_number<std::uint64_t>())
        return fail("must be at most " + number_text(arg) + " characters long");
      return std::nullopt;
    }
    if (is_number(v)) return number_keyword(key, arg, v, at);
    return std::nullopt;
  }

  std::optional<Violation> object_keyword(std::string_view key, const json::value& arg, const json::object& schema,
                                          const json::object& v, const std::string& at, int depth) const {
    auto fail = [&](std::string pointer, std::string message) {
      return Violation{std::move(pointer), std::string(key), std::move(message)};
    };
    if (key == "required") {
      for (const auto& name : arg.get_array())
        if (!v.contains(name.get_string())) return fail(append_pointer(at, name.get_string()), "is required");
      return std::nullopt;
    }
    if (key == "properties") {
      for (const auto& [name, sub] : arg.get_object())
        if (const auto* member = v.if_contains(name))
          if (auto violation = run(sub, *member, append_pointer(at, name), depth + 1)) return violation;
      return std::nullopt;
    }
    if (key == "additionalProperties") {
      const auto* declared = schema.if_contains("properties");
      for (const auto& [name, member] : v) {
        if (declared && declared->get_object().contains(name)) continue;
        const std::string here = append_pointer(at, name);
        if (arg.is_bool() && !arg.get_bool()) return fail(here, "is not an allowed property");
        if (auto violation = run(arg, member, here, depth + 1)) return violation;
      }
      return std::nullopt;
    }
    if (key == "minProperties" && v.size() < arg.to_number<std::uint64_t>())
      return fail(at, "must have at least " + number_text(arg) + " properties");
    if (key == "maxProperties" && v.size() > arg.to_number<std::uint64_t>())
      return fail(at, "must have at most " + number_text(arg) + " properties");
    return std::nullopt;
  }

  std::optional<Violation> array_keyword(std::string_view key, const json::value& arg, const json::array& v,
                                         const std::string& at, int depth) const {
    auto fail = [&](std::string pointer, std::string message) {
      return Violation{std::move(pointer), std::string(key), std::move(message)};
    };
    if (key == "items") {
      for (std::size_t i = 0; i < v.size(); ++i)
        if (auto violation = run(arg, v[i], append_pointer(at, std::to_string(i)), depth + 1)) return violation;
      return std::nullopt;
    }
    if (key == "minItems" && v.size() < arg.to_number<std::uint64_t>())
      return fail(at, "must have at least " + number_text(arg) + " items");
    if (key == "maxItems" && v.size() > arg.to_number<std::uint64_t>())
      return fail(at, "must have at most " + number_text(arg) + " items");
    if (key == "uniqueItems" && arg.get_bool()) {
      for (std::size_t i = 0; i < v.size(); ++i)
        for (std::size_t j = i + 1; j < v.size(); ++j)
          if (json_equal(v[i], v[j]))
            return fail(append_pointer(at, std::to_string(j)), "repeats item " + std::to_string(i));
    }
    return std::nullopt;
  }

  std::optional<Violation> number_keyword(std::string_view key, const json::value& arg, const json::value& v,
                                          const std::string& at) const {
    auto fail = [&](std::string message) { return Violation{at, std::string(key), std::move(message)}; };
    if (!is_number(arg)) return std::nullopt;  // annotations and keywords of other types
    const double x = number_of(v);
    const double limit = number_of(arg);
    if (key == "minimum" && x < limit) return fail("must be at least " + number_text(arg));
    if (key == "maximum" && x > limit) return fail("must be at most " + number_text(arg));
    if (key == "exclusiveMinimum" && x <= limit) return fail("must be more than " + number_text(arg));
    if (key == "exclusiveMaximum" && x >= limit) return fail("must be less than " + number_text(arg));
    if (key == "multipleOf") {
      const double quotient = x / limit;
      if (!std::isfinite(quotient) || std::abs(quotient - std::round(quotient)) > 1e-9 * std::max(1.0, std::abs(quotient)))
        return fail("must be a multiple of " + number_text(arg));
    }
    return std::nullopt;
  }

  static std::string article(std::string_view type) {
    return type == "object" || type == "array" || type == "integer" ? "an " : "a ";
  }

  const Definitions& definitions_;
};

}  // namespace

const json::value* Definitions::find(std::string_view name) const {
  if (own)
    if (const auto* found = own->if_contains(name)) return found;
  if (shared)
    if (const auto* found = shared->if_contains(name)) return found;
  return nullptr;
}

std::optional<std::string> check_schema(const json::value& schema, const Definitions& definitions) {
  return Checker{definitions}.schema(schema, "");
}

std::optional<Violation> validate(const json::value& schema, const json::value& instance,
                                  const Definitions& definitions) {
  return Validator(definitions).run(schema, instance, "", 0);
}

bool json_equal(const json::value& a, const json::value& b) {
  if (is_number(a) && is_number(b)) {
    if (a.is_double() || b.is_double()) return number_of(a) == number_of(b);
    return a == b;  // int64/uint64 compare exactly
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!json_equal(x[i], y[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& [key, value] : x) {
      const auto* other = y.if_contains(key);
      if (!other || !json_equal(value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

std::string append_pointer(std::string_view pointer, std::string_view segment) {
  std::string out(pointer);
  out += '/';
  for (char c : segment) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace lagentry::schema
