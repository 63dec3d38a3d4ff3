// Bitbucket Cloud 2.0 (provider "bitbucket"): repositories of a workspace
// and the pull requests of a repository. Pages are numbered; the cursor is
// the answer's `next` URL, accepted back only on the API's own origin.
#pragma once

#include "api.hpp"

namespace atlassian {

inline constexpr std::string_view kBitbucketApi = "https://api.bitbucket.org/2.0/";

// The next-page URL a cursor stands for; BadInput unless it is a Bitbucket API URL.
std::string bitbucket_cursor_url(std::string_view cursor);

extern const Operation kRepositoriesList, kRepositoriesGet, kPullRequestsList, kBitbucketTest;

}  // namespace atlassian
