// The in-memory "cloud": what each emulated provider stores. Seeded by
// seed.cpp; mutated by the API handlers; restored by POST /_sandbox/reset.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lagentry::sandbox {

// The one end user every provider knows (the person who "consents").
inline constexpr const char* kUserName = "Alice Example";
inline constexpr const char* kUserEmail = "alice@example.com";

// ---- Google ----
struct GmailMessage {
  std::string id, thread_id;
  std::vector<std::string> labels;
  std::int64_t internal_date = 0;  // epoch millis
  std::string history_id;
  std::string raw;  // the RFC 2822 text; every format is derived from it
};
struct GmailLabel {
  std::string id, name, type;  // type "system" or "user"
};
struct DriveFile {
  std::string id, name, mime_type, description;
  std::vector<std::string> parents;
  std::int64_t created = 0, modified = 0;  // epoch seconds
  std::int64_t size = -1;                  // -1: Google-native docs have no size
  bool trashed = false, starred = false;
};
struct CalendarEvent {
  std::string id, summary, description, location;
  std::int64_t start = 0, end = 0;  // epoch seconds (all-day: midnight UTC)
  bool all_day = false;
  std::vector<std::string> attendees;
  std::int64_t created = 0, updated = 0;
  std::uint64_t changed = 0;  // GoogleData::calendar_changes when last written (0: seeded)
};
// A deleted event: events.get answers 410, a sync lists it as cancelled.
struct CancelledEvent {
  std::string id;
  std::uint64_t changed = 0;
};
struct GoogleData {
  std::vector<GmailMessage> messages;  // newest first
  std::vector<GmailLabel> labels;
  std::vector<DriveFile> files;
  std::vector<CalendarEvent> events;  // primary calendar
  std::vector<CancelledEvent> deleted_events;
  std::uint64_t calendar_changes = 0;  // counts writes; sync tokens name one
  std::uint64_t next_id = 1;
};

// ---- Slack ----
struct SlackChannel {
  std::string id, name, topic, purpose;
  bool is_private = false, is_archived = false, is_member = true;
  std::int64_t created = 0;
  int num_members = 0;
};
struct SlackMessage {
  std::string channel, ts, user, text, bot_id, thread_ts;
};
struct SlackUser {
  std::string id, name, real_name, email;
  bool is_bot = false, deleted = false;
};
struct SlackData {
  std::vector<SlackChannel> channels;
  std::vector<SlackMessage> messages;  // oldest first
  std::vector<SlackUser> users;
  std::int64_t next_ts_micros = 0;  // ts of the next posted message
};

// ---- Atlassian (Jira + Confluence, per site) ----
struct JiraProject {
  std::string id, key, name;
};
struct JiraIssue {
  std::string id, key, project_key, summary, description, status, issue_type, priority;
  std::string assignee;    // account id, empty = unassigned
  std::string resolution;  // empty = Unresolved
  std::int64_t created = 0, updated = 0;
};
struct ConfluencePage {
  std::string id, title, space_id, parent_id, body, status;
  std::int64_t created = 0;
  int version = 1;
};
struct AtlassianSite {
  std::string cloud_id, name, url;
  std::vector<JiraProject> projects;
  std::vector<JiraIssue> issues;  // creation order
  std::vector<ConfluencePage> pages;
  int next_issue_id = 10000;
  std::map<std::string, int> next_issue_number;  // per project key
  int next_page_id = 1000000;
};
struct AtlassianData {
  std::vector<AtlassianSite> sites;
};

// ---- Bitbucket ----
struct BitbucketRepo {
  std::string slug, name, description, language;
  bool is_private = true;
  std::int64_t created = 0, updated = 0;
};
struct BitbucketPullRequest {
  int id = 0;
  std::string repo, title, state, source_branch, destination_branch;
  std::int64_t created = 0;
};
struct BitbucketData {
  std::string workspace;
  std::vector<BitbucketRepo> repos;
  std::vector<BitbucketPullRequest> pull_requests;
};

// Seeds (seed.cpp).
GoogleData seed_google();
SlackData seed_slack();
AtlassianData seed_atlassian();
BitbucketData seed_bitbucket();

}  // namespace lagentry::sandbox
