// The Atlassian plugin: Jira and Confluence (Atlassian 3LO) and Bitbucket
// (its own OAuth server). OAuth descriptors live in manifest.json as data;
// each product's operations live in their own file; this one dispatches.
#include "bitbucket.hpp"
#include "confluence.hpp"
#include "jira.hpp"
#include "manifest_json.hpp"
#include "sites.hpp"

#include <lagentry/plugin.hpp>

#include <string_view>
#include <utility>

namespace {
using atlassian::Operation;
const std::pair<std::string_view, const Operation*> kOperations[] = {
    {"jira-issues.list", &atlassian::kIssuesList},
    {"jira-issues.search", &atlassian::kIssuesSearch},
    {"jira-issues.get", &atlassian::kIssuesGet},
    {"jira-issues.create", &atlassian::kIssuesCreate},
    {"jira-issues.update", &atlassian::kIssuesUpdate},
    {"jira-issues.delete", &atlassian::kIssuesDelete},
    {"jira-issues.test", &atlassian::kJiraTest},
    {"jira-projects.list", &atlassian::kProjectsList},
    {"jira-projects.get", &atlassian::kProjectsGet},
    {"jira-projects.test", &atlassian::kJiraTest},
    {"jira.project_issues", &atlassian::kProjectIssues},
    {"jira.my_issues", &atlassian::kMyIssues},
    {"confluence-pages.list", &atlassian::kPagesList},
    {"confluence-pages.get", &atlassian::kPagesGet},
    {"confluence-pages.create", &atlassian::kPagesCreate},
    {"confluence-pages.test", &atlassian::kConfluenceTest},
    {"bitbucket-repositories.list", &atlassian::kRepositoriesList},
    {"bitbucket-repositories.get", &atlassian::kRepositoriesGet},
    {"bitbucket-repositories.test", &atlassian::kBitbucketTest},
    {"bitbucket-pullrequests.list", &atlassian::kPullRequestsList},
    {"bitbucket-pullrequests.test", &atlassian::kBitbucketTest},
};

lagentry::Step handle(const lagentry::Call& call) {
  if (call.operation == "atlassian.sites") return atlassian::sites_step(call);
  for (const auto& [name, operation] : kOperations)
    if (call.operation == name) return atlassian::run(*operation, call);
  throw lagentry::UnknownOperation(call.operation);
}
}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = "atlassian",
                        .version = "0.1.0",
                        .manifest = kManifestJson,
                        .handle = handle,
                        .response_list = true})
