// Atlassian Document Format: Jira v3 takes and returns rich text as ADF
// trees. Plain text goes in as paragraphs (blank lines) with hard breaks
// (single newlines); ADF comes out as its text.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace atlassian {

boost::json::object adf_from_text(std::string_view text);
std::string adf_to_text(const boost::json::value& adf);

}  // namespace atlassian
