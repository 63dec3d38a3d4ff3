// Jira Cloud REST v3: the jira-issues and jira-projects connectors and the
// /jira/... routes. Issue lists use search/jql (nextPageToken pages, explicit
// fields); project lists use project/search (startAt pages).
#pragma once

#include "api.hpp"

namespace atlassian {

// The JQL for a search: `q` itself when it reads as JQL, else a text search.
std::string search_jql(std::string_view q);
// A quoted JQL string literal.
std::string jql_string(std::string_view text);
// The startAt offset a project-list cursor stands for (BadInput when not one).
std::size_t offset_cursor(std::string_view cursor);

extern const Operation kIssuesList, kIssuesSearch, kIssuesGet, kIssuesCreate, kIssuesUpdate, kIssuesDelete;
extern const Operation kProjectIssues, kMyIssues;  // GET /jira/projects/{id}/issues, GET /jira/my-issues
extern const Operation kProjectsList, kProjectsGet;
extern const Operation kJiraTest;  // GET myself

}  // namespace atlassian
