// The real google.so, loaded by the host's real loader and driven through the
// C ABI, step by step, with a fake Google answering in the exact wire formats.
// This is what the sans-I/O design buys: whole operations tested without I/O.
#include "mime.hpp"

#include "core/plugin/plugin_loader.hpp"
#include "core/runtime/operation_runner.hpp"
#include "core/runtime/plugin_step.hpp"
#include "tests/support/host_process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>

namespace fs = std::filesystem;
namespace json = boost::json;
using lagentry::plugin::LoadedPlugin;

namespace {
constexpr std::string_view kGmail = "https://gmail.googleapis.com/gmail/v1/users/me/";

struct Answer {
  int status = 200;
  std::string body;
};
using FakeGoogle = std::function<Answer(const json::object& request)>;

struct Run {
  int32_t code = LG_OK;
  std::string message;                            // the plugin's message on a non-OK code
  json::object reply;                             // {"status":..,"body"|"error":..}
  std::vector<std::vector<json::object>> steps;   // the requests of each fetch step
  int status() const { return reply.at("status").to_number<int>(); }
  const json::value& body() const { return reply.at("body"); }
  std::string error_code() const { return std::string(reply.at("error").at("code").as_string()); }
  std::vector<json::object> all_requests() const {
    std::vector<json::object> out;
    for (const auto& s : steps) out.insert(out.end(), s.begin(), s.end());
    return out;
  }
};

// Loads google.so once for the whole test program, as the host would.
const LoadedPlugin& plugin() {
  static const auto loaded = [] {
    const fs::path runtime = lagentry::test::make_temp_dir("google-abi");
    auto outcome = lagentry::plugin::load_plugin(lagentry::test::product_plugin_dir() / "google.so", runtime);
    BOOST_REQUIRE_MESSAGE(outcome.plugin, outcome.error);
    return outcome.plugin;
  }();
  return *loaded;
}

// How the responses reach the plugin: as this host hands them over (the
// plugin asks for a list, ABI 1.2), or as the JSON document a 1.1 host sends.
enum class Delivery { as_this_host_does, as_a_1_1_host_does };

lagentry::plugin::StepResult step(std::string_view operation, const std::string& input, const std::string& state,
                                  const std::vector<lagentry::runtime::UpstreamResponse>& responses, Delivery delivery) {
  if (delivery == Delivery::as_this_host_does)
    return lagentry::runtime::invoke_step(plugin(), operation, input, state, responses);
  const std::string document = responses.empty() ? std::string() : lagentry::runtime::responses_document(responses);
  return plugin().invoke(operation, input, state, document);
}

// The host's loop: invoke, answer every requested fetch, invoke again.
Run run(std::string_view operation, const json::object& input, const FakeGoogle& google,
        Delivery delivery = Delivery::as_this_host_does) {
  Run run;
  std::string state;
  std::vector<lagentry::runtime::UpstreamResponse> responses;
  const std::string input_json = json::serialize(input);
  for (int n = 0; n < 16; ++n) {
    auto result = step(operation, input_json, state, responses, delivery);
    if (result.code != LG_OK) {
      run.code = result.code;
      run.message = result.json;
      return run;
    }
    if (result.kind == LG_STEP_REPLY) {
      run.reply = json::parse(result.json).as_object();
      return run;
    }
    std::vector<lagentry::runtime::UpstreamResponse> answers;
    auto& requests = run.steps.emplace_back();
    const json::value fetch = json::parse(result.json);  // kept alive: range-for would not extend a temporary's
    for (const auto& r : fetch.at("requests").as_array()) {
      requests.push_back(r.as_object());
      BOOST_TEST(!r.as_object().contains("auth"));  // the connection's token, by default
      const Answer a = google(r.as_object());
      lagentry::runtime::UpstreamResponse answer;
      answer.status = a.status;
      answer.headers = {{"content-type", "application/json; charset=UTF-8"}};
      answer.body = a.body;
      answers.push_back(std::move(answer));
    }
    BOOST_TEST_REQUIRE(requests.size() <= 64u);  // the host's per-step ceiling
    state = std::move(result.state);
    responses = std::move(answers);
  }
  BOOST_FAIL("the operation did not finish in 16 steps");
  return run;
}

json::object input(json::object params, json::value body = nullptr) {
  params.emplace("user_email", "alice@example.com");
  return {{"params", std::move(params)}, {"body", std::move(body)}, {"provider", "google"}};
}

std::string url_of(const json::object& request) { return std::string(request.at("url").as_string()); }
std::string method_of(const json::object& request) { return std::string(request.at("method").as_string()); }
bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// The query value of `key` in a URL (not decoded).
std::string query_value(const std::string& url, const std::string& key) {
  for (std::size_t at = url.find('?'); at != std::string::npos; at = url.find('&', at + 1)) {
    if (url.compare(at + 1, key.size() + 1, key + "=") != 0) continue;
    const std::size_t start = at + key.size() + 2;
    return url.substr(start, url.find('&', start) - start);
  }
  return {};
}

std::string google_error(int code, const char* reason) {
  return json::serialize(json::object{
      {"error", {{"code", code}, {"message", "no"}, {"errors", json::array{json::object{{"reason", reason}}}}}}});
}

// A mailbox of `count` messages m0..m{count-1}, paged by offset tokens.
struct FakeMailbox {
  int count;
  Answer operator()(const json::object& request) const {
    const std::string url = url_of(request);
    const std::string path = url.substr(kGmail.size(), url.find('?') - kGmail.size());
    if (path == "messages") {
      const int page = std::stoi(query_value(url, "maxResults"));
      const std::string token = query_value(url, "pageToken");
      const int offset = token.empty() ? 0 : std::stoi(token);
      json::array ids;
      for (int i = offset; i < std::min(count, offset + page); ++i)
        ids.push_back(json::object{{"id", "m" + std::to_string(i)}, {"threadId", "t" + std::to_string(i)}});
      json::object body{{"resultSizeEstimate", count}};
      if (!ids.empty()) body["messages"] = ids;
      if (offset + page < count) body["nextPageToken"] = std::to_string(offset + page);
      return {200, json::serialize(body)};
    }
    const std::string id = path.substr(std::string_view("messages/").size());
    BOOST_TEST(query_value(url, "format") == "metadata");
    return {200, json::serialize(json::object{
                     {"id", id}, {"threadId", id}, {"labelIds", json::array{"INBOX"}}, {"snippet", "about " + id},
                     {"internalDate", "1714564800000"},
                     {"payload", {{"mimeType", "text/plain"},
                                  {"headers", json::array{json::object{{"name", "Subject"}, {"value", "Subject " + id}},
                                                          json::object{{"name", "From"}, {"value", "bob@example.com"}}}}}}})};
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(plugin_abi)

BOOST_AUTO_TEST_CASE(the_manifest_loads_and_declares_the_connectors_and_routes) {
  const auto& m = plugin().manifest();
  BOOST_TEST(m.id == "google");
  BOOST_REQUIRE_EQUAL(m.connectors.size(), 3u);
  BOOST_TEST(m.connectors[0].name == "gmail");
  BOOST_TEST(m.connectors[0].verbs.size() == 7u);
  BOOST_TEST(m.connectors[1].item_types.at(0) == "file");
  BOOST_TEST(m.connectors[2].item_types.at(0) == "event");
  BOOST_TEST(m.routes.size() == 3u);
  for (const auto& c : m.connectors) BOOST_TEST(!c.scopes.empty(), c.name);
  // Least privilege: the provider asks for identity only; every operation
  // names the scopes it needs (any one of them, the narrowest first), and
  // each connector's scopes are its operations' first choices.
  BOOST_TEST((m.providers.at(0).oauth.scopes == std::vector<std::string>{"openid", "email"}));
  for (const auto& op : m.operations) BOOST_TEST(!op.scopes.empty(), op.name);
  for (const auto& c : m.connectors)
    for (const auto& s : c.scopes) {
      bool first_choice = false;
      for (const auto& op : m.operations)
        if (op.name.rfind(c.name + ".", 0) == 0 && op.scopes.front() == s) first_choice = true;
      BOOST_TEST(first_choice, c.name << " " << s);
    }
  // Every declared operation is implemented.
  for (const auto& op : m.operations) {
    auto result = plugin().invoke(op.name, R"({"params":{}})");
    BOOST_TEST(result.code != LG_ERR_UNKNOWN_OPERATION, op.name);
  }
  BOOST_TEST(plugin().invoke("gmail.nope", "{}").code == LG_ERR_UNKNOWN_OPERATION);
}

BOOST_AUTO_TEST_CASE(gmail_list_fans_out_metadata_in_one_step_and_pages) {
  const FakeMailbox mailbox{35};
  Run first = run("gmail.list", input({}), mailbox);
  BOOST_TEST_REQUIRE(first.status() == 200, json::serialize(first.reply));
  BOOST_REQUIRE_EQUAL(first.steps.size(), 2u);
  BOOST_TEST(url_of(first.steps[0][0]) == std::string(kGmail) + "messages?maxResults=20");
  BOOST_TEST(first.steps[1].size() == 20u);  // every id at once: the host runs them concurrently
  BOOST_TEST(url_of(first.steps[1][0]) ==
             std::string(kGmail) + "messages/m0?format=metadata&metadataHeaders=From&metadataHeaders=Subject"
                                   "&metadataHeaders=Date&metadataHeaders=To");
  const auto& items = first.body().at("items").as_array();
  BOOST_REQUIRE_EQUAL(items.size(), 20u);
  BOOST_TEST(items[0].at("title") == "Subject m0");
  BOOST_TEST(items[19].at("id") == "m19");
  BOOST_TEST(items[0].at("from") == "bob@example.com");
  BOOST_TEST(items[0].at("created_at") == "2024-05-01T12:00:00Z");
  BOOST_TEST(first.body().at("next_cursor") == "20");

  Run second = run("gmail.list", input({{"cursor", "20"}, {"limit", "20"}}), mailbox);
  BOOST_TEST(query_value(url_of(second.steps[0][0]), "pageToken") == "20");
  BOOST_TEST(second.body().at("items").as_array().size() == 15u);
  BOOST_TEST(second.body().at("next_cursor").is_null());
}

// google.so asks for its responses as a list (ABI 1.2); a 1.1 host sends the
// JSON document instead, and the answers must be the same, byte for byte:
// pages, upstream errors, and a body that is not valid UTF-8 (U+FFFD for
// each bad byte either way).
BOOST_AUTO_TEST_CASE(a_1_1_hosts_responses_document_gives_the_same_answers) {
  BOOST_TEST(plugin().takes_response_list());
  const FakeGoogle listing = FakeMailbox{12};
  const FakeGoogle denied = [](const json::object&) { return Answer{403, google_error(403, "insufficientPermissions")}; };
  const FakeGoogle bad_bytes = [](const json::object&) {
    return Answer{200, "{\"labels\":[{\"id\":\"L\xff\",\"name\":\"caf\xc3\"}]}"};
  };
  const std::vector<std::pair<std::string, const FakeGoogle*>> cases{
      {"gmail.list", &listing}, {"gmail.labels", &denied}, {"gmail.labels", &bad_bytes}};
  for (const auto& [operation, google] : cases) {
    const Run listed = run(operation, input({{"limit", "5"}}), *google);
    const Run documented = run(operation, input({{"limit", "5"}}), *google, Delivery::as_a_1_1_host_does);
    BOOST_TEST(listed.code == LG_OK);
    BOOST_TEST(json::serialize(listed.reply) == json::serialize(documented.reply), operation);
  }
  const Run repaired = run("gmail.labels", input({}), bad_bytes);
  BOOST_TEST(repaired.body().at("labels").at(0).at("id") == "L\xEF\xBF\xBD");
  BOOST_TEST(repaired.body().at("labels").at(0).at("name") == "caf\xEF\xBF\xBD");
}

BOOST_AUTO_TEST_CASE(gmail_list_caps_the_limit_and_splits_large_fan_outs) {
  Run big = run("gmail.list", input({{"limit", "1000"}}), FakeMailbox{150});
  BOOST_TEST(query_value(url_of(big.steps[0][0]), "maxResults") == "100");
  BOOST_REQUIRE_EQUAL(big.steps.size(), 3u);
  BOOST_TEST(big.steps[1].size() == 50u);
  BOOST_TEST(big.steps[2].size() == 50u);
  const auto& items = big.body().at("items").as_array();
  BOOST_REQUIRE_EQUAL(items.size(), 100u);
  BOOST_TEST(items[99].at("id") == "m99");  // order kept across steps
}

BOOST_AUTO_TEST_CASE(gmail_empty_results_and_vanished_messages) {
  Run empty = run("gmail.search", input({{"q", "from:nobody"}}), [](const json::object&) {
    return Answer{200, R"({"resultSizeEstimate":0})"};
  });
  BOOST_TEST(empty.steps.size() == 1u);
  BOOST_TEST(empty.body().at("items").as_array().empty());
  BOOST_TEST(empty.body().at("next_cursor").is_null());

  // A message deleted between the listing and its fetch is left out.
  const FakeMailbox mailbox{3};
  Run gone = run("gmail.list", input({}), [&](const json::object& r) {
    if (url_of(r).find("messages/m1?") != std::string::npos) return Answer{404, google_error(404, "notFound")};
    return mailbox(r);
  });
  BOOST_TEST(gone.body().at("items").as_array().size() == 2u);
}

BOOST_AUTO_TEST_CASE(gmail_search_passes_q_and_requires_it) {
  Run found = run("gmail.search", input({{"q", "from:bob is:unread"}}), FakeMailbox{2});
  BOOST_TEST(query_value(url_of(found.steps[0][0]), "q") == "from%3Abob%20is%3Aunread");
  BOOST_TEST(run("gmail.search", input({}), FakeMailbox{2}).code == LG_ERR_BAD_INPUT);
}

BOOST_AUTO_TEST_CASE(gmail_send_builds_raw_and_reads_the_message_back) {
  json::object body{{"to", "bob@example.com"}, {"subject", "Status"}, {"body", "All green."},
                    {"thread_id", "t9"}, {"in_reply_to", "<x@mail>"}};
  std::string raw;
  Run sent = run("gmail.send", input({}, body), [&](const json::object& r) {
    if (method_of(r) == "POST") {
      BOOST_TEST(url_of(r) == std::string(kGmail) + "messages/send");
      const json::value payload = json::parse(r.at("body").as_string());
      BOOST_TEST(payload.at("threadId") == "t9");
      raw = google::base64_decode(payload.at("raw").as_string()).value();
      return Answer{200, R"({"id":"s1","threadId":"t9","labelIds":["SENT"]})"};
    }
    BOOST_TEST(url_of(r).find("messages/s1?format=metadata") != std::string::npos);
    return Answer{200, R"({"id":"s1","threadId":"t9","labelIds":["SENT"],"snippet":"All green.",
      "internalDate":"1714564800000","payload":{"headers":[{"name":"Subject","value":"Status"}]}})"};
  });
  BOOST_TEST(sent.status() == 201);
  BOOST_TEST(sent.body().at("id") == "s1");
  BOOST_TEST(sent.body().at("title") == "Status");
  BOOST_TEST(raw.find("To: bob@example.com\r\n") == 0u);
  BOOST_TEST(raw.find("In-Reply-To: <x@mail>") != std::string::npos);

  // The mail has left even if reading it back fails: still 201, with what is known.
  Run partial = run("gmail.create", input({}, body), [](const json::object& r) {
    if (method_of(r) == "POST") return Answer{200, R"({"id":"s2","threadId":"s2","labelIds":["SENT"]})"};
    return Answer{503, google_error(503, "backendError")};
  });
  BOOST_TEST(partial.status() == 201);
  BOOST_TEST(partial.body().at("id") == "s2");
  BOOST_TEST(partial.body().at("title") == "Status");

  // Header injection never reaches Google.
  body["subject"] = "Hi\r\nBcc: eve@evil.example";
  int calls = 0;
  Run evil = run("gmail.send", input({}, body), [&](const json::object&) { return ++calls, Answer{}; });
  BOOST_TEST(evil.code == LG_ERR_BAD_INPUT);
  BOOST_TEST(evil.message.find("line breaks") != std::string::npos);
  BOOST_TEST(calls == 0);
}

BOOST_AUTO_TEST_CASE(gmail_update_modifies_trashes_then_reads_back) {
  json::object body{{"add_labels", json::array{"STARRED"}}, {"remove_labels", json::array{"UNREAD"}}, {"trash", true}};
  Run updated = run("gmail.update", input({{"id", "m7"}}, body), [](const json::object& r) {
    if (method_of(r) == "POST") return Answer{200, R"({"id":"m7","threadId":"m7","labelIds":["TRASH"]})"};
    return Answer{200, R"({"id":"m7","threadId":"m7","labelIds":["STARRED","TRASH"]})"};
  });
  BOOST_TEST(updated.status() == 200);
  const auto requests = updated.all_requests();
  BOOST_REQUIRE_EQUAL(requests.size(), 3u);
  BOOST_TEST(url_of(requests[0]) == std::string(kGmail) + "messages/m7/modify");
  BOOST_TEST(json::parse(requests[0].at("body").as_string()) ==
             json::parse(R"({"addLabelIds":["STARRED"],"removeLabelIds":["UNREAD"]})"));
  BOOST_TEST(url_of(requests[1]) == std::string(kGmail) + "messages/m7/trash");
  BOOST_TEST(method_of(requests[2]) == "GET");
  BOOST_TEST(updated.body().at("labels") == (json::array{"STARRED", "TRASH"}));

  BOOST_TEST(run("gmail.update", input({{"id", "m7"}}, json::object{}), FakeMailbox{1}).code == LG_ERR_BAD_INPUT);
  // A failure stops the sequence with the mapped error.
  Run missing = run("gmail.update", input({{"id", "zz"}}, json::object{{"trash", true}}), [](const json::object&) {
    return Answer{404, google_error(404, "notFound")};
  });
  BOOST_TEST(missing.status() == 404);
  BOOST_TEST(missing.error_code() == "not_found");
  BOOST_TEST(missing.steps.size() == 1u);
}

BOOST_AUTO_TEST_CASE(gmail_get_delete_labels_and_test) {
  Run got = run("gmail.get", input({{"id", "m1"}}), [](const json::object& r) {
    BOOST_TEST(url_of(r) == std::string(kGmail) + "messages/m1?format=full");
    return Answer{200, R"({"id":"m1","payload":{"mimeType":"text/plain","headers":[],"body":{"data":"SGVsbG8"}}})"};
  });
  BOOST_TEST(got.body().at("body") == "Hello");

  Run deleted = run("gmail.delete", input({{"id", "m1"}}), [](const json::object& r) {
    BOOST_TEST(method_of(r) == "DELETE");
    return Answer{204, ""};
  });
  BOOST_TEST(deleted.body() == json::parse(R"({"id":"m1","deleted":true})"));

  Run labels = run("gmail.labels", input({}), [](const json::object&) {
    return Answer{200, R"({"labels":[{"id":"INBOX","name":"INBOX","type":"system"},{"id":"Label_1","name":"Work","type":"user"}]})"};
  });
  BOOST_TEST(labels.body().at("labels").as_array().size() == 2u);

  Run test = run("gmail.test", input({}), [](const json::object& r) {
    if (url_of(r).find("userinfo") != std::string::npos) return Answer{200, R"({"id":"1","email":"alice@example.com"})"};
    return Answer{200, R"({"labels":[]})"};
  });
  BOOST_TEST(test.body() == json::parse(R"({"ok":true,"account":"alice@example.com"})"));
  // Without userinfo, the connection's user answers.
  Run fallback = run("calendar.test", input({}), [](const json::object& r) {
    if (url_of(r).find("userinfo") != std::string::npos) return Answer{403, google_error(403, "insufficientPermissions")};
    return Answer{200, R"({"items":[]})"};
  });
  BOOST_TEST(fallback.body().at("account") == "alice@example.com");
}

BOOST_AUTO_TEST_CASE(upstream_failures_become_unified_errors) {
  struct Case {
    int upstream;
    const char* reason;
    int status;
    const char* code;
  };
  for (auto c : {Case{403, "insufficientPermissions", 403, "insufficient_scope"}, Case{500, "backendError", 502, "upstream_error"},
                 Case{429, "rateLimitExceeded", 429, "rate_limited"}, Case{401, "authError", 401, "unauthorized"},
                 Case{0, "", 504, "upstream_unavailable"}}) {
    for (const char* op : {"gmail.list", "drive.list", "calendar.list", "gmail.labels"}) {
      Run failed = run(op, input({}), [&](const json::object&) { return Answer{c.upstream, google_error(c.upstream, c.reason)}; });
      BOOST_TEST(failed.status() == c.status, op << " " << c.upstream);
      BOOST_TEST(failed.error_code() == c.code, op);
      if (c.upstream != 0) BOOST_TEST(failed.reply.at("error").at("details").at("provider_status") == c.upstream);
    }
  }
}

BOOST_AUTO_TEST_CASE(drive_operations_speak_drive_v3) {
  const std::string files = "https://www.googleapis.com/drive/v3/files";
  auto listing = [](const json::object&) {
    return Answer{200, R"({"nextPageToken":"p2","files":[{"id":"1A","name":"Q3.pdf","mimeType":"application/pdf"}]})"};
  };
  Run listed = run("drive.list", input({{"limit", "5000"}}), listing);
  const std::string url = url_of(listed.steps[0][0]);
  BOOST_TEST(starts_with(url, files + "?pageSize=1000&"));
  BOOST_TEST(query_value(url, "q") == "trashed%20%3D%20false");
  BOOST_TEST(query_value(url, "fields").find("nextPageToken%2Cfiles%28id%2Cname") == 0u);
  BOOST_TEST(listed.body().at("next_cursor") == "p2");
  BOOST_TEST(listed.body().at("items").at(0).at("title") == "Q3.pdf");

  Run searched = run("drive.search", input({{"q", "Bob's"}}), listing);
  BOOST_TEST(query_value(url_of(searched.steps[0][0]), "q") ==
             "name%20contains%20%27Bob%5C%27s%27%20and%20trashed%20%3D%20false");

  Run created = run("drive.create", input({}, json::object{{"name", "Notes"}, {"mimeType", "application/vnd.google-apps.folder"}}),
                    [&](const json::object& r) {
                      BOOST_TEST(method_of(r) == "POST");
                      BOOST_TEST(starts_with(url_of(r), files + "?fields="));
                      BOOST_TEST(json::parse(r.at("body").as_string()).at("name") == "Notes");
                      return Answer{200, R"({"id":"1N","name":"Notes","mimeType":"application/vnd.google-apps.folder"})"};
                    });
  BOOST_TEST(created.status() == 201);
  BOOST_TEST(created.body().at("id") == "1N");
  BOOST_TEST(run("drive.create", input({}, json::object{}), listing).code == LG_ERR_BAD_INPUT);

  Run got = run("drive.get", input({{"id", "1A"}}), [&](const json::object& r) {
    BOOST_TEST(starts_with(url_of(r), files + "/1A?fields="));
    return Answer{404, google_error(404, "notFound")};
  });
  BOOST_TEST(got.error_code() == "not_found");
}

BOOST_AUTO_TEST_CASE(calendar_operations_speak_calendar_v3) {
  const std::string events = "https://www.googleapis.com/calendar/v3/calendars/primary/events";
  Run listed = run("calendar.list", input({{"timeMin", "2024-05-01T00:00:00Z"}, {"timeMax", "2024-05-02T00:00:00Z"}}),
                   [](const json::object&) {
                     return Answer{200, R"({"kind":"calendar#events","items":[{"id":"e1","summary":"Standup",
                       "start":{"dateTime":"2024-05-01T09:00:00Z"},"end":{"dateTime":"2024-05-01T09:15:00Z"}}],
                       "nextSyncToken":"s"})"};
                   });
  const std::string url = url_of(listed.steps[0][0]);
  BOOST_TEST(starts_with(url, events + "?maxResults=20&"));
  BOOST_TEST(query_value(url, "timeMin") == "2024-05-01T00%3A00%3A00Z");
  BOOST_TEST(query_value(url, "timeMax") == "2024-05-02T00%3A00%3A00Z");
  BOOST_TEST(listed.body().at("items").at(0).at("title") == "Standup");
  BOOST_TEST(listed.body().at("next_cursor").is_null());
  BOOST_TEST(query_value(url_of(run("calendar.list", input({{"limit", "9999"}}), [](const json::object&) {
                           return Answer{200, "{}"};
                         }).steps[0][0]), "maxResults") == "2500");

  json::object event{{"summary", "Review"}, {"start", {{"dateTime", "2024-06-01T10:00:00Z"}}},
                     {"end", {{"dateTime", "2024-06-01T11:00:00Z"}}}};
  Run created = run("calendar.create", input({}, event), [&](const json::object& r) {
    BOOST_TEST(url_of(r) == events);
    BOOST_TEST(json::parse(r.at("body").as_string()) == event);
    return Answer{200, R"({"id":"new1","summary":"Review","start":{"dateTime":"2024-06-01T10:00:00Z"}})"};
  });
  BOOST_TEST(created.status() == 201);
  BOOST_TEST(created.body().at("start") == "2024-06-01T10:00:00Z");
  BOOST_TEST(run("calendar.create", input({}, json::object{{"summary", "x"}}), {}).code == LG_ERR_BAD_INPUT);

  Run deleted = run("calendar.delete", input({{"id", "new1"}}), [&](const json::object& r) {
    BOOST_TEST(url_of(r) == events + "/new1");
    return Answer{410, google_error(410, "deleted")};
  });
  BOOST_TEST(deleted.status() == 404);
}

// Incremental sync: Calendar's nextSyncToken came back nowhere and a
// syncToken could not be passed; an expired one must not look like 404.
BOOST_AUTO_TEST_CASE(calendar_sync_tokens_pass_through) {
  Run full = run("calendar.list", input({}), [](const json::object&) {
    return Answer{200, R"({"kind":"calendar#events","items":[],"nextSyncToken":"CPDAlvWDx70CEPDAlvWDx70CGAU="})"};
  });
  BOOST_TEST(full.body().at("next_sync_token") == "CPDAlvWDx70CEPDAlvWDx70CGAU=");
  Run more = run("calendar.list", input({}), [](const json::object&) {
    return Answer{200, R"({"kind":"calendar#events","items":[],"nextPageToken":"p2"})"};
  });
  BOOST_TEST(more.body().at("next_sync_token").is_null());

  Run synced = run("calendar.list", input({{"sync_token", "tok/1="}}), [](const json::object&) {
    return Answer{200, R"({"kind":"calendar#events","items":[{"id":"e9","status":"cancelled"}],"nextSyncToken":"tok2"})"};
  });
  const std::string url = url_of(synced.steps.at(0).at(0));
  BOOST_TEST(query_value(url, "syncToken") == "tok%2F1%3D");
  BOOST_TEST(query_value(url, "orderBy").empty());  // Calendar refuses orderBy with syncToken
  BOOST_TEST(synced.body().at("items").at(0).at("status") == "cancelled");
  BOOST_TEST(synced.body().at("next_sync_token") == "tok2");
  BOOST_TEST(run("calendar.list", input({{"sync_token", "t"}, {"timeMin", "2024-05-01T00:00:00Z"}}), {}).code ==
             LG_ERR_BAD_INPUT);

  Run expired = run("calendar.list", input({{"sync_token", "old"}}), [](const json::object&) {
    return Answer{410, google_error(410, "fullSyncRequired")};
  });
  BOOST_TEST(expired.status() == 410);
  BOOST_TEST(expired.error_code() == "sync_token_expired");
}

BOOST_AUTO_TEST_SUITE_END()
