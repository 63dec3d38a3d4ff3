#include "api.hpp"

#include "errors.hpp"

#include "json_input.hpp"
#include "responses.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <charconv>
#include <chrono>

namespace atlassian {
namespace common = lagentry::plugin_common;

namespace {
const json::value kNull;

std::string fetch_document(const Request& r) {
  return common::fetch_document(json::array{common::json_request(r.method, r.url, r.body.is_null() ? nullptr : &r.body)});
}

// Digits of `text` from `at`, or -1.
int digits(std::string_view text, std::size_t at, std::size_t count) {
  int value = 0;
  if (at + count > text.size()) return -1;
  auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + count, value);
  return ec == std::errc() && end == text.data() + at + count ? value : -1;
}
}  // namespace

std::string Context::jira(std::string_view path) const {
  return "https://api.atlassian.com/ex/jira/" + path_segment("site", site.id) + "/rest/api/3/" + std::string(path);
}

std::string Context::confluence(std::string_view path) const {
  return "https://api.atlassian.com/ex/confluence/" + path_segment("site", site.id) + "/wiki/api/v2/" + std::string(path);
}

lagentry::Step run(const Operation& operation, const lagentry::Call& call) {
  Context context{Input(call.input), {}};
  if (operation.needs_site) {
    auto chosen = select_site(context.input.connection(), context.input.param("site"));
    if (auto* failure = std::get_if<Failure>(&chosen)) return lagentry::Step::reply(failure_reply(*failure));
    context.site = std::get<Site>(std::move(chosen));
  }
  std::size_t stage = 0;
  Answer answer;
  if (!call.first_step()) {
    stage = std::stoul(std::string(call.state));
    const auto responses = common::responses_of(call);
    const common::Response& response = responses.at(0);
    answer.status = response.status;
    const std::string& body = response.body;
    json::error_code ec;
    if (!body.empty()) answer.body = common::parse_upstream_json(body, ec);
    if (ec) answer.body = body;  // not JSON: keep the text (valid UTF-8: responses_of) for the error details
    if (auto failure = classify(answer.status, answer.body, response.error))
      return lagentry::Step::reply(failure_reply(*failure, answer.status, answer.body));
  }
  if (stage >= operation.stages.size() || !operation.stages[stage])
    throw std::runtime_error("operation continued past its last stage");
  Next next = operation.stages[stage](context, answer);
  if (!next.fetch) return lagentry::Step::reply(std::move(next.reply));
  return lagentry::Step::fetch(fetch_document(*next.fetch), std::to_string(stage + 1));
}

json::object make_item(const Input& input, ItemFields fields, const json::value& raw) {
  json::object item = common::item(fields.id, fields.type, std::move(fields.title), std::move(fields.snippet),
                                   std::move(fields.url), std::move(fields.created_at), std::move(fields.updated_at));
  if (input.include_raw()) item["raw"] = raw;
  return item;
}

std::string page_reply(json::array items, const std::string& next_cursor) {
  return reply_json(common::page(std::move(items), next_cursor));
}

json::value utc_time(const json::value& value) {
  if (!value.is_string()) return nullptr;
  const std::string_view t = value.get_string();
  const int year = digits(t, 0, 4), month = digits(t, 5, 2), day = digits(t, 8, 2);
  const int hour = digits(t, 11, 2), minute = digits(t, 14, 2), second = digits(t, 17, 2);
  if (year < 0 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0 || t.size() < 19) return nullptr;
  std::size_t at = 19;
  if (at < t.size() && t[at] == '.')
    for (++at; at < t.size() && std::isdigit(static_cast<unsigned char>(t[at])); ++at) {
    }
  int offset_minutes = 0;
  if (at < t.size() && (t[at] == '+' || t[at] == '-')) {
    const int sign = t[at] == '-' ? -1 : 1;
    const bool colon = at + 3 < t.size() && t[at + 3] == ':';
    const int oh = digits(t, at + 1, 2), om = digits(t, at + (colon ? 4 : 3), 2);
    if (oh < 0 || om < 0) return nullptr;
    offset_minutes = sign * (oh * 60 + om);
  }
  using namespace std::chrono;
  const sys_days date{year_month_day{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)}};
  const sys_seconds at_utc = date + hours(hour) + minutes(minute - offset_minutes) + seconds(second);
  return json::value(common::rfc3339(at_utc));
}

json::value snippet_of(std::string_view text, std::size_t max) {
  if (text.empty()) return nullptr;
  if (text.size() <= max) return json::value(text);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
  return json::value(std::string(text.substr(0, cut)) + "...");
}

std::string text_at(const json::value& o, std::string_view key) {
  const auto& v = at(o, key);
  return v.is_string() ? std::string(v.get_string()) : std::string();
}

json::value nullable_text(const json::value& o, std::string_view key) {
  const auto& v = at(o, key);
  return v.is_string() && !v.get_string().empty() ? v : json::value(nullptr);
}

const json::value& at(const json::value& o, std::string_view key) {
  const auto* v = o.is_object() ? o.get_object().if_contains(key) : nullptr;
  return v ? *v : kNull;
}

}  // namespace atlassian
