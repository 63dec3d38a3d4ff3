// Which Atlassian site (cloud id) a Jira or Confluence call goes to. The
// post-connect hook (sites.cpp) kept {"sites":[{"id","name","url"}]} with
// the connection; params.site (an id, name or URL) chooses one, the first
// is the default. Sites whose id is not a cloud id (a UUID) are ignored.
#pragma once

#include "errors.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace atlassian {

struct Site {
  std::string id, name, url;
};

// `connection` is the input's "connection" member ({"metadata":{"sites":[..]}}).
std::variant<Site, Failure> select_site(const boost::json::value& connection, std::string_view wanted);

}  // namespace atlassian
