// The seeded state: enough of everything that listing takes several pages.
// Deterministic, so tests can name ids.
#include "data.hpp"
#include "util.hpp"

#include <cstdio>
#include <ctime>

namespace lagentry::sandbox {

namespace {
constexpr std::int64_t kMay1st2024 = 1714521600;  // 2024-05-01T00:00:00Z
constexpr std::int64_t kDay = 86400;

std::string rfc2822_date(std::int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string gmail_raw(const std::string& from, const std::string& to, const std::string& subject, std::int64_t date,
                      const std::string& text, int n) {
  return "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nDate: " + rfc2822_date(date) +
         "\r\nMessage-ID: <seed-" + std::to_string(n) +
         "@sandbox.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
         "boundary=\"sandbox-boundary\"\r\n\r\n--sandbox-boundary\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\n" +
         text + "\r\n--sandbox-boundary\r\nContent-Type: text/html; charset=\"UTF-8\"\r\n\r\n<div>" + text +
         "</div>\r\n--sandbox-boundary--\r\n";
}

std::string hex_id(std::uint64_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(n));
  return buf;
}
}  // namespace

GoogleData seed_google() {
  GoogleData g;
  for (const char* id : {"INBOX", "SENT", "TRASH", "SPAM", "DRAFT", "UNREAD", "STARRED", "IMPORTANT"})
    g.labels.push_back({id, id, "system"});
  g.labels.push_back({"Label_1", "Work", "user"});
  g.labels.push_back({"Label_2", "Receipts", "user"});

  struct Sender {
    const char* from;
    const char* subject;
  };
  const Sender senders[] = {{"Bob Builder <bob@example.com>", "Project update"},
                            {"Carol Chen <carol@example.org>", "Lunch on Friday?"},
                            {"GitHub <noreply@github.com>", "[lagentry] CI run passed"},
                            {"Dave Ops <dave@example.com>", "On-call handover"},
                            {"Billing <billing@vendor.example>", "Invoice"}};
  const std::string alice = std::string(kUserName) + " <" + kUserEmail + ">";
  // 35 messages, newest first, five hours apart; every tenth is Alice's reply to the one before it.
  for (int i = 0; i < 35; ++i) {
    const std::int64_t date = kMay1st2024 + 40 * kDay - i * 5 * 3600;
    GmailMessage m;
    m.id = hex_id(0x18f3a0b1c2d30000ULL + static_cast<std::uint64_t>(35 - i));
    m.internal_date = date * 1000;
    m.history_id = std::to_string(100000 + (35 - i) * 7);
    const Sender& s = senders[i % 5];
    const std::string subject = std::string(s.subject) + " #" + std::to_string(i);
    if (i % 10 == 9) {
      m.thread_id = hex_id(0x18f3a0b1c2d30000ULL + static_cast<std::uint64_t>(35 - (i - 1)));
      m.labels = {"SENT"};
      m.raw = gmail_raw(alice, "Bob Builder <bob@example.com>", "Re: " + subject, date,
                        "Thanks, sounds good. (reply " + std::to_string(i) + ")", i);
    } else {
      m.thread_id = m.id;
      m.labels = {"INBOX"};
      if (i % 3 == 0) m.labels.push_back("UNREAD");
      if (i % 7 == 0) m.labels.push_back("STARRED");
      if (i % 5 == 0) m.labels.push_back("IMPORTANT");
      if (i % 5 == 0 || i % 5 == 3) m.labels.push_back("Label_1");
      if (i % 5 == 4) m.labels.push_back("Label_2");
      m.raw = gmail_raw(s.from, alice, subject, date,
                        "Hi Alice, this is message number " + std::to_string(i) + " about " + s.subject + ".", i);
    }
    g.messages.push_back(std::move(m));
  }

  // Drive: two folders and 28 files, most recently modified first.
  g.files.push_back({"1SbxFolderProjects", "Projects", "application/vnd.google-apps.folder", "", {"root"},
                     kMay1st2024, kMay1st2024 + 30 * kDay, -1, false, true});
  g.files.push_back({"1SbxFolderFinance", "Finance", "application/vnd.google-apps.folder", "", {"root"},
                     kMay1st2024, kMay1st2024 + 29 * kDay, -1, false, false});
  for (int i = 0; i < 28; ++i) {
    DriveFile f;
    char id[32];
    std::snprintf(id, sizeof id, "1SbxFile%02dAbCdEf", i);
    f.id = id;
    f.created = kMay1st2024 - (i + 10) * kDay;
    f.modified = kMay1st2024 + (27 - i) * kDay;
    switch (i % 4) {
      case 0:
        f.name = "Q" + std::to_string(i % 4 + 1 + i / 8) + " report " + std::to_string(i) + ".pdf";
        f.mime_type = "application/pdf";
        f.size = 100000 + i * 1000;
        f.parents = {"1SbxFolderFinance"};
        break;
      case 1:
        f.name = "Meeting notes " + std::to_string(i);
        f.mime_type = "application/vnd.google-apps.document";
        f.parents = {"1SbxFolderProjects"};
        break;
      case 2:
        f.name = "Budget " + std::to_string(i);
        f.mime_type = "application/vnd.google-apps.spreadsheet";
        f.parents = {"1SbxFolderFinance"};
        break;
      default:
        f.name = "Diagram " + std::to_string(i) + ".png";
        f.mime_type = "image/png";
        f.size = 20000 + i * 10;
        f.parents = {"root"};
    }
    f.starred = i % 9 == 0;
    f.trashed = i == 27;
    g.files.push_back(std::move(f));
  }

  // Calendar: a 09:00 UTC standup every day of May 2024, plus a few all-day events.
  for (int day = 0; day < 31; ++day) {
    CalendarEvent e;
    e.id = "sbxstandup" + std::to_string(100 + day);
    e.summary = "Standup";
    e.start = kMay1st2024 + day * kDay + 9 * 3600;
    e.end = e.start + 15 * 60;
    e.attendees = {"bob@example.com", "carol@example.org"};
    e.created = e.updated = kMay1st2024 - 30 * kDay;
    g.events.push_back(std::move(e));
  }
  for (int i = 0; i < 4; ++i) {
    CalendarEvent e;
    e.id = "sbxoffsite" + std::to_string(i);
    e.summary = "Offsite day " + std::to_string(i + 1);
    e.all_day = true;
    e.start = kMay1st2024 + (20 + i) * kDay;
    e.end = e.start + kDay;
    e.created = e.updated = kMay1st2024 - 10 * kDay;
    g.events.push_back(std::move(e));
  }
  return g;
}

SlackData seed_slack() {
  SlackData s;
  s.users = {{"U0ALICE", "alice", "Alice Example", kUserEmail, false, false},
             {"U0BOB", "bob", "Bob Builder", "bob@example.com", false, false},
             {"U0CAROL", "carol", "Carol Chen", "carol@example.org", false, false},
             {"U0DAVE", "dave", "Dave Ops", "dave@example.com", false, false},
             {"U0BOT", "sandbox-bot", "Sandbox Bot", "", true, false},
             {"U0GONE", "eve", "Eve Former", "eve@example.com", false, true}};
  const std::int64_t created = 1421924831;
  s.channels = {{"C0GENERAL", "general", "Company-wide", "Announcements and chatter", false, false, true, created, 6},
                {"C0RANDOM", "random", "", "Anything goes", false, false, true, created + 10, 5},
                {"C0ENG", "engineering", "Ship it", "Engineering talk", false, false, true, created + 20, 4},
                {"G0OPS", "ops-private", "", "On-call", true, false, true, created + 30, 2},
                {"C0OLD", "old-announcements", "", "", false, true, false, created + 40, 3}};
  std::int64_t ts = 1714560000LL * 1000000;
  const char* authors[] = {"U0BOB", "U0CAROL", "U0DAVE", "U0ALICE"};
  auto post = [&](const char* channel, const std::string& user, const std::string& text) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(ts / 1000000),
                  static_cast<long long>(ts % 1000000));
    s.messages.push_back({channel, buf, user, text, "", ""});
    ts += 60 * 1000000 + 216;
  };
  for (int i = 0; i < 30; ++i) post("C0GENERAL", authors[i % 4], "general message " + std::to_string(i) + (i % 6 == 0 ? " about the deploy" : ""));
  for (int i = 0; i < 5; ++i) post("C0RANDOM", authors[i % 4], "random thought " + std::to_string(i));
  for (int i = 0; i < 8; ++i) post("C0ENG", authors[i % 4], "engineering note " + std::to_string(i) + " on the deploy pipeline");
  for (int i = 0; i < 3; ++i) post("G0OPS", "U0DAVE", "pager alert " + std::to_string(i));
  s.next_ts_micros = ts;
  return s;
}

AtlassianData seed_atlassian() {
  AtlassianData a;
  AtlassianSite acme{"11111111-2222-4333-8444-555555555555", "acme", "https://acme.atlassian.net", {}, {}, {}, 10000, {}, 1000000};
  acme.projects = {{"10000", "EX", "Example"}, {"10001", "OPS", "Operations"}};
  const char* statuses[] = {"To Do", "In Progress", "Done"};
  // 12 issues over 2 projects; half assigned to Alice; the Done ones are resolved.
  for (int i = 0; i < 12; ++i) {
    JiraIssue issue;
    issue.project_key = i < 7 ? "EX" : "OPS";
    int number = ++acme.next_issue_number[issue.project_key];
    issue.id = std::to_string(acme.next_issue_id++);
    issue.key = issue.project_key + "-" + std::to_string(number);
    issue.summary = (i < 7 ? "Example task " : "Ops chore ") + std::to_string(number);
    issue.description = "Seeded issue " + issue.key + ".";
    issue.status = statuses[i % 3];
    issue.resolution = i % 3 == 2 ? "Done" : "";
    issue.issue_type = i % 4 == 0 ? "Bug" : "Task";
    issue.priority = i % 2 ? "Medium" : "High";
    issue.assignee = i % 2 == 0 ? "5b10ac8d82e05b22cc7d4ef5" : "";
    issue.created = issue.updated = kMay1st2024 + i * kDay;
    acme.issues.push_back(std::move(issue));
  }
  for (int i = 0; i < 8; ++i) {
    ConfluencePage p;
    p.id = std::to_string(acme.next_page_id++);
    p.title = i == 0 ? "Runbook" : "Design note " + std::to_string(i);
    p.space_id = "98765";
    p.parent_id = i == 0 ? "" : "1000000";
    p.body = "<p>" + p.title + " body.</p>";
    p.status = "current";
    p.created = kMay1st2024 + i * kDay;
    acme.pages.push_back(std::move(p));
  }

  AtlassianSite beta{"66666666-7777-4888-9999-000000000000", "beta", "https://beta.atlassian.net", {}, {}, {}, 20000, {}, 2000000};
  beta.projects = {{"10100", "BETA", "Beta launch"}};
  for (int i = 0; i < 3; ++i) {
    JiraIssue issue;
    issue.project_key = "BETA";
    issue.id = std::to_string(beta.next_issue_id++);
    issue.key = "BETA-" + std::to_string(++beta.next_issue_number["BETA"]);
    issue.summary = "Beta item " + std::to_string(i + 1);
    issue.status = "To Do";
    issue.issue_type = "Task";
    issue.priority = "Low";
    issue.assignee = "5b10ac8d82e05b22cc7d4ef5";
    issue.created = issue.updated = kMay1st2024 + i * kDay;
    beta.issues.push_back(std::move(issue));
  }
  for (int i = 0; i < 2; ++i)
    beta.pages.push_back({std::to_string(beta.next_page_id++), "Beta page " + std::to_string(i + 1), "55555", "",
                          "<p>beta</p>", "current", kMay1st2024, 1});
  a.sites = {std::move(acme), std::move(beta)};
  return a;
}

BitbucketData seed_bitbucket() {
  BitbucketData b;
  b.workspace = "sandbox-team";
  const char* languages[] = {"c++", "python", "go", "typescript"};
  for (int i = 1; i <= 25; ++i) {
    char slug[32];
    std::snprintf(slug, sizeof slug, "service-%02d", i);
    b.repos.push_back({slug, slug, "Seeded repository " + std::to_string(i), languages[i % 4], i % 5 != 0,
                       kMay1st2024 - i * kDay, kMay1st2024 + i * 3600});
  }
  for (int i = 1; i <= 12; ++i)
    b.pull_requests.push_back({i, "service-01", "Change number " + std::to_string(i), i % 4 == 0 ? "MERGED" : "OPEN",
                               "feature/change-" + std::to_string(i), "main", kMay1st2024 + i * 3600});
  for (int i = 1; i <= 2; ++i)
    b.pull_requests.push_back({i, "service-02", "Fix " + std::to_string(i), "OPEN", "fix/" + std::to_string(i), "main",
                               kMay1st2024 + i * 7200});
  return b;
}

}  // namespace lagentry::sandbox
