// Checks an operation's input against its manifest schemas before the plugin
// runs, so a bad request costs no plugin call and no upstream request, and the
// client learns exactly which value failed (a JSON pointer).
#pragma once

#include "core/plugin/manifest.hpp"
#include "core/schema/json_schema.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <set>
#include <string>

namespace lagentry::runtime {

struct InputError {
  std::string in;       // "query", "path" or "body"
  std::string pointer;  // JSON pointer: into the parameters ("/limit") or the body ("/to")
  std::string keyword;  // the schema keyword that failed
  std::string message;  // for people: "query parameter 'limit' must be at most 1000"
};

// `params` are the request's query parameters and path captures (strings);
// `path_names` says which came from the path. `body` is null when the request
// has none.
std::optional<InputError> validate_input(const plugin::OperationDescriptor& operation,
                                         const schema::Definitions& definitions, const boost::json::object& params,
                                         const std::set<std::string, std::less<>>& path_names,
                                         const boost::json::value& body);

// Query strings are untyped: reads "20" as 20, "true" as true and "1.5" as
// 1.5 where the parameter's schema says integer, boolean or number (and
// leaves the string when it does not parse, so validation names it).
boost::json::object typed_params(const boost::json::object& params_schema, const boost::json::object& params);

}  // namespace lagentry::runtime
