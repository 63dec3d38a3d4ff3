#include "core/runtime/input_validation.hpp"

#include <charconv>
#include <cmath>

namespace lagentry::runtime {
namespace json = boost::json;

namespace {

bool allows(const json::value& schema, std::string_view type) {
  if (!schema.is_object()) return false;
  const auto* declared = schema.get_object().if_contains("type");
  if (!declared) return false;
  if (declared->is_string()) return declared->get_string() == type;
  if (declared->is_array())
    for (const auto& t : declared->get_array())
      if (t.is_string() && t.get_string() == type) return true;
  return false;
}

json::value typed(const json::value& schema, const json::string& text) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (allows(schema, "integer")) {
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(begin, end, n);
    if (ec == std::errc{} && ptr == end) return n;
  }
  if (allows(schema, "number")) {
    double d = 0;
    auto [ptr, ec] = std::from_chars(begin, end, d);
    if (ec == std::errc{} && ptr == end && std::isfinite(d)) return d;
  }
  if (allows(schema, "boolean")) {
    if (text == "true") return true;
    if (text == "false") return false;
  }
  return text;
}

std::string first_segment(const std::string& pointer) {
  const std::size_t end = pointer.find('/', 1);
  std::string segment = pointer.substr(1, end == std::string::npos ? std::string::npos : end - 1);
  // Undo RFC 6901 escaping for the name shown to people.
  for (std::size_t at = 0; (at = segment.find("~1", at)) != std::string::npos;) segment.replace(at, 2, "/");
  for (std::size_t at = 0; (at = segment.find("~0", at)) != std::string::npos;) segment.replace(at, 2, "~");
  return segment;
}

}  // namespace

json::object typed_params(const json::object& params_schema, const json::object& params) {
  const json::value* properties = params_schema.if_contains("properties");
  json::object out;
  for (const auto& [name, value] : params) {
    const json::value* schema = properties && properties->is_object() ? properties->get_object().if_contains(name) : nullptr;
    out[name] = schema && value.is_string() ? typed(*schema, value.get_string()) : value;
  }
  return out;
}

std::optional<InputError> validate_input(const plugin::OperationDescriptor& operation,
                                         const schema::Definitions& definitions, const json::object& params,
                                         const std::set<std::string, std::less<>>& path_names, const json::value& body) {
  const json::value typed = typed_params(operation.params, params);
  if (auto violation = schema::validate(operation.params, typed, definitions)) {
    const std::string name = violation->pointer.empty() ? "" : first_segment(violation->pointer);
    InputError error;
    error.in = path_names.count(name) ? "path" : "query";
    error.pointer = violation->pointer;
    error.keyword = violation->keyword;
    error.message = name.empty() ? "the parameters " + violation->message
                                 : error.in + " parameter '" + name + "' " + violation->message;
    return error;
  }
  if (!operation.body.is_null() && !body.is_null()) {
    if (auto violation = schema::validate(operation.body, body, definitions)) {
      InputError error{"body", violation->pointer, violation->keyword, {}};
      error.message = violation->pointer.empty() ? "the body " + violation->message
                                                 : "the body's " + violation->pointer + " " + violation->message;
      return error;
    }
  }
  return std::nullopt;
}

}  // namespace lagentry::runtime
